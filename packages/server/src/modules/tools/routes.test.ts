import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createServiceToken, createUser } from '../../../test/auth';
import { createTestApp, type TestApp } from '../../../test/helpers';

describe('tools', () => {
  let t: TestApp;
  let headers: { authorization: string };
  const post = (url: string, payload: object, h = headers) =>
    t.app.inject({ method: 'POST', url, payload, headers: h });

  beforeAll(async () => {
    t = await createTestApp();
    headers = (await createUser(t.app)).headers;
  });
  afterAll(() => t.close());

  it('devigs a two-way market', async () => {
    const res = await post('/api/tools/devig', { odds: [1.91, 1.91], method: 'multiplicative' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.fair_probabilities[0]).toBeCloseTo(0.5, 12);
    expect(body.fair_odds[0]).toBeCloseTo(2, 12);
    expect(body.margin).toBeCloseTo(2 / 1.91 - 1, 12);
    expect(body.method).toBe('multiplicative');
  });

  it('accepts American and fractional odds', async () => {
    const am = (
      await post('/api/tools/devig', { odds: ['-110', -110], format: 'american', method: 'power' })
    ).json();
    expect(am.fair_probabilities[0]).toBeCloseTo(0.5, 9);
    expect(am.params).toHaveProperty('k');
    const fr = await post('/api/tools/devig', { odds: ['5/2', '1/2'], format: 'fractional', method: 'shin' });
    expect(fr.statusCode).toBe(200);
  });

  it('answers 400 naming the bad price or method', async () => {
    const bad = await post('/api/tools/devig', { odds: [1.91, 0.9], method: 'power' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('odds.1');
    const am = await post('/api/tools/devig', { odds: [50, -110], format: 'american' });
    expect(am.json().error.details[0].field).toBe('odds.0');
    const method = await post('/api/tools/devig', { odds: [1.9, 1.9], method: 'magic' });
    expect(method.statusCode).toBe(400);
    expect(method.json().error.details[0].field).toBe('method');
    expect((await post('/api/tools/devig', { odds: [1.9] })).statusCode).toBe(400);
  });

  it('computes EV, Kelly and the stake', async () => {
    const res = await post('/api/tools/ev', {
      fair_probability: 0.5,
      price: 2.2,
      bankroll: 1000,
      kelly_multiplier: 0.25,
    });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    expect(b.ev).toBeCloseTo(0.1, 12);
    expect(b.ev_percent).toBeCloseTo(10, 9);
    expect(b.kelly).toBeCloseTo(0.1 / 1.2, 12);
    expect(b.stake).toBeCloseTo((1000 * 0.25 * 0.1) / 1.2, 9);
    const noBankroll = (
      await post('/api/tools/ev', { fair_odds: '+100', price: '+120', format: 'american' })
    ).json();
    expect(noBankroll.ev).toBeCloseTo(0.1, 12);
    expect(noBankroll.stake).toBeNull();
  });

  it('rejects bad EV inputs naming the field, and service tokens', async () => {
    const both = await post('/api/tools/ev', { fair_probability: 0.5, fair_odds: 2, price: 2 });
    expect(both.statusCode).toBe(400);
    const price = await post('/api/tools/ev', { fair_probability: 0.5, price: 1 });
    expect(price.json().error.details[0].field).toBe('price');
    const p = await post('/api/tools/ev', { fair_probability: 1.5, price: 2 });
    expect(p.json().error.details[0].field).toBe('fair_probability');
    expect((await post('/api/tools/ev', { fair_probability: 0.5, price: 2 }, {} as never)).statusCode).toBe(
      401,
    );
    const svc = await createServiceToken(t.app, ['feed']);
    expect((await post('/api/tools/ev', { fair_probability: 0.5, price: 2 }, bearer(svc))).statusCode).toBe(
      403,
    );
  });

  it('dutches: equal payout whatever wins', async () => {
    const res = await post('/api/tools/dutch', { odds: [2.5, 3.4, 3.6], total_stake: 200 });
    expect(res.statusCode).toBe(200);
    const b = res.json();
    const s = 1 / 2.5 + 1 / 3.4 + 1 / 3.6;
    expect(b.payout).toBeCloseTo(200 / s, 9);
    expect(b.profit).toBeCloseTo(200 / s - 200, 9);
    expect(b.stakes.reduce((a: number, x: number) => a + x)).toBeCloseTo(200, 9);
    b.stakes.forEach((x: number, i: number) => {
      expect(x * [2.5, 3.4, 3.6][i]).toBeCloseTo(b.payout, 9);
    });
    const am = (
      await post('/api/tools/dutch', { odds: ['+110', '+110'], format: 'american', total_stake: 100 })
    ).json();
    expect(am.profit).toBeCloseTo(5, 9);
  });

  it('rejects bad dutch input naming the field', async () => {
    for (const [body, field] of [
      [{ odds: [1.5], total_stake: 100 }, 'odds'],
      [{ odds: [2, 0.5], total_stake: 100 }, 'odds.1'],
      [{ odds: [2, 'x'], total_stake: 100 }, 'odds.1'],
      [{ odds: [2, 2], total_stake: 0 }, 'total_stake'],
      [{ odds: [2, 2], total_stake: -5 }, 'total_stake'],
      [{ odds: [2, 2] }, 'total_stake'],
      [{ odds: [2, 2], total_stake: 10, format: 'roman' }, 'format'],
    ] as const) {
      const res = await post('/api/tools/dutch', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details[0].field, JSON.stringify(body)).toBe(field);
    }
  });

  it('checks an arbitrage, net of one commission rate per price', async () => {
    const plain = (await post('/api/tools/arbitrage', { odds: [2.1, 1.95], total_stake: 100 })).json();
    expect(plain.is_arbitrage).toBe(true);
    expect(plain.margin).toBeCloseTo(1 - (1 / 2.1 + 1 / 1.95), 12);
    expect(plain.profit).toBeGreaterThan(0);
    const net = await post('/api/tools/arbitrage', {
      odds: [2.1, 1.95],
      total_stake: 100,
      commissions: [0.05, 0],
    });
    expect(net.statusCode).toBe(200);
    expect(net.json()).toMatchObject({ is_arbitrage: false });
    expect(net.json().margin).toBeCloseTo(1 - (1 / (1 + 1.1 * 0.95) + 1 / 1.95), 12);
    expect(net.json().profit).toBeLessThan(0);
  });

  it('rejects bad arbitrage input naming the field', async () => {
    for (const [body, field] of [
      [{ odds: [2.1], total_stake: 100 }, 'odds'],
      [{ odds: [2.1, 1], total_stake: 100 }, 'odds.1'],
      [{ odds: [2.1, 2], total_stake: 100, commissions: [0.05] }, 'commissions'],
      [{ odds: [2.1, 2], total_stake: 100, commissions: [1, 0] }, 'commissions.0'],
      [{ odds: [2.1, 2], total_stake: 100, commissions: [0, -0.1] }, 'commissions.1'],
      [{ odds: [2.1, 2], total_stake: 'lots' }, 'total_stake'],
    ] as const) {
      const res = await post('/api/tools/arbitrage', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.details[0].field, JSON.stringify(body)).toBe(field);
    }
  });
});
