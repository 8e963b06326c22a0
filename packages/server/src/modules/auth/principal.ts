import type { User as UserJson } from '@evision/contract';
import type { ServiceScope } from './tokens';

/** The authenticated caller of a request or WebSocket: part of the auth module's public surface. */
export type AuthUser = UserJson;

export type Principal =
  /** `version`: the token version the access token carries; `exp`: its expiry (s since epoch). */
  | { kind: 'user'; user: AuthUser; version: number; exp: number }
  | { kind: 'service'; tokenId: number; name: string; scopes: ServiceScope[] };
