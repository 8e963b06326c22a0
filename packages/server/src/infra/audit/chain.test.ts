import { readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, databaseKinds, type TestApp } from '../../../test/helpers';
import { AuditChain, canonicalJson, GENESIS_HASH } from './chain';

describe('canonicalJson', () => {
  it('sorts keys at every level so jsonb key order cannot change a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":null,"z":1}]},"b":1}',
    );
  });
});

describe.each(databaseKinds())('AuditChain on %s', (kind) => {
  let t: TestApp;
  let chain: AuditChain;
  beforeAll(async () => {
    t = await createTestApp({ kind });
    chain = t.app.ctx.audit;
  });
  afterAll(() => t.close());

  it('appends linked records to the database and mirrors them as JSON lines with a greppable message', async () => {
    const first = await chain.append({
      type: 'AUTH_FAILED',
      message: 'login failed for "mallory"',
      ip: '10.0.0.1',
      details: { reason: 'unknown user', nested: { b: 2, a: 1 } },
    });
    const second = await chain.append({
      type: 'USER_CREATED',
      message: 'user zoë created',
      username: 'zoë',
      userId: 7,
    });
    expect(second.seq).toBe(first.seq + 1);
    expect(second.prev_hash).toBe(first.hash);
    expect(first.message).toBe('AUTH FAILED: login failed for "mallory"');

    const lines = readFileSync(chain.filePath, 'utf8').trim().split('\n');
    expect(lines.some((l) => l.includes('AUTH FAILED'))).toBe(true);
    expect(lines.some((l) => l.includes('USER_CREATED'))).toBe(true);
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last).toEqual(second);
    expect(await chain.verify()).toEqual({ ok: true, checked: second.seq });
  });

  it('never forks under concurrent appends: seq is contiguous and the file follows seq order', async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => chain.append({ type: 'ADMIN_ACTION', message: `parallel ${i}` })),
    );
    const seqs = readFileSync(chain.filePath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await chain.verify()).ok).toBe(true);
  });

  it('serializes appends through the database lock across two chains on one database (two instances)', async () => {
    const other = new AuditChain(t.app.ctx.db, `${chain.filePath}.other`);
    const records = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? chain : other).append({ type: 'ADMIN_ACTION', message: `instance ${i % 2}` }),
      ),
    );
    const seqs = records.map((r) => r.seq).sort((a, b) => a - b);
    expect(new Set(seqs).size).toBe(10);
    const rows = await chain.list({ limit: 1000 });
    const bySeq = [...rows].reverse();
    for (let i = 1; i < bySeq.length; i++) expect(bySeq[i].prev_hash).toBe(bySeq[i - 1].hash);
    expect(bySeq[0].prev_hash).toBe(GENESIS_HASH);
  });

  it('verify() names the first edited database row', async () => {
    const fresh = await createTestApp({ kind });
    try {
      const c = fresh.app.ctx.audit;
      for (let i = 0; i < 4; i++) await c.append({ type: 'ADMIN_ACTION', message: `record ${i}` });
      await fresh.app.ctx.db.execute(
        sql`update audit_log set message = 'ADMIN ACTION: nothing happened' where seq = 2`,
      );
      expect(await c.verify()).toEqual({
        ok: false,
        checked: 1,
        firstBroken: { seq: 2, where: 'database', reason: 'content does not match its hash' },
      });
    } finally {
      await fresh.close();
    }
  });

  it('verify() names the first edited, deleted or missing file line', async () => {
    const fresh = await createTestApp({ kind });
    try {
      const c = fresh.app.ctx.audit;
      for (let i = 0; i < 4; i++)
        await c.append({ type: 'AUTH_SUCCESS', message: `login ${i}`, username: 'amy' });
      const original = readFileSync(c.filePath, 'utf8');
      const lines = original.trim().split('\n');

      writeFileSync(
        c.filePath,
        `${lines.map((l, i) => (i === 2 ? l.replace('login 2', 'login X') : l)).join('\n')}\n`,
      );
      expect((await c.verify()).firstBroken).toEqual({
        seq: 3,
        where: 'file',
        reason: 'content does not match its hash',
      });

      writeFileSync(c.filePath, `${lines.filter((_, i) => i !== 1).join('\n')}\n`);
      expect((await c.verify()).firstBroken).toMatchObject({ seq: 2, where: 'file' });

      writeFileSync(c.filePath, `${lines.slice(0, 3).join('\n')}\n`);
      expect((await c.verify()).firstBroken).toEqual({
        seq: 4,
        where: 'file',
        reason: 'missing from the file',
      });

      writeFileSync(c.filePath, original);
      expect(await c.verify()).toEqual({ ok: true, checked: 4 });
    } finally {
      await fresh.close();
    }
  });
});
