import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import {
  type ComponentType,
  type LazyExoticComponent,
  lazy,
  type ReactNode,
  Suspense,
  useState,
} from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AuthProvider } from './auth/AuthContext';
import { ToastProvider } from './lib/toast';
import { type ExtraRoute, extraRoutes } from './routes/extra';
import { Guard } from './routes/Guard';
import { NavBar } from './routes/NavBar';
import './app.css';

const lazyPages = new Map<ExtraRoute['load'], LazyExoticComponent<ComponentType>>();
function pageOf(route: ExtraRoute): LazyExoticComponent<ComponentType> {
  let page = lazyPages.get(route.load);
  if (!page) {
    page = lazy(route.load);
    lazyPages.set(route.load, page);
  }
  return page;
}

function Loading() {
  return (
    <div className="page" aria-busy="true">
      <div className="skeleton" style={{ height: '2rem', width: '40%' }} />
    </div>
  );
}

function NotFound() {
  return (
    <div className="page">
      <div className="empty">
        <h1>Page not found</h1>
        <p>
          That address is not part of EVision. <a href="/">Go to the board</a>.
        </p>
      </div>
    </div>
  );
}

/** The routes of `routes/extra.tsx`, each lazy-loaded behind its guard, under the nav bar. */
export function AppRoutes({ routes = extraRoutes }: { routes?: ExtraRoute[] }) {
  return (
    <>
      <NavBar routes={routes} />
      <main id="main">
        <Suspense fallback={<Loading />}>
          <Routes>
            {routes.map((r) => {
              const Page = pageOf(r);
              return (
                <Route
                  key={r.path}
                  path={r.path}
                  element={
                    <Guard auth={r.auth}>
                      <Page />
                    </Guard>
                  }
                />
              );
            })}
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

/** Providers shared by the app and its tests. */
export function Providers({ children, restore = true }: { children: ReactNode; restore?: boolean }) {
  const [client] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={client}>
      <AuthProvider restore={restore}>
        <ToastProvider>{children}</ToastProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}

export function App() {
  return (
    <Providers>
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </Providers>
  );
}
