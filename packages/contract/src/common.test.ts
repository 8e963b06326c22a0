import { DEVIG_METHODS as CORE_METHODS } from '@evision/ev-core';
import { describe, expect, it } from 'vitest';
import { DEVIG_METHODS, DevigMethod, ErrorBody } from './common';

describe('contract', () => {
  it('offers exactly the devig methods ev-core implements', () => {
    expect([...DEVIG_METHODS].sort()).toEqual([...CORE_METHODS].sort());
    expect(DevigMethod.safeParse('power').success).toBe(true);
    expect(DevigMethod.safeParse('magic').success).toBe(false);
  });

  it('describes the one error shape', () => {
    expect(ErrorBody.safeParse({ error: { code: 'x', message: 'y' } }).success).toBe(true);
    expect(ErrorBody.safeParse({ code: 'x', message: 'y' }).success).toBe(false);
  });
});
