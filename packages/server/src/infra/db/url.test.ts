import { describe, expect, it } from 'vitest';
import { maskDatabaseUrl, normalizeDatabaseUrl } from './url';

describe('normalizeDatabaseUrl', () => {
  it('accepts postgresql:// and rewrites it to postgres://', () => {
    const c = normalizeDatabaseUrl('postgresql://u:p@db.example:5432/app');
    expect(c.connectionString).toBe('postgres://u:p@db.example:5432/app');
    expect(c.ssl).toBeUndefined();
  });

  it('maps sslmode=require to TLS without certificate verification and strips it from the URL', () => {
    const c = normalizeDatabaseUrl('postgres://u:p@db:5432/app?sslmode=require&application_name=x');
    expect(c.ssl).toEqual({ rejectUnauthorized: false });
    expect(c.connectionString).toBe('postgres://u:p@db:5432/app?application_name=x');
  });

  it('maps verify-full to verified TLS and disable to none', () => {
    expect(normalizeDatabaseUrl('postgres://db/app?sslmode=verify-full').ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(normalizeDatabaseUrl('postgres://db/app?sslmode=verify-ca').ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(normalizeDatabaseUrl('postgres://db/app?sslmode=disable').ssl).toBeUndefined();
    expect(normalizeDatabaseUrl('postgres://db/app?sslmode=prefer').ssl).toEqual({
      rejectUnauthorized: false,
    });
  });

  it('rejects other schemes, unknown sslmodes and garbage with a clear message', () => {
    expect(() => normalizeDatabaseUrl('mysql://db/app')).toThrow(/unsupported scheme "mysql"/);
    expect(() => normalizeDatabaseUrl('postgres://db/app?sslmode=sometimes')).toThrow(/unknown sslmode/);
    expect(() => normalizeDatabaseUrl('not a url')).toThrow(/not a valid URL/);
  });

  it('masks the password for display', () => {
    expect(maskDatabaseUrl('postgres://u:secret@db/app')).toBe('postgres://u:****@db/app');
    expect(maskDatabaseUrl('postgres://db/app')).toBe('postgres://db/app');
  });
});
