import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import type { Config } from '../../config';
import type { Db } from '../../infra/db/client';
import { refreshTokens, serviceTokens } from '../../infra/db/schema';
import { AppError } from '../../infra/errors';

export type ServiceScope = 'ingest' | 'feed';
export const SERVICE_TOKEN_PREFIX = 'evs_';

export interface AccessClaims {
  userId: number;
  role: 'user' | 'admin';
  /** The user's token version when the token was issued (`ver`; absent in older tokens = 0). */
  version: number;
}

export interface VerifiedAccess extends AccessClaims {
  /** Seconds since the epoch. */
  exp: number;
}

export interface ServiceTokenInfo {
  id: number;
  name: string;
  scopes: ServiceScope[];
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export type RefreshOutcome =
  /** `replayed`: a second redemption inside the grace window, answered with the same successor. */
  | { kind: 'rotated'; userId: number; refreshToken: string; familyId: string; replayed: boolean }
  | { kind: 'reused'; userId: number; familyId: string }
  | { kind: 'revoked'; userId: number }
  | { kind: 'expired' }
  | { kind: 'unknown' };

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * Access tokens (short-lived HS256 JWTs), refresh tokens (random, stored as SHA-256, rotated on
 * every use) and service tokens for bots (`evs_…`, stored as SHA-256, looked up by hash).
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly now: () => number,
  ) {
    this.key = new TextEncoder().encode(config.secretKey);
  }

  get accessTtl(): number {
    return this.config.accessTokenTtl;
  }

  /** `ttlSeconds` defaults to ACCESS_TOKEN_TTL (tests pass a shorter one). */
  async issueAccess(claims: AccessClaims, ttlSeconds = this.config.accessTokenTtl): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ role: claims.role, typ: 'access', ver: claims.version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(claims.userId))
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** Throws 401 `token_expired` or `invalid_token`. Only HS256 with our secret is accepted. */
  async verifyAccess(token: string): Promise<VerifiedAccess> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      const userId = Number(payload.sub);
      if (payload.typ !== 'access' || !Number.isSafeInteger(userId) || userId <= 0) {
        throw new AppError(401, 'invalid_token', 'Invalid token');
      }
      const version = payload.ver === undefined ? 0 : Number(payload.ver);
      if (!Number.isSafeInteger(version)) throw new AppError(401, 'invalid_token', 'Invalid token');
      return { userId, role: payload.role === 'admin' ? 'admin' : 'user', version, exp: payload.exp ?? 0 };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new AppError(401, 'token_expired', 'Token has expired');
      throw new AppError(401, 'invalid_token', 'Invalid token');
    }
  }

  async issueRefresh(userId: number, familyId: string = randomUUID()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.insertRefresh(this.db, userId, token, familyId);
    return token;
  }

  private async insertRefresh(db: Db, userId: number, token: string, familyId: string): Promise<void> {
    await db.insert(refreshTokens).values({
      userId,
      tokenHash: sha256(token),
      familyId,
      expiresAt: new Date(this.now() + this.config.refreshTokenTtl * 1000),
      createdAt: new Date(this.now()),
    });
  }

  /**
   * The successor of a refresh token: an HMAC of the parent with the secret key. Deterministic,
   * so a second redemption inside the grace window can answer the same successor while only
   * hashes are stored; unforgeable without the parent token and the secret.
   */
  successorOf(token: string): string {
    return createHmac('sha256', this.key).update(`refresh-successor:${token}`).digest('base64url');
  }

  /**
   * Exchanges a refresh token for its successor in the same family. A second redemption within
   * REFRESH_REUSE_GRACE_SECONDS of the first (two tabs, a retried request) answers the same
   * successor; later it is a reuse and the whole family is revoked (the legitimate holder and
   * the thief both have to log in again). A revoked token (logout, password change) says so.
   */
  async rotateRefresh(token: string): Promise<RefreshOutcome> {
    const row = await this.refreshRow(token);
    if (!row) return { kind: 'unknown' };
    if (row.revokedAt) return { kind: 'revoked', userId: row.userId };
    if (row.rotatedAt) return this.redeemAgain(token, row);
    if (row.expiresAt.getTime() <= this.now()) return { kind: 'expired' };
    const successor = this.successorOf(token);
    // Conditional update and the successor's insert in one transaction: of two concurrent
    // refreshes with one token only one rotates, and the other then finds the successor stored.
    const won = await this.db.transaction(async (tx) => {
      const updated = await tx
        .update(refreshTokens)
        .set({ rotatedAt: new Date(this.now()) })
        .where(
          and(eq(refreshTokens.id, row.id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)),
        )
        .returning({ id: refreshTokens.id });
      if (updated.length === 0) return false;
      await this.insertRefresh(tx as unknown as Db, row.userId, successor, row.familyId);
      return true;
    });
    if (!won) {
      const again = await this.refreshRow(token);
      if (!again) return { kind: 'unknown' };
      if (again.revokedAt) return { kind: 'revoked', userId: again.userId };
      return this.redeemAgain(token, again);
    }
    return {
      kind: 'rotated',
      userId: row.userId,
      refreshToken: successor,
      familyId: row.familyId,
      replayed: false,
    };
  }

  private async refreshRow(token: string) {
    const [row] = await this.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, sha256(token)))
      .limit(1);
    return row;
  }

  /** A token already rotated: the same successor inside the grace window, else a reuse. */
  private async redeemAgain(token: string, row: typeof refreshTokens.$inferSelect): Promise<RefreshOutcome> {
    const graceMs = this.config.refreshReuseGrace * 1000;
    const rotatedAt = row.rotatedAt?.getTime() ?? 0;
    if (graceMs > 0 && this.now() - rotatedAt <= graceMs) {
      const successor = this.successorOf(token);
      const next = await this.refreshRow(successor);
      if (next && !next.revokedAt && next.familyId === row.familyId) {
        return {
          kind: 'rotated',
          userId: row.userId,
          refreshToken: successor,
          familyId: row.familyId,
          replayed: true,
        };
      }
    }
    await this.revokeFamily(row.familyId);
    return { kind: 'reused', userId: row.userId, familyId: row.familyId };
  }

  /** Logout: revokes that token's family. Unknown tokens are ignored (logout is idempotent). */
  async revokeRefresh(token: string): Promise<void> {
    const [row] = await this.db
      .select({ familyId: refreshTokens.familyId })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, sha256(token)))
      .limit(1);
    if (row) await this.revokeFamily(row.familyId);
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: new Date(this.now()) })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  }

  async revokeAllForUser(userId: number): Promise<void> {
    await this.db
      .update(refreshTokens)
      .set({ revokedAt: new Date(this.now()) })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  }

  async createServiceToken(
    input: { name: string; scopes: ServiceScope[] },
    createdBy?: number | null,
  ): Promise<ServiceTokenInfo & { token: string }> {
    const token = SERVICE_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const prefix = token.slice(0, 12);
    const [row] = await this.db
      .insert(serviceTokens)
      .values({
        name: input.name,
        prefix,
        tokenHash: sha256(token),
        scopes: [...new Set(input.scopes)],
        createdBy: createdBy ?? null,
        createdAt: new Date(this.now()),
      })
      .returning();
    return { ...serviceTokenInfo(row), token };
  }

  async listServiceTokens(): Promise<ServiceTokenInfo[]> {
    const rows = await this.db.select().from(serviceTokens).orderBy(desc(serviceTokens.id));
    return rows.map(serviceTokenInfo);
  }

  /** Returns the revoked token, or null when there is none with that id. */
  async revokeServiceToken(id: number): Promise<ServiceTokenInfo | null> {
    const [row] = await this.db.select().from(serviceTokens).where(eq(serviceTokens.id, id)).limit(1);
    if (!row) return null;
    if (row.revokedAt) return serviceTokenInfo(row);
    const [updated] = await this.db
      .update(serviceTokens)
      .set({ revokedAt: new Date(this.now()) })
      .where(eq(serviceTokens.id, id))
      .returning();
    return serviceTokenInfo(updated);
  }

  /** The live service token with this value, or null. */
  async authenticateServiceToken(token: string): Promise<ServiceTokenInfo | null> {
    if (!token.startsWith(SERVICE_TOKEN_PREFIX) || token.length > 256) return null;
    const [row] = await this.db
      .select()
      .from(serviceTokens)
      .where(and(eq(serviceTokens.tokenHash, sha256(token)), isNull(serviceTokens.revokedAt)))
      .limit(1);
    if (!row) return null;
    // Recorded at most once a minute per token, to avoid a write on every bot request.
    const now = new Date(this.now());
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
      await this.db
        .update(serviceTokens)
        .set({ lastUsedAt: now })
        .where(
          and(
            eq(serviceTokens.id, row.id),
            or(
              isNull(serviceTokens.lastUsedAt),
              lt(serviceTokens.lastUsedAt, new Date(now.getTime() - 60_000)),
            ),
          ),
        )
        .catch(() => {});
    }
    return serviceTokenInfo(row);
  }
}

function serviceTokenInfo(row: typeof serviceTokens.$inferSelect): ServiceTokenInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.filter((s): s is ServiceScope => s === 'ingest' || s === 'feed'),
    prefix: row.prefix,
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
  };
}
