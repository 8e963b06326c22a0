import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configValues } from './cli/commands/config';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config';

const REPO = resolve(__dirname, '../../..');
const opts = { dotenvDir: false as const, persistSecret: false };

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ ENVIRONMENT: 'test', ...env }, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('has the defaults of ARCHITECTURE §11', () => {
    const c = loadConfig({ ENVIRONMENT: 'test' }, opts);
    expect(c).toMatchObject({ port: 8000, host: '127.0.0.1', cacheTtl: 60, registration: 'open' });
    expect(c.engine).toMatchObject({
      devig_method: 'power',
      min_ev: 0.01,
      suspect_ev: 0.2,
      scan_interval: 5,
    });
    expect(c.database.url).toBeUndefined();
  });

  it.each([
    [{ MIN_EV: '-1' }, /^MIN_EV: must be ≥ 0/],
    [{ MIN_EV: '0.3' }, /^SUSPECT_EV: must be greater than min_ev/],
    [{ SUSPECT_EV: '0' }, /^SUSPECT_EV: /],
    [{ SHARP_MAX_AGE: '0' }, /^SHARP_MAX_AGE: must be > 0/],
    [{ SOFT_MAX_AGE: '-5' }, /^SOFT_MAX_AGE: must be > 0/],
    [{ MIN_SHARP_BOOKS: '0' }, /^MIN_SHARP_BOOKS: must be at least 1/],
    [{ MIN_SHARP_BOOKS: '3' }, /^MIN_SHARP_BOOKS: must not exceed the number of sharp_books/],
    [{ SCAN_INTERVAL: '0' }, /^SCAN_INTERVAL: must be at least 1/],
    [{ SCAN_INTERVAL: '86400' }, /^SCAN_INTERVAL: must be at most 3600/],
    [{ EXCHANGE_COMMISSION: 'matchbook:1' }, /^EXCHANGE_COMMISSION: /],
  ])('checks engine settings with the API schema: %o', (env, message) => {
    expect(configError(env)).toMatch(message);
  });

  it.each([
    ['PORT', '99999', /^PORT: /],
    ['CACHE_TTL', 'soon', /^CACHE_TTL: must be a number/],
    ['DEVIG_METHOD', 'magic', /^DEVIG_METHOD: /],
    ['REDIS_URL', 'http://x', /^REDIS_URL: must start with redis/],
    ['DATABASE_URL', 'mysql://x', /^DATABASE_URL: /],
    ['TRUST_PROXY', 'maybe', /^TRUST_PROXY: /],
    ['EXCHANGE_COMMISSION', 'betfair:2', /^EXCHANGE_COMMISSION: /],
  ])('stops on an invalid %s with one line naming it', (name, value, pattern) => {
    const message = configError({ [name]: value });
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
  });

  it('refuses production without a real SECRET_KEY', () => {
    expect(configError({ ENVIRONMENT: 'production' })).toMatch(/^SECRET_KEY: production needs/);
    expect(configError({ ENVIRONMENT: 'production', SECRET_KEY: 'changeme' })).toMatch(/^SECRET_KEY/);
    expect(loadConfig({ ENVIRONMENT: 'production', SECRET_KEY: 'x'.repeat(40) }, opts).secretKeySource).toBe(
      'env',
    );
  });

  it('reads .env, with the environment winning and empty values meaning unset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evision-env-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.env'), 'PORT=9100\nCACHE_TTL=30 # seconds\nHOST=\n# comment\nMIN_EV=0.02\n');
    const c = loadConfig({ ENVIRONMENT: 'test', MIN_EV: '0.05' }, { dotenvDir: dir, persistSecret: false });
    expect(c.port).toBe(9100);
    expect(c.cacheTtl).toBe(30);
    expect(c.host).toBe('127.0.0.1');
    expect(c.engine.min_ev).toBe(0.05);
  });

  it('show-config knows how to display every variable', () => {
    const values = configValues(loadConfig({ ENVIRONMENT: 'test' }, opts));
    for (const name of CONFIG_VARIABLES) expect(values[name], name).not.toBe('(not shown)');
  });
});

describe('documentation of the configuration', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const example = readFileSync(join(REPO, '.env.example'), 'utf8');

  it.each(CONFIG_VARIABLES)('README.md and .env.example document %s', (name) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
    expect(example).toMatch(new RegExp(`^# ${name}=`, 'm'));
  });

  it('README.md has the quick start', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    for (const doc of ['DEPLOYMENT', 'SECURITY', 'MANAGEMENT', 'PERFORMANCE', 'API']) {
      expect(readme).toContain(`docs/${doc}.md`);
    }
  });
});
