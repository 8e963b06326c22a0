import { NavLink } from 'react-router';
import { useAuth } from '../auth/AuthContext';
import { useTheme } from '../lib/theme';
import { type ExtraRoute, extraRoutes } from './extra';

const THEME_LABEL = { system: 'Theme: system', dark: 'Theme: dark', light: 'Theme: light' } as const;

/** The top bar: the pages this user may open (by `nav.order`), who is signed in, theme, sign out. */
export function NavBar({ routes = extraRoutes }: { routes?: ExtraRoute[] }) {
  const { user, logout } = useAuth();
  const [theme, cycleTheme] = useTheme();
  const entries = routes
    .filter((r) => r.nav)
    .filter((r) => r.auth === 'public' || (user && (r.auth === 'user' || user.role === 'admin')))
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0));

  return (
    <header className="navbar">
      <NavLink to="/" className="navbar-brand">
        EVision
      </NavLink>
      <nav aria-label="Main" className="navbar-links">
        {entries.map((r) => (
          <NavLink key={r.path} to={r.path} end={r.path === '/'}>
            {r.nav?.label}
          </NavLink>
        ))}
      </nav>
      <div className="navbar-end">
        <button type="button" className="btn btn-ghost" onClick={cycleTheme} title="Switch theme">
          {THEME_LABEL[theme]}
        </button>
        {user ? (
          <>
            <span className="navbar-user" title={user.email}>
              {user.username}
            </span>
            <button type="button" className="btn btn-ghost" onClick={() => void logout()}>
              Sign out
            </button>
          </>
        ) : (
          <NavLink to="/login">Sign in</NavLink>
        )}
      </div>
    </header>
  );
}
