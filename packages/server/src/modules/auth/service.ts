import type { TokenResponse, User as UserJson } from '@evision/contract';
import type { Config } from '../../config';
import type { AuditChain } from '../../infra/audit/chain';
import { AppError, conflict, forbidden, tooManyRequests, unauthorized } from '../../infra/errors';
import { DUMMY_PASSWORD_HASH } from '../users/passwords';
import type { UserRow } from '../users/repo';
import { type Actor, toUserJson, type UserService } from '../users/service';
import type { TokenService } from './tokens';
import { newRecoveryCodes, newTotpSecret, otpauthUri, recoveryCodeHash, verifyTotp } from './totp';

const INVALID_CREDENTIALS = 'Incorrect username or password';

/** Where failed logins of unknown names are counted: the shared cache (Redis or memory). */
export interface FailureStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
}

interface UnknownFailures {
  count: number;
  windowStart: number;
  lockedUntil: number | null;
}

/** A process-local FailureStore (the CLI's offline mode; the app hands over its cache). */
export class MemoryFailureStore implements FailureStore {
  private readonly entries = new Map<string, { value: unknown; until: number }>();
  constructor(private readonly now: () => number) {}
  async get<T>(key: string): Promise<T | undefined> {
    const e = this.entries.get(key);
    if (!e || e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value as T;
  }
  async set(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    if (this.entries.size > 10_000) {
      for (const [k, e] of this.entries) if (e.until <= this.now()) this.entries.delete(k);
      if (this.entries.size > 10_000) this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(key, { value, until: this.now() + ttlSeconds * 1000 });
  }
}

export interface LoginInput {
  login: string;
  password: string;
  totp?: string;
  recoveryCode?: string;
  ip?: string | null;
}

/** Login, token refresh and logout, password change and two-factor set-up. */
export class AuthService {
  /** Failure counters of names that are no account (set to the app's cache by buildApp). */
  failureStore: FailureStore;

  constructor(
    private readonly config: Config,
    private readonly users: UserService,
    private readonly tokens: TokenService,
    private readonly audit: AuditChain,
    private readonly now: () => number,
  ) {
    this.failureStore = new MemoryFailureStore(now);
  }

  async issuePair(row: UserRow, familyId?: string): Promise<TokenResponse> {
    const access = await this.tokens.issueAccess({
      userId: row.id,
      role: row.role,
      version: row.tokenVersion,
    });
    const refresh = await this.tokens.issueRefresh(row.id, familyId);
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: this.tokens.accessTtl,
      refresh_token: refresh,
      user: toUserJson(row),
    };
  }

  async login(input: LoginInput): Promise<TokenResponse> {
    const row = await this.users.repo.byLogin(input.login);
    const now = this.now();
    if (!row) {
      // The same answers as for an account (401, then 429 `account_locked` at the threshold)
      // and the same argon2 work: no user enumeration. Counters live in the cache with a TTL.
      const key = `authfail:${input.login.toLowerCase().slice(0, 320)}`;
      const state = await this.failureStore.get<UnknownFailures>(key).catch(() => undefined);
      if (state?.lockedUntil && state.lockedUntil > now) {
        await this.auditFailure(null, input, 'account locked');
        throw this.locked(state.lockedUntil - now);
      }
      await this.users.hasher.verify(DUMMY_PASSWORD_HASH, input.password);
      await this.auditFailure(null, input, 'unknown user');
      // The statement an account's failure runs (on no row), like the dummy hash above: the
      // unknown name's answer costs the same database round trip (bench/login-enumeration).
      await this.countFailureInDb(0);
      await this.countUnknownFailure(key, state, input);
      throw unauthorized(INVALID_CREDENTIALS, 'invalid_credentials');
    }
    if (row.lockedUntil && row.lockedUntil.getTime() > now) {
      await this.auditFailure(row, input, 'account locked');
      throw this.locked(row.lockedUntil.getTime() - now);
    }
    const ok = await this.users.hasher.verify(row.passwordHash, input.password);
    if (!ok) {
      await this.auditFailure(row, input, 'wrong password');
      await this.countFailure(row, input);
      throw unauthorized(INVALID_CREDENTIALS, 'invalid_credentials');
    }
    if (!row.isActive) {
      await this.auditFailure(row, input, 'account disabled');
      throw forbidden('This account is disabled', 'account_disabled');
    }
    if (row.totpEnabled) {
      if (input.recoveryCode) {
        const used = await this.users.repo.consumeRecoveryCode(
          row.id,
          recoveryCodeHash(input.recoveryCode),
          new Date(now),
        );
        if (!used) {
          await this.auditFailure(row, input, 'invalid recovery code');
          await this.countFailure(row, input);
          throw unauthorized('Invalid two-factor code', 'invalid_totp');
        }
      } else if (input.totp) {
        const step = await verifyTotp(row.totpSecret ?? '', input.totp, now);
        if (step === null) {
          await this.auditFailure(row, input, 'invalid TOTP code');
          await this.countFailure(row, input);
          throw unauthorized('Invalid two-factor code', 'invalid_totp');
        }
        await this.claimStep(row, step, input);
      } else {
        throw unauthorized('A two-factor code is required', 'totp_required');
      }
    }
    if (row.failedLogins > 0 || row.lockedUntil) await this.users.repo.clearFailures(row.id);
    await this.audit.append({
      type: 'AUTH_SUCCESS',
      message: `login of ${row.username}${input.recoveryCode ? ' with a recovery code' : ''}`,
      userId: row.id,
      username: row.username,
      ip: input.ip ?? null,
      details: input.recoveryCode ? { method: 'recovery_code' } : null,
    });
    return this.issuePair(row);
  }

  /** A code of a step already used (or earlier) is a replay: 401 `totp_replayed`. */
  private async claimStep(row: UserRow, step: number, input?: LoginInput): Promise<void> {
    if (await this.users.repo.claimTotpStep(row.id, step)) return;
    if (input) {
      await this.auditFailure(row, input, 'replayed TOTP code');
      await this.countFailure(row, input);
    }
    throw unauthorized('This two-factor code was already used: wait for the next one', 'totp_replayed');
  }

  private async countUnknownFailure(
    key: string,
    state: UnknownFailures | undefined,
    input: LoginInput,
  ): Promise<void> {
    const now = this.now();
    const { lockout } = this.config;
    const windowMs = lockout.windowMinutes * 60_000;
    const fresh = !state || state.windowStart < now - windowMs;
    const count = fresh ? 1 : state.count + 1;
    const ttl = Math.ceil(Math.max(windowMs, lockout.minutes * 60_000) / 1000);
    if (count >= lockout.threshold) {
      const lockedUntil = now + lockout.minutes * 60_000;
      await this.failureStore.set(key, { count: 0, windowStart: now, lockedUntil }, ttl).catch(() => {});
      await this.audit.append({
        type: 'SUSPICIOUS_ACTIVITY',
        message: `unknown login ${JSON.stringify(input.login.slice(0, 64))} locked for ${lockout.minutes} min after ${lockout.threshold} failed logins`,
        userId: null,
        username: null,
        ip: input.ip ?? null,
        details: { reason: 'account_locked', locked_until: new Date(lockedUntil).toISOString() },
      });
      throw this.locked(lockedUntil - now);
    }
    const value = { count, windowStart: fresh ? now : state.windowStart, lockedUntil: null };
    await this.failureStore.set(key, value, ttl).catch(() => {});
  }

  private locked(ms: number): AppError {
    return tooManyRequests(
      'Too many failed logins: the account is temporarily locked',
      ms / 1000,
      'account_locked',
    );
  }

  private async auditFailure(row: UserRow | null, input: LoginInput, reason: string): Promise<void> {
    await this.audit.append({
      type: 'AUTH_FAILED',
      message: `login failed for ${JSON.stringify(input.login.slice(0, 64))}: ${reason}`,
      userId: row?.id ?? null,
      username: row?.username ?? null,
      ip: input.ip ?? null,
      details: { reason },
    });
  }

  private countFailureInDb(userId: number): Promise<{ lockedUntil: Date | null }> {
    const now = this.now();
    const { lockout } = this.config;
    return this.users.repo.recordFailure(
      userId,
      new Date(now),
      new Date(now - lockout.windowMinutes * 60_000),
      lockout.threshold,
      new Date(now + lockout.minutes * 60_000),
    );
  }

  /** Counts the failure; the one that reaches the threshold locks the account and answers 429. */
  private async countFailure(row: UserRow, input: LoginInput): Promise<void> {
    const now = this.now();
    const { lockout } = this.config;
    const { lockedUntil } = await this.countFailureInDb(row.id);
    if (lockedUntil) {
      await this.audit.append({
        type: 'SUSPICIOUS_ACTIVITY',
        message: `account ${row.username} locked for ${lockout.minutes} min after ${lockout.threshold} failed logins`,
        userId: row.id,
        username: row.username,
        ip: input.ip ?? null,
        details: { reason: 'account_locked', locked_until: lockedUntil.toISOString() },
      });
      throw this.locked(lockedUntil.getTime() - now);
    }
  }

  async refresh(refreshToken: string, ip?: string | null): Promise<TokenResponse> {
    const outcome = await this.tokens.rotateRefresh(refreshToken);
    if (outcome.kind === 'unknown') throw unauthorized('Invalid refresh token', 'invalid_token');
    if (outcome.kind === 'expired') throw unauthorized('Refresh token has expired', 'token_expired');
    if (outcome.kind === 'revoked') {
      throw unauthorized('Refresh token was revoked (logout or password change)', 'token_revoked');
    }
    if (outcome.kind === 'reused') {
      const row = await this.users.repo.byId(outcome.userId);
      await this.audit.append({
        type: 'SUSPICIOUS_ACTIVITY',
        message: `refresh token reuse for ${row?.username ?? `user ${outcome.userId}`}: token family revoked`,
        userId: outcome.userId,
        username: row?.username ?? null,
        ip: ip ?? null,
        details: { reason: 'refresh_token_reuse', family_id: outcome.familyId },
      });
      throw unauthorized('Refresh token was already used: every session of it is revoked', 'refresh_reused');
    }
    const row = await this.users.repo.byId(outcome.userId);
    if (!row?.isActive) {
      await this.tokens.revokeFamily(outcome.familyId);
      throw unauthorized('Invalid refresh token', 'invalid_token');
    }
    const access = await this.tokens.issueAccess({
      userId: row.id,
      role: row.role,
      version: row.tokenVersion,
    });
    return {
      access_token: access,
      token_type: 'bearer',
      expires_in: this.tokens.accessTtl,
      refresh_token: outcome.refreshToken,
      user: toUserJson(row),
    };
  }

  async logout(refreshToken: string): Promise<void> {
    await this.tokens.revokeRefresh(refreshToken);
  }

  /** "Sign out everywhere": every refresh token revoked, every access token retired. */
  async logoutAll(userId: number, actor: Actor): Promise<void> {
    const row = await this.requireRow(userId);
    await this.tokens.revokeAllForUser(row.id);
    await this.retireAccessTokens(row.id);
    await this.audit.append({
      type: 'ADMIN_ACTION',
      message: `${row.username} signed out everywhere`,
      userId: row.id,
      username: row.username,
      ip: actor.ip ?? null,
      details: { action: 'logout_all' },
    });
  }

  /**
   * Bumps the user's token version: access tokens issued before stop working on every instance
   * (the auth plugin publishes the bump; plugins/auth.ts).
   */
  async retireAccessTokens(userId: number): Promise<number | null> {
    return this.users.repo.bumpTokenVersion(userId);
  }

  private async requireRow(userId: number): Promise<UserRow> {
    const row = await this.users.repo.byId(userId);
    if (!row?.isActive) throw unauthorized();
    return row;
  }

  private async checkPassword(row: UserRow, password: string, field: string): Promise<void> {
    if (!(await this.users.hasher.verify(row.passwordHash, password))) {
      throw new AppError(401, 'invalid_credentials', 'Password is incorrect', [
        { field, message: 'is incorrect' },
      ]);
    }
  }

  async changePassword(userId: number, current: string, next: string, actor: Actor): Promise<TokenResponse> {
    const row = await this.requireRow(userId);
    await this.checkPassword(row, current, 'current_password');
    await this.users.setPassword(row, next);
    await this.audit.append({
      type: 'PASSWORD_CHANGED',
      message: `password of ${row.username} changed by the user`,
      userId: row.id,
      username: row.username,
      ip: actor.ip ?? null,
    });
    return this.issuePair(await this.requireRow(row.id));
  }

  /** Stores a new, not yet enabled secret (replacing an earlier pending one). */
  async setupTotp(userId: number): Promise<{ secret: string; otpauth_uri: string }> {
    const row = await this.requireRow(userId);
    if (row.totpEnabled)
      throw conflict('Two-factor authentication is already enabled', 'totp_already_enabled');
    const secret = newTotpSecret();
    await this.users.repo.update(row.id, { totpSecret: secret, updatedAt: new Date(this.now()) });
    return { secret, otpauth_uri: otpauthUri(secret, row.username) };
  }

  async enableTotp(userId: number, code: string, actor: Actor): Promise<{ recovery_codes: string[] }> {
    const row = await this.requireRow(userId);
    if (row.totpEnabled)
      throw conflict('Two-factor authentication is already enabled', 'totp_already_enabled');
    if (!row.totpSecret) throw conflict('Call /api/auth/2fa/setup first', 'totp_not_set_up');
    const step = await verifyTotp(row.totpSecret, code, this.now());
    if (step === null) throw unauthorized('Invalid two-factor code', 'invalid_totp');
    await this.claimStep(row, step);
    const codes = newRecoveryCodes();
    await this.users.repo.replaceRecoveryCodes(row.id, codes.map(recoveryCodeHash));
    await this.users.repo.update(row.id, { totpEnabled: true, updatedAt: new Date(this.now()) });
    await this.audit.append({
      type: 'TOTP_ENABLED',
      message: `two-factor authentication enabled by ${row.username}`,
      userId: row.id,
      username: row.username,
      ip: actor.ip ?? null,
    });
    return { recovery_codes: codes };
  }

  /** Needs the password and a current code (or an unused recovery code); revokes refresh tokens. */
  async disableTotp(userId: number, password: string, code: string, actor: Actor): Promise<void> {
    const row = await this.requireRow(userId);
    if (!row.totpEnabled) throw conflict('Two-factor authentication is not enabled', 'totp_not_enabled');
    await this.checkPassword(row, password, 'password');
    const step = await verifyTotp(row.totpSecret ?? '', code, this.now());
    if (step !== null) await this.claimStep(row, step);
    else if (
      !(await this.users.repo.consumeRecoveryCode(row.id, recoveryCodeHash(code), new Date(this.now())))
    ) {
      throw unauthorized('Invalid two-factor code', 'invalid_totp');
    }
    await this.users.repo.update(row.id, {
      totpEnabled: false,
      totpSecret: null,
      updatedAt: new Date(this.now()),
    });
    await this.users.repo.deleteRecoveryCodes(row.id);
    await this.tokens.revokeAllForUser(row.id);
    await this.audit.append({
      type: 'TOTP_DISABLED',
      message: `two-factor authentication disabled by ${row.username}`,
      userId: row.id,
      username: row.username,
      ip: actor.ip ?? null,
    });
  }

  async me(userId: number): Promise<UserJson> {
    return toUserJson(await this.requireRow(userId));
  }
}
