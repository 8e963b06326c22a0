import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DEVIG_METHODS, EngineSettings as EngineSettingsSchema } from '@evision/contract';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/**
 * The one configuration object. Built once at start-up from the environment (and `.env` when
 * present) and passed down; nothing else reads `process.env`.
 */

const DEFAULT_SPORTS = 'basketball_nba,americanfootball_nfl,icehockey_nhl,baseball_mlb,soccer_epl';
const DEFAULT_COMMISSION = 'betfair_ex_au:0.05,betfair_ex_uk:0.05,betfair_ex_eu:0.05';
export const ODDS_MARKET_NAMES = ['h2h', 'spreads', 'totals'] as const;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
/** A number or whole number; the range of an engine setting is the contract's (EngineSettingsFields). */
const num = z.coerce.number({ error: 'must be a number' });
const whole = num.int('must be a whole number');
const fraction = z.coerce.number({ error: 'must be a number' }).min(0, 'must be ≥ 0').max(1, 'must be ≤ 1');
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));
const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const key = z.string().regex(/^[a-z0-9_]+$/, 'must be lower-case keys (a-z, 0-9, _)');

const commissionMap = z.string().transform((s, ctx) => {
  const out: Record<string, number> = {};
  for (const part of s.split(',').map((x) => x.trim())) {
    if (!part) continue;
    const [book, rate] = part.split(':');
    const n = Number(rate);
    if (!book || !/^[a-z0-9_]+$/.test(book) || !Number.isFinite(n) || n < 0 || n >= 1) {
      ctx.addIssue({ code: 'custom', message: `"${part}" is not book:rate with 0 ≤ rate < 1` });
      return z.NEVER;
    }
    out[book] = n;
  }
  return out;
});

const trustProxy = z.string().transform((v, ctx): boolean | number | string[] => {
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const parts = v.split(',').map((x) => x.trim());
  if (parts.every((p) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(p))) return parts;
  ctx.addIssue({ code: 'custom', message: 'must be true, false, a hop count or a list of IPs/CIDRs' });
  return z.NEVER;
});

const envSchema = z.object({
  PORT: int(0, 65535).default(8000),
  HOST: z.string().min(1).default('127.0.0.1'),
  ENVIRONMENT: z.enum(['development', 'test', 'production']).default('development'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().optional(),
  DATABASE_POOL_MAX: int(1, 1000).default(10),
  AUDIT_LOG_PATH: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy.default(false),
  BODY_LIMIT: int(1024).default(1_048_576),
  ACCESS_TOKEN_TTL: int(30).default(900),
  REFRESH_TOKEN_TTL: int(60).default(2_592_000),
  REFRESH_REUSE_GRACE_SECONDS: int(0).default(10),
  PUBLIC_URL: z.url({ error: 'must be a URL' }).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  REDIS_KEY_PREFIX: z.string().default('evision:'),
  CACHE_TTL: int(1).default(60),
  SECRET_KEY: z.string().optional(),
  CORS_ORIGINS: list.default([]),
  REGISTRATION: z.enum(['open', 'closed']).default('open'),
  RATE_LIMIT_DEFAULT: int(1).default(60),
  RATE_LIMIT_LOGIN: int(1).default(10),
  RATE_LIMIT_REGISTER: int(1).default(5),
  LOCKOUT_THRESHOLD: int(1).default(5),
  LOCKOUT_WINDOW_MINUTES: int(1).default(15),
  LOCKOUT_MINUTES: int(1).default(15),
  ODDS_PROVIDER: z.enum(['demo', 'theoddsapi']).default('demo'),
  ODDS_API_KEY: z.string().optional(),
  ODDS_API_BASE_URL: z.url({ error: 'must be a URL' }).default('https://api.the-odds-api.com'),
  ODDS_REFRESH_MIN_INTERVAL: int(0).default(10),
  ODDS_SPORTS: list.pipe(z.array(key).min(1, 'needs at least one sport')).default(DEFAULT_SPORTS.split(',')),
  ODDS_REGIONS: list
    .pipe(z.array(z.enum(['us', 'us2', 'uk', 'au', 'eu'])).min(1, 'needs at least one region'))
    .default(['us', 'eu']),
  ODDS_MARKETS: list
    .pipe(z.array(z.enum(ODDS_MARKET_NAMES)).min(1, 'needs at least one market'))
    .default(['h2h', 'spreads', 'totals']),
  ODDS_API_MIN_REMAINING: int(0).default(50),
  SCAN_INTERVAL: whole.optional(),
  SHARP_BOOKS: list.pipe(z.array(key).min(1, 'needs at least one book')).default(['pinnacle', 'circasports']),
  MIN_SHARP_BOOKS: whole.default(1),
  SHARP_MAX_AGE: whole.default(60),
  SOFT_MAX_AGE: whole.default(120),
  DEVIG_METHOD: z.enum(DEVIG_METHODS).default('power'),
  MIN_EV: num.default(0.01),
  SUSPECT_EV: num.default(0.2),
  KELLY_FRACTION: fraction.default(0.25),
  EXCHANGE_COMMISSION: commissionMap.default(
    Object.fromEntries(DEFAULT_COMMISSION.split(',').map((p) => [p.split(':')[0], 0.05])),
  ),
  DEMO_SEED: int(0).default(42),
  DEMO_EVENTS_PER_SPORT: int(1, 1000).default(12),
  EVISION_GIT_COMMIT: z.string().optional(),
  EVISION_GIT_BRANCH: z.string().optional(),
  EVISION_BUILD_TIME: z.string().optional(),
  WEB_DIST_DIR: z.string().optional(),
  SCANNER: bool.default(true),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().max(320).optional(),
  ALERT_EMAILS_PER_HOUR: int(0, 10_000).default(20),
  ALERT_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
});

export type EnvInput = z.input<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  environment: 'development' | 'test' | 'production';
  dataDir: string;
  database: { url: string | undefined; poolMax: number };
  auditLogPath: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustProxy: boolean | number | string[];
  bodyLimit: number;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** Seconds in which a second redemption of one refresh token answers the same successor. */
  refreshReuseGrace: number;
  /** The public URL of the app (`PUBLIC_URL`): links in e-mails; an https one marks the refresh cookie `Secure`. */
  publicUrl: string | undefined;
  redis: { url: string | undefined; keyPrefix: string };
  cacheTtl: number;
  secretKey: string;
  /** Where the secret came from: the environment, the generated dev file, or an ephemeral test key. */
  secretKeySource: 'env' | 'generated' | 'ephemeral';
  corsOrigins: string[];
  registration: 'open' | 'closed';
  rateLimit: { default: number; login: number; register: number };
  lockout: { threshold: number; windowMinutes: number; minutes: number };
  odds: {
    provider: 'demo' | 'theoddsapi';
    apiKey: string | undefined;
    apiBaseUrl: string;
    refreshMinInterval: number;
    minRemaining: number;
    /** Demo provider: upcoming events simulated per sport. */
    demoEventsPerSport: number;
  };
  /** Engine defaults; an admin's saved settings in the database win over these. */
  engine: EngineSettings;
  kellyFraction: number;
  demoSeed: number;
  build: { commit: string | undefined; branch: string | undefined; buildTime: string | undefined };
  webDistDir: string;
  /** Whether this process runs the scanner loop at all (tests turn it off). */
  scanner: boolean;
  /** E-mail (alerts, verification, password reset): `smtpUrl` unset = e-mail unavailable. */
  mail: { smtpUrl: string | undefined; from: string };
  alerts: { emailsPerHour: number; webhookAllowPrivate: boolean };
}

/** The engine settings of ARCHITECTURE §6 (`/api/admin/settings`), snake_case as on the wire. */
export interface EngineSettings {
  sharp_books: string[];
  min_sharp_books: number;
  devig_method: (typeof DEVIG_METHODS)[number];
  min_ev: number;
  suspect_ev: number;
  sharp_max_age: number;
  soft_max_age: number;
  exchange_commission: Record<string, number>;
  scan_interval: number;
  odds_sports: string[];
  odds_regions: string[];
  odds_markets: string[];
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const INSECURE_SECRETS = new Set(['', 'changeme', 'change-me', 'secret', 'dev', 'development']);

export interface LoadConfigOptions {
  /** Read `.env` from this directory (default: the current directory); `false` skips it. */
  dotenvDir?: string | false;
  /** Write a generated development secret under DATA_DIR (default true). */
  persistSecret?: boolean;
}

/** Builds the config from an environment map. Throws ConfigError with one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined>, options: LoadConfigOptions = {}): Config {
  const merged: Record<string, string | undefined> = {};
  if (options.dotenvDir !== false) {
    const file = join(options.dotenvDir ?? process.cwd(), '.env');
    if (existsSync(file)) Object.assign(merged, parseDotenv(readFileSync(file)));
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  // An empty value means "unset", as in most .env conventions.
  for (const k of Object.keys(merged)) if (merged[k] === '') delete merged[k];

  const known = new Set(Object.keys(envSchema.shape));
  const input: Record<string, string> = {};
  for (const k of known) if (merged[k] !== undefined) input[k] = merged[k] as string;

  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0] ?? 'config');
    throw new ConfigError(`${name}: ${issue.message} (got ${JSON.stringify(input[name] ?? '')})`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);

  let secretKey = e.SECRET_KEY ?? '';
  let secretKeySource: Config['secretKeySource'] = 'env';
  if (e.ENVIRONMENT === 'production') {
    if (!e.SECRET_KEY || INSECURE_SECRETS.has(e.SECRET_KEY.toLowerCase()) || e.SECRET_KEY.length < 32) {
      throw new ConfigError('SECRET_KEY: production needs a random secret of at least 32 characters');
    }
  } else if (!e.SECRET_KEY) {
    if (options.persistSecret === false || e.ENVIRONMENT === 'test') {
      secretKey = randomBytes(32).toString('hex');
      secretKeySource = 'ephemeral';
    } else {
      secretKey = developmentSecret(dataDir);
      secretKeySource = 'generated';
    }
  } else if (e.SECRET_KEY.length < 16) {
    throw new ConfigError('SECRET_KEY: must be at least 16 characters');
  }

  if (e.ODDS_PROVIDER === 'theoddsapi' && !e.ODDS_API_KEY) {
    throw new ConfigError('ODDS_API_KEY: required when ODDS_PROVIDER=theoddsapi');
  }
  if (e.DATABASE_URL && !/^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    throw new ConfigError('DATABASE_URL: must start with postgres:// or postgresql://');
  }
  const engine = engineFromEnv(e, input);

  return {
    port: e.PORT,
    host: e.HOST,
    environment: e.ENVIRONMENT,
    dataDir,
    database: { url: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX },
    auditLogPath: e.AUDIT_LOG_PATH ? resolve(e.AUDIT_LOG_PATH) : join(dataDir, 'audit.log'),
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    bodyLimit: e.BODY_LIMIT,
    accessTokenTtl: e.ACCESS_TOKEN_TTL,
    refreshTokenTtl: e.REFRESH_TOKEN_TTL,
    refreshReuseGrace: e.REFRESH_REUSE_GRACE_SECONDS,
    redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
    cacheTtl: e.CACHE_TTL,
    secretKey,
    secretKeySource,
    corsOrigins: e.CORS_ORIGINS,
    registration: e.REGISTRATION,
    rateLimit: { default: e.RATE_LIMIT_DEFAULT, login: e.RATE_LIMIT_LOGIN, register: e.RATE_LIMIT_REGISTER },
    lockout: {
      threshold: e.LOCKOUT_THRESHOLD,
      windowMinutes: e.LOCKOUT_WINDOW_MINUTES,
      minutes: e.LOCKOUT_MINUTES,
    },
    odds: {
      provider: e.ODDS_PROVIDER,
      apiKey: e.ODDS_API_KEY,
      apiBaseUrl: e.ODDS_API_BASE_URL.replace(/\/+$/, ''),
      refreshMinInterval: e.ODDS_REFRESH_MIN_INTERVAL,
      minRemaining: e.ODDS_API_MIN_REMAINING,
      demoEventsPerSport: e.DEMO_EVENTS_PER_SPORT,
    },
    engine,
    kellyFraction: e.KELLY_FRACTION,
    demoSeed: e.DEMO_SEED,
    build: { commit: e.EVISION_GIT_COMMIT, branch: e.EVISION_GIT_BRANCH, buildTime: e.EVISION_BUILD_TIME },
    webDistDir: e.WEB_DIST_DIR
      ? resolve(e.WEB_DIST_DIR)
      : resolve(dirname(new URL(import.meta.url).pathname), '../../web/dist'),
    scanner: e.SCANNER,
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM ?? 'EVision <evision@localhost>' },
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    alerts: { emailsPerHour: e.ALERT_EMAILS_PER_HOUR, webhookAllowPrivate: e.ALERT_WEBHOOK_ALLOW_PRIVATE },
  };
}

type ParsedEnv = z.output<typeof envSchema>;

/**
 * The engine settings from the environment, checked by the same schema as
 * `PUT /api/admin/settings`; an issue names the variable (`min_ev` → `MIN_EV`).
 */
function engineFromEnv(e: ParsedEnv, input: Record<string, string>): EngineSettings {
  const engine: EngineSettings = {
    sharp_books: e.SHARP_BOOKS,
    min_sharp_books: e.MIN_SHARP_BOOKS,
    devig_method: e.DEVIG_METHOD,
    min_ev: e.MIN_EV,
    suspect_ev: e.SUSPECT_EV,
    sharp_max_age: e.SHARP_MAX_AGE,
    soft_max_age: e.SOFT_MAX_AGE,
    exchange_commission: e.EXCHANGE_COMMISSION,
    scan_interval: e.SCAN_INTERVAL ?? (e.ODDS_PROVIDER === 'demo' ? 5 : 30),
    odds_sports: e.ODDS_SPORTS,
    odds_regions: e.ODDS_REGIONS,
    odds_markets: e.ODDS_MARKETS,
  };
  const checked = EngineSettingsSchema.safeParse(engine);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const name = String(issue.path[0] ?? 'engine').toUpperCase();
    const got = input[name] ?? JSON.stringify(engine[issue.path[0] as keyof EngineSettings]);
    throw new ConfigError(`${name}: ${issue.message} (got ${JSON.stringify(got)})`);
  }
  return engine;
}

/** Development only: a random secret generated on first start and kept in DATA_DIR/secret_key. */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'secret_key');
  if (existsSync(file)) {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Names of config variables whose values must never be printed. */
export const SECRET_VARIABLES = new Set([
  'SECRET_KEY',
  'ODDS_API_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'SMTP_URL',
]);

/** Every variable the config reads, for `.env.example` checks and `show-config`. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape);

export function resolveDataPath(config: Config, ...parts: string[]): string {
  const p = join(...parts);
  return isAbsolute(p) ? p : join(config.dataDir, p);
}
