import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { Hits } from './pages/Hits';
import { Login } from './pages/Login';

function Routes() {
  const { user } = useAuth();
  return user ? <Hits /> : <Login />;
}

export function App() {
  const [client] = useState(() => new QueryClient());
  return (
    <QueryClientProvider client={client}>
      <AuthProvider>
        <Routes />
      </AuthProvider>
    </QueryClientProvider>
  );
}
