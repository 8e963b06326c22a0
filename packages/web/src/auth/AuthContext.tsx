import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { apiFetch, setAccessToken } from '../api';

export interface User {
  id: number;
  username: string;
  email: string;
  role: 'user' | 'admin';
}

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  user: User;
}

interface AuthState {
  user: User | null;
  login(username: string, password: string): Promise<void>;
  logout(): void;
}

const AuthContext = createContext<AuthState | null>(null);

/** Holds the signed-in user so pages never pass tokens around. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);

  const login = useCallback(async (username: string, password: string) => {
    const field = username.includes('@') ? 'email' : 'username';
    const res = await apiFetch<TokenResponse>('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ [field]: username, password }),
    });
    setAccessToken(res.access_token);
    setUser(res.user);
  }, []);

  const logout = useCallback(() => {
    setAccessToken(null);
    setUser(null);
  }, []);

  const value = useMemo(() => ({ user, login, logout }), [user, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
