import { describe, expect, it } from 'vitest';
import { payoutFor } from './settle-math.js';

describe('payoutFor', () => {
  it('pays each result at decimal 2.5 for a stake of 10', () => {
    expect(payoutFor('won', 10, 2.5)).toBe(25);
    expect(payoutFor('lost', 10, 2.5)).toBe(0);
    expect(payoutFor('push', 10, 2.5)).toBe(10);
    expect(payoutFor('void', 10, 2.5)).toBe(10);
    expect(payoutFor('half-won', 10, 2.5)).toBe(17.5);
    expect(payoutFor('half-lost', 10, 2.5)).toBe(5);
  });
  it('rejects a price of 1 or less and a negative stake', () => {
    expect(() => payoutFor('won', 10, 1)).toThrow(/price/);
    expect(() => payoutFor('won', -1, 2)).toThrow(/stake/);
    expect(() => payoutFor('won', Number.NaN, 2)).toThrow(/stake/);
  });
});
