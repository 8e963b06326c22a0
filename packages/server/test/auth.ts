import { randomBytes } from 'node:crypto';
import type { User } from '@evision/contract';
import type { App } from '../src/app';
import type { ServiceScope } from '../src/modules/auth/tokens';

let n = 0;

export interface TestUser {
  user: User;
  accessToken: string;
  refreshToken: string;
  password: string;
}

/**
 * Creates a user through the real UserService and issues real tokens for it (no forging).
 * `headers` of the result: `{ authorization: 'Bearer …' }`, for `app.inject`.
 */
export async function createUser(
  app: App,
  options: { role?: 'user' | 'admin'; username?: string; password?: string; email?: string } = {},
): Promise<TestUser & { headers: { authorization: string } }> {
  const username = options.username ?? `u${process.pid}_${n++}_${randomBytes(3).toString('hex')}`;
  const password = options.password ?? `Pw-${randomBytes(9).toString('base64url')}`;
  const email = options.email ?? `${username.toLowerCase()}@example.com`;
  const user = await app.ctx.users.create({ username, email, password, role: options.role ?? 'user' });
  const row = await app.ctx.users.repo.byId(user.id);
  const pair = await app.ctx.auth.issuePair(row!);
  return {
    user,
    accessToken: pair.access_token,
    refreshToken: pair.refresh_token!,
    password,
    headers: { authorization: `Bearer ${pair.access_token}` },
  };
}

/** A service token (`evs_…`) with these scopes, created as an admin would. */
export async function createServiceToken(
  app: App,
  scopes: ServiceScope[],
  name = 'test bot',
): Promise<string> {
  const created = await app.ctx.tokens.createServiceToken({ name, scopes });
  return created.token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
