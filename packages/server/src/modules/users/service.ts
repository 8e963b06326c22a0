import { randomBytes } from 'node:crypto';
import {
  Email,
  type User as UserJson,
  Username,
  type UserSettings,
  type UserSettingsUpdate,
} from '@evision/contract';
import type { Config } from '../../config';
import type { AuditChain } from '../../infra/audit/chain';
import type { Db } from '../../infra/db/client';
import { AppError, badRequest, conflict, type FieldError, notFound } from '../../infra/errors';
import type { TokenService } from '../auth/tokens';
import { type PasswordHasher, passwordProblem } from './passwords';
import { UserRepo, type UserRow } from './repo';

export type { UserJson };

/** Who did something, for the audit log. */
export interface Actor {
  id?: number | null;
  username?: string | null;
  ip?: string | null;
}

/** Who did it, as the audit record's `user_id`, `username` and `ip`. */
export function auditActor(actor: Actor): {
  userId: number | null;
  username: string | null;
  ip: string | null;
} {
  return { userId: actor.id ?? null, username: actor.username ?? null, ip: actor.ip ?? null };
}

export interface CreateUserInput {
  username: string;
  email: string;
  password: string;
  role?: 'user' | 'admin';
}

export const DEMO_USER = { username: 'demo', email: 'demo@evision.local', password: 'ev-preview-2024' };

export function toUserJson(row: UserRow): UserJson {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    is_active: row.isActive,
    totp_enabled: row.totpEnabled,
    created_at: row.createdAt.toISOString(),
  };
}

/** Accounts: creation with the password rules, roles, activation, passwords and personal settings. */
export class UserService {
  readonly repo: UserRepo;

  constructor(
    db: Db,
    private readonly config: Config,
    readonly hasher: PasswordHasher,
    private readonly audit: AuditChain,
    private readonly tokens: TokenService,
    private readonly now: () => number,
  ) {
    this.repo = new UserRepo(db);
  }

  /** Validates (also for callers that skipped the HTTP schema, like the CLI) and creates a user. */
  async create(input: CreateUserInput, actor?: Actor): Promise<UserJson> {
    const errors: FieldError[] = [];
    const username = Username.safeParse(input.username);
    if (!username.success) errors.push({ field: 'username', message: username.error.issues[0].message });
    const email = Email.safeParse(input.email);
    if (!email.success) errors.push({ field: 'email', message: email.error.issues[0].message });
    const problem = passwordProblem(String(input.password ?? ''), String(input.username ?? ''));
    if (problem) errors.push({ field: 'password', message: problem });
    if (errors.length) throw badRequest('Request is invalid', errors);

    const taken = await this.repo.taken(input.username, input.email);
    if (taken.username) throw conflict('That username is taken', 'username_taken');
    if (taken.email) throw conflict('That e-mail address is already registered', 'email_taken');

    const passwordHash = await this.hasher.hash(input.password);
    let row: UserRow;
    try {
      row = await this.repo.insert(
        {
          username: input.username,
          email: input.email,
          passwordHash,
          role: input.role ?? 'user',
          at: new Date(this.now()),
        },
        this.config.kellyFraction,
      );
    } catch (err) {
      // Two registrations racing for one name: the unique index decides.
      if (isUniqueViolation(err))
        throw conflict('That username or e-mail address is taken', 'username_taken');
      throw err;
    }
    await this.audit.append({
      type: 'USER_CREATED',
      message: `user ${row.username} (id ${row.id}, role ${row.role}) created${actor?.username ? ` by ${actor.username}` : ''}`,
      userId: actor?.id ?? row.id,
      username: actor?.username ?? row.username,
      ip: actor?.ip ?? null,
      details: { user_id: row.id, username: row.username, role: row.role },
    });
    return toUserJson(row);
  }

  async list(options: { limit?: number; offset?: number } = {}): Promise<UserJson[]> {
    const rows = await this.repo.list(options.limit ?? 1000, options.offset ?? 0);
    return rows.map(toUserJson);
  }

  async get(id: number): Promise<UserJson | null> {
    const row = await this.repo.byId(id);
    return row ? toUserJson(row) : null;
  }

  /** Role and activation changes by an admin. Deactivating revokes the user's refresh tokens. */
  async update(
    id: number,
    patch: { role?: 'user' | 'admin'; is_active?: boolean },
    actor: Actor,
  ): Promise<UserJson> {
    const row = await this.repo.byId(id);
    if (!row) throw notFound('User not found');
    if (actor.id === id && (patch.role === 'user' || patch.is_active === false)) {
      throw conflict('Admins cannot demote or deactivate themselves', 'cannot_modify_self');
    }
    const set: { role?: 'user' | 'admin'; isActive?: boolean; updatedAt: Date } = {
      updatedAt: new Date(this.now()),
    };
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.is_active !== undefined) set.isActive = patch.is_active;
    let updated = (await this.repo.update(id, set))!;
    const demoted = patch.role === 'user' && row.role === 'admin';
    const deactivated = patch.is_active === false && row.isActive;
    // Access tokens issued before carry the old role or activation: retire them everywhere.
    if (demoted || deactivated) {
      await this.repo.bumpTokenVersion(id);
      updated = (await this.repo.byId(id)) ?? updated;
    }
    if (deactivated) {
      await this.tokens.revokeAllForUser(id);
      await this.audit.append({
        type: 'USER_DEACTIVATED',
        message: `user ${row.username} (id ${id}) deactivated by ${actor.username ?? 'system'}`,
        ...auditActor(actor),
        details: { target_user_id: id, target_username: row.username },
      });
    }
    await this.audit.append({
      type: 'ADMIN_ACTION',
      message: `user ${row.username} (id ${id}) updated by ${actor.username ?? 'system'}: ${JSON.stringify(patch)}`,
      ...auditActor(actor),
      details: { action: 'user_update', target_user_id: id, changes: patch },
    });
    return toUserJson(updated);
  }

  async delete(id: number, actor: Actor): Promise<void> {
    if (actor.id === id) throw conflict('Admins cannot delete themselves', 'cannot_modify_self');
    const row = await this.repo.byId(id);
    if (!row) throw notFound('User not found');
    await this.repo.delete(id);
    await this.audit.append({
      type: 'USER_DELETED',
      message: `user ${row.username} (id ${id}) deleted by ${actor.username ?? 'system'}`,
      ...auditActor(actor),
      details: { target_user_id: id, target_username: row.username },
    });
  }

  /**
   * Sets a new password (checked against the rules), revokes every refresh token of the user and
   * retires the access tokens issued before (token version).
   */
  async setPassword(row: UserRow, newPassword: string): Promise<void> {
    const problem = passwordProblem(newPassword, row.username);
    if (problem) throw badRequest('Request is invalid', [{ field: 'new_password', message: problem }]);
    const passwordHash = await this.hasher.hash(newPassword);
    await this.repo.update(row.id, { passwordHash, updatedAt: new Date(this.now()) });
    await this.tokens.revokeAllForUser(row.id);
    await this.repo.bumpTokenVersion(row.id);
  }

  /** Admin reset: uses the given password or generates one (answered once). */
  async resetPassword(
    id: number,
    newPassword: string | undefined,
    actor: Actor,
  ): Promise<{ password: string | null }> {
    const row = await this.repo.byId(id);
    if (!row) throw notFound('User not found');
    const generated = newPassword === undefined ? randomBytes(12).toString('base64url') : undefined;
    await this.setPassword(row, newPassword ?? generated!);
    await this.repo.clearFailures(id);
    await this.audit.append({
      type: 'PASSWORD_CHANGED',
      message: `password of ${row.username} (id ${id}) reset by ${actor.username ?? 'system'}`,
      ...auditActor(actor),
      details: { target_user_id: id, action: 'reset', generated: generated !== undefined },
    });
    return { password: generated ?? null };
  }

  /** Development's demo account (idempotent). Refused in production. */
  async ensureDemoUser(): Promise<{ user: UserJson; created: boolean; password: string }> {
    if (this.config.environment === 'production') {
      throw new AppError(403, 'forbidden', 'The demo user is never created in production');
    }
    const existing = await this.repo.byUsername(DEMO_USER.username);
    if (existing) return { user: toUserJson(existing), created: false, password: DEMO_USER.password };
    const user = await this.create(DEMO_USER, { username: 'system' });
    return { user, created: true, password: DEMO_USER.password };
  }

  async getSettings(userId: number): Promise<UserSettings> {
    const row = await this.repo.settings(userId);
    if (!row) {
      return {
        odds_format: 'decimal',
        bankroll: null,
        kelly_fraction: this.config.kellyFraction,
        timezone: 'UTC',
        default_filters: {},
      };
    }
    return {
      odds_format: row.oddsFormat,
      bankroll: row.bankroll,
      kelly_fraction: row.kellyFraction,
      timezone: row.timezone,
      default_filters: (row.defaultFilters ?? {}) as Record<string, unknown>,
    };
  }

  async updateSettings(userId: number, patch: UserSettingsUpdate): Promise<UserSettings> {
    const current = await this.getSettings(userId);
    const next: UserSettings = { ...current };
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
    const row = await this.repo.upsertSettings(userId, {
      oddsFormat: next.odds_format,
      bankroll: next.bankroll,
      kellyFraction: next.kelly_fraction,
      timezone: next.timezone,
      defaultFilters: next.default_filters,
      updatedAt: new Date(this.now()),
    });
    return {
      odds_format: row.oddsFormat,
      bankroll: row.bankroll,
      kelly_fraction: row.kellyFraction,
      timezone: row.timezone,
      default_filters: (row.defaultFilters ?? {}) as Record<string, unknown>,
    };
  }
}

function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505') return true;
  }
  return false;
}
