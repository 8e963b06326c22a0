import type { User } from '@evision/contract';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { apiFetch, onSessionChange, refreshSession, type Session, setAccessToken } from '../lib/api';

export type { User };

/** The second factor a login may need: a 6-digit TOTP code or one recovery code. */
export interface SecondFactor {
  totp?: string;
  recovery_code?: string;
}

export interface AuthState {
  user: User | null;
  /** True until the session restore on load has finished (refresh cookie tried). */
  restoring: boolean;
  login(identifier: string, password: string, second?: SecondFactor): Promise<void>;
  register(username: string, email: string, password: string): Promise<void>;
  logout(): Promise<void>;
  /** Forget the session locally (after "sign out everywhere"). */
  clear(): void;
}

const AuthContext = createContext<AuthState | null>(null);

/**
 * Holds the signed-in user so pages never pass tokens around. The access token lives only in
 * memory (lib/api.ts); a reload restores the session from the HttpOnly refresh cookie.
 */
export function AuthProvider({ children, restore = true }: { children: ReactNode; restore?: boolean }) {
  const [user, setUser] = useState<User | null>(null);
  const [restoring, setRestoring] = useState(restore);

  useEffect(() => onSessionChange((s) => setUser(s ? s.user : null)), []);

  useEffect(() => {
    if (!restore) return;
    let live = true;
    refreshSession().finally(() => {
      if (live) setRestoring(false);
    });
    return () => {
      live = false;
    };
  }, [restore]);

  const accept = useCallback((s: Session) => {
    setAccessToken(s.access_token);
    setUser(s.user);
  }, []);

  const login = useCallback(
    async (identifier: string, password: string, second: SecondFactor = {}) => {
      const field = identifier.includes('@') ? 'email' : 'username';
      const s = await apiFetch<Session>('/api/auth/login', {
        method: 'POST',
        headers: { 'x-refresh-mode': 'cookie' },
        body: JSON.stringify({ [field]: identifier, password, ...second }),
      });
      accept(s);
    },
    [accept],
  );

  const register = useCallback(
    async (username: string, email: string, password: string) => {
      const s = await apiFetch<Session>('/api/auth/register', {
        method: 'POST',
        headers: { 'x-refresh-mode': 'cookie' },
        body: JSON.stringify({ username, email, password }),
      });
      accept(s);
    },
    [accept],
  );

  const clear = useCallback(() => {
    setAccessToken(null);
    setUser(null);
  }, []);

  const logout = useCallback(async () => {
    try {
      await apiFetch('/api/auth/logout', {
        method: 'POST',
        headers: { 'x-refresh-mode': 'cookie' },
        body: '{}',
      });
    } catch {
      // Signing out locally still works when the server is unreachable.
    }
    clear();
  }, [clear]);

  const value = useMemo(
    () => ({ user, restoring, login, register, logout, clear }),
    [user, restoring, login, register, logout, clear],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
