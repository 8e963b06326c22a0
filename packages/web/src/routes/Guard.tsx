import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import type { ExtraRoute } from './extra';

/** Lets a page render only for the audience its route names; others go to the login. */
export function Guard({ auth, children }: { auth: ExtraRoute['auth']; children: ReactNode }) {
  const { user, restoring } = useAuth();
  const location = useLocation();
  if (auth === 'public') return children;
  if (restoring)
    return (
      <div className="page" aria-busy="true">
        <p className="muted">Restoring your session…</p>
      </div>
    );
  if (!user) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (auth === 'admin' && user.role !== 'admin')
    return (
      <div className="page">
        <div className="error" role="alert">
          This page is for administrators. Ask an admin of this EVision server if you need access.
        </div>
      </div>
    );
  return children;
}
