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
});
