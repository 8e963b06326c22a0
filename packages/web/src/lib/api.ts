/**
 * The one way the web app talks to the API: JSON in and out, the access token attached, one
 * shared refresh on a 401 (the refresh token lives in an HttpOnly cookie), and the server's
 * error shape mapped to `ApiError` (a 429 carries its `Retry-After` in the message).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Seconds from `Retry-After` on a 429 (or 503), when the server sent one. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** What a successful login, register or refresh answers with. */
export interface Session {
  access_token: string;
  user: import('@evision/contract').User;
}

let accessToken: string | null = null;
let refreshing: Promise<Session | null> | null = null;
const listeners = new Set<(session: Session | null) => void>();

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

export function getAccessToken(): string | null {
  return accessToken;
}

/** Called with the new session after a refresh, or null when the session ended. */
export function onSessionChange(listener: (session: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Paths whose 401 means "wrong credentials", not "token expired": never refreshed. */
const NO_REFRESH = /^\/api\/auth\/(login|register|refresh|logout)/;

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers share one request,
 * so ten parallel 401s cause one refresh. Resolves null when there is no session.
 */
export function refreshSession(): Promise<Session | null> {
  if (!refreshing) {
    refreshing = (async () => {
      try {
        const res = await fetch('/api/auth/refresh', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'x-refresh-mode': 'cookie', 'content-type': 'application/json' },
          body: '{}',
        });
        if (!res.ok) throw new Error(`refresh ${res.status}`);
        const session = (await res.json()) as Session;
        if (typeof session?.access_token !== 'string') throw new Error('refresh: no token');
        accessToken = session.access_token;
        for (const l of listeners) l(session);
        return session;
      } catch {
        accessToken = null;
        for (const l of listeners) l(null);
        return null;
      } finally {
        refreshing = null;
      }
    })();
  }
  return refreshing;
}

function retryAfterSeconds(res: Response): number | undefined {
  const h = res.headers.get('retry-after');
  if (!h) return undefined;
  const n = Number(h);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(h);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function send(path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  if (accessToken) headers.set('authorization', `Bearer ${accessToken}`);
  return fetch(path, { credentials: 'same-origin', ...init, headers });
}

export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const sentWith = accessToken;
  let res = await send(path, init);
  if (res.status === 401 && !NO_REFRESH.test(path)) {
    // Another request may already have refreshed while this one was in flight.
    const fresh =
      accessToken && accessToken !== sentWith ? accessToken : (await refreshSession())?.access_token;
    if (fresh) res = await send(path, init);
  }
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    const retryAfter = res.status === 429 || res.status === 503 ? retryAfterSeconds(res) : undefined;
    let message = err?.message ?? `HTTP ${res.status}`;
    if (retryAfter !== undefined) message += ` — try again in ${formatWait(retryAfter)}`;
    throw new ApiError(res.status, err?.code ?? 'http_error', message, err?.details, retryAfter);
  }
  return body as T;
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} s`;
  return `${Math.ceil(seconds / 60)} min`;
}

/** The field messages of a 400's `details` (zod issues `[{path, message}]`), keyed by field. */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return out;
  for (const d of error.details as Array<{ path?: unknown; message?: unknown }>) {
    const key = Array.isArray(d.path) ? d.path.join('.') : String(d.path ?? '');
    if (key && typeof d.message === 'string' && !out[key]) out[key] = d.message;
  }
  return out;
}
