import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AuditType as AuditTypeSchema } from '@evision/contract';
import { and, asc, desc, eq, gt, gte, lt, lte, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog } from '../db/schema';

/** The audit event types: one list, in the contract (the admin API filters by it). */
export const AUDIT_TYPES = AuditTypeSchema.options;
export type AuditType = (typeof AUDIT_TYPES)[number];

export interface AuditEntry {
  type: AuditType;
  message: string;
  userId?: number | null;
  username?: string | null;
  ip?: string | null;
  details?: Record<string, unknown> | null;
}

/** One link of the chain, snake_case as in the file and on the wire. */
export interface AuditRecord {
  seq: number;
  at: string;
  type: string;
  user_id: number | null;
  username: string | null;
  ip: string | null;
  message: string;
  details: unknown;
  prev_hash: string;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** Records checked in the database. */
  checked: number;
  firstBroken?: { seq: number; where: 'database' | 'file'; reason: string };
}

export interface AuditListFilter {
  type?: string;
  userId?: number;
  username?: string;
  from?: Date;
  to?: Date;
  /** Records with a smaller seq than this (newest first paging). */
  beforeSeq?: number;
  limit: number;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Any constant works; it only has to be the same in every instance sharing the database. */
const ADVISORY_LOCK_KEY = 7_406_351_872;

/** JSON with object keys sorted at every level, so jsonb's key reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function recordHash(prevHash: string, r: Omit<AuditRecord, 'hash' | 'prev_hash'>): string {
  const content = canonicalJson({
    seq: r.seq,
    at: r.at,
    type: r.type,
    user_id: r.user_id,
    username: r.username,
    ip: r.ip,
    message: r.message,
    details: r.details ?? null,
  });
  return createHash('sha256').update(prevHash).update(content).digest('hex');
}

/** "AUTH_FAILED" → "AUTH FAILED", so `grep "AUTH FAILED" audit.log` finds the human message. */
export function humanType(type: string): string {
  return type.replace(/_/g, ' ');
}

/**
 * The audit log: one hash chain whose source of truth is the database, mirrored line by line
 * into a JSON-lines file. Appends take a transaction-scoped advisory lock, so instances sharing
 * the database never fork the chain, and are queued within the process so the file receives
 * records in seq order.
 */
export class AuditChain {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    readonly filePath: string,
    private readonly now: () => number = Date.now,
    private readonly onFileError: (err: unknown) => void = () => {},
  ) {}

  append(entry: AuditEntry): Promise<AuditRecord> {
    const run = this.queue.then(() => this.appendNow(entry));
    this.queue = run.catch(() => {});
    return run;
  }

  private async appendNow(entry: AuditEntry): Promise<AuditRecord> {
    const prefix = `${humanType(entry.type)}: `;
    const message = entry.message.startsWith(prefix) ? entry.message : prefix + entry.message;
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ADVISORY_LOCK_KEY})`);
      const [last] = await tx
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .orderBy(desc(auditLog.seq))
        .limit(1);
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const at = new Date(this.now());
      const base = {
        seq,
        at: at.toISOString(),
        type: entry.type,
        user_id: entry.userId ?? null,
        username: entry.username ?? null,
        ip: entry.ip ?? null,
        message,
        // Through JSON once so the hashed value equals what jsonb gives back.
        details: entry.details == null ? null : JSON.parse(JSON.stringify(entry.details)),
      };
      const record: AuditRecord = { ...base, prev_hash: prevHash, hash: recordHash(prevHash, base) };
      await tx.insert(auditLog).values({
        seq,
        at,
        type: record.type,
        userId: record.user_id,
        username: record.username,
        ip: record.ip,
        message: record.message,
        details: record.details,
        prevHash,
        hash: record.hash,
      });
      // Written while the lock is held so that instances sharing one file keep seq order.
      this.writeLine(record);
      return record;
    });
  }

  private writeLine(record: AuditRecord): void {
    try {
      mkdirSync(dirname(this.filePath), { recursive: true });
      appendFileSync(this.filePath, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    } catch (err) {
      // The database holds the record; verify() reports the missing line.
      this.onFileError(err);
    }
  }

  /** Waits for queued appends (tests, shutdown). */
  async flush(): Promise<void> {
    await this.queue;
  }

  async list(filter: AuditListFilter): Promise<AuditRecord[]> {
    const where: SQL[] = [];
    if (filter.type) where.push(eq(auditLog.type, filter.type));
    if (filter.userId !== undefined) where.push(eq(auditLog.userId, filter.userId));
    if (filter.username !== undefined)
      where.push(sql`lower(${auditLog.username}) = lower(${filter.username})`);
    if (filter.from) where.push(gte(auditLog.at, filter.from));
    if (filter.to) where.push(lte(auditLog.at, filter.to));
    if (filter.beforeSeq !== undefined) where.push(lt(auditLog.seq, filter.beforeSeq));
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(auditLog.seq))
      .limit(filter.limit);
    return rows.map(toRecord);
  }

  /** Recomputes the database chain, then checks that the file holds the same records. */
  async verify(): Promise<AuditVerifyResult> {
    await this.flush();
    const dbRecords: AuditRecord[] = [];
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let afterSeq = 0;
    for (;;) {
      const page = await this.db
        .select()
        .from(auditLog)
        .where(gt(auditLog.seq, afterSeq))
        .orderBy(asc(auditLog.seq))
        .limit(1000);
      if (page.length === 0) break;
      for (const row of page) {
        const r = toRecord(row);
        const broken = (reason: string): AuditVerifyResult => ({
          ok: false,
          checked: dbRecords.length,
          firstBroken: { seq: r.seq, where: 'database', reason },
        });
        if (r.seq !== expectedSeq) return broken(`expected seq ${expectedSeq} (a record is missing)`);
        if (r.prev_hash !== prevHash) return broken('prev_hash does not match the previous record');
        if (recordHash(prevHash, r) !== r.hash) return broken('content does not match its hash');
        dbRecords.push(r);
        prevHash = r.hash;
        expectedSeq++;
      }
      afterSeq = page[page.length - 1].seq;
    }

    const checked = dbRecords.length;
    const fileBroken = (seq: number, reason: string): AuditVerifyResult => ({
      ok: false,
      checked,
      firstBroken: { seq, where: 'file', reason },
    });
    const lines = existsSync(this.filePath)
      ? readFileSync(this.filePath, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
      : [];
    let filePrev = GENESIS_HASH;
    for (let i = 0; i < lines.length; i++) {
      const expected = dbRecords[i];
      let r: AuditRecord;
      try {
        r = JSON.parse(lines[i]) as AuditRecord;
      } catch {
        return fileBroken(expected?.seq ?? i + 1, `line ${i + 1} is not valid JSON`);
      }
      if (!expected) return fileBroken(r.seq ?? i + 1, `line ${i + 1} is not in the database`);
      if (r.seq !== expected.seq) return fileBroken(expected.seq, `line ${i + 1} has seq ${r.seq}`);
      if (r.prev_hash !== filePrev) return fileBroken(r.seq, 'prev_hash does not match the previous line');
      if (recordHash(filePrev, r) !== r.hash) return fileBroken(r.seq, 'content does not match its hash');
      if (r.hash !== expected.hash) return fileBroken(r.seq, 'differs from the database record');
      filePrev = r.hash;
    }
    if (lines.length < dbRecords.length) {
      return fileBroken(dbRecords[lines.length].seq, 'missing from the file');
    }
    return { ok: true, checked };
  }
}

function toRecord(row: typeof auditLog.$inferSelect): AuditRecord {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    type: row.type,
    user_id: row.userId,
    username: row.username,
    ip: row.ip,
    message: row.message,
    details: row.details ?? null,
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}
