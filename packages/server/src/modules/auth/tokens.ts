import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
  | { kind: 'rotated'; userId: number; refreshToken: string; familyId: string }
  | { kind: 'reused'; userId: number; familyId: string }
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

  async issueAccess(claims: AccessClaims): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ role: claims.role, typ: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(claims.userId))
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.config.accessTokenTtl)
      .setJti(randomUUID())
      .sign(this.key);
  }

  /** Throws 401 `token_expired` or `invalid_token`. Only HS256 with our secret is accepted. */
  async verifyAccess(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      const userId = Number(payload.sub);
      if (payload.typ !== 'access' || !Number.isSafeInteger(userId) || userId <= 0) {
        throw new AppError(401, 'invalid_token', 'Invalid token');
      }
      return { userId, role: payload.role === 'admin' ? 'admin' : 'user' };
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new AppError(401, 'token_expired', 'Token has expired');
      throw new AppError(401, 'invalid_token', 'Invalid token');
    }
  }

  async issueRefresh(userId: number, familyId: string = randomUUID()): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.db.insert(refreshTokens).values({
      userId,
      tokenHash: sha256(token),
      familyId,
      expiresAt: new Date(this.now() + this.config.refreshTokenTtl * 1000),
      createdAt: new Date(this.now()),
    });
    return token;
  }

  /**
   * Exchanges a refresh token for a new one of the same family. A token that was already
   * rotated or revoked is a reuse: the whole family is revoked (the legitimate holder and the
   * thief both have to log in again).
   */
  async rotateRefresh(token: string): Promise<RefreshOutcome> {
    const [row] = await this.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, sha256(token)))
      .limit(1);
    if (!row) return { kind: 'unknown' };
    const now = new Date(this.now());
    if (row.rotatedAt || row.revokedAt) {
      await this.revokeFamily(row.familyId);
      return { kind: 'reused', userId: row.userId, familyId: row.familyId };
    }
    if (row.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' };
    // Conditional update: of two concurrent refreshes with one token, only one wins.
    const won = await this.db
      .update(refreshTokens)
      .set({ rotatedAt: now })
      .where(
        and(eq(refreshTokens.id, row.id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)),
      )
      .returning({ id: refreshTokens.id });
    if (won.length === 0) {
      await this.revokeFamily(row.familyId);
      return { kind: 'reused', userId: row.userId, familyId: row.familyId };
    }
    const refreshToken = await this.issueRefresh(row.userId, row.familyId);
    return { kind: 'rotated', userId: row.userId, refreshToken, familyId: row.familyId };
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
