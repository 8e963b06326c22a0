import { CONFIG_VARIABLES, type Config, type EngineSettings } from '../../config';
import type { CommandSpec } from '../command';
import { EXIT } from '../errors';
import { formatTable } from '../table';

const list = (v: string[]) => v.join(',');
const commission = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([book, rate]) => `${book}:${rate}`)
    .join(',');

/** Hides the password of a connection URL: postgres://user:****@host/db. */
export function maskUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '****';
  }
}

function maskSecret(config: Config): string {
  if (config.secretKeySource === 'generated') return '**** (generated, DATA_DIR/secret_key)';
  if (config.secretKeySource === 'ephemeral') return '**** (random for this process)';
  return `**** (set, ${config.secretKey.length} characters)`;
}

/** The engine settings an admin may save in the database, by variable name. */
export const ENGINE_VARIABLES: Record<string, keyof EngineSettings> = {
  SHARP_BOOKS: 'sharp_books',
  MIN_SHARP_BOOKS: 'min_sharp_books',
  DEVIG_METHOD: 'devig_method',
  MIN_EV: 'min_ev',
  SUSPECT_EV: 'suspect_ev',
  SHARP_MAX_AGE: 'sharp_max_age',
  SOFT_MAX_AGE: 'soft_max_age',
  EXCHANGE_COMMISSION: 'exchange_commission',
  SCAN_INTERVAL: 'scan_interval',
  ODDS_SPORTS: 'odds_sports',
  ODDS_REGIONS: 'odds_regions',
  ODDS_MARKETS: 'odds_markets',
};

function engineValue(value: EngineSettings[keyof EngineSettings] | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return list(value);
  if (typeof value === 'object') return commission(value);
  return String(value);
}

/** Every configuration variable as the process sees it (environment, `.env` or default), secrets masked. */
export function configValues(config: Config): Record<string, string | undefined> {
  const e = config.engine;
  const values: Record<string, string | undefined> = {
    PORT: String(config.port),
    HOST: config.host,
    ENVIRONMENT: config.environment,
    DATA_DIR: config.dataDir,
    DATABASE_URL: maskUrl(config.database.url),
    DATABASE_POOL_MAX: String(config.database.poolMax),
    AUDIT_LOG_PATH: config.auditLogPath,
    LOG_LEVEL: config.logLevel,
    TRUST_PROXY: Array.isArray(config.trustProxy) ? list(config.trustProxy) : String(config.trustProxy),
    BODY_LIMIT: String(config.bodyLimit),
    ACCESS_TOKEN_TTL: String(config.accessTokenTtl),
    REFRESH_TOKEN_TTL: String(config.refreshTokenTtl),
    REFRESH_REUSE_GRACE_SECONDS: String(config.refreshReuseGrace),
    PUBLIC_URL: config.publicUrl ?? '',
    REDIS_URL: maskUrl(config.redis.url),
    REDIS_KEY_PREFIX: config.redis.keyPrefix,
    CACHE_TTL: String(config.cacheTtl),
    SECRET_KEY: maskSecret(config),
    CORS_ORIGINS: list(config.corsOrigins),
    REGISTRATION: config.registration,
    RATE_LIMIT_DEFAULT: String(config.rateLimit.default),
    RATE_LIMIT_LOGIN: String(config.rateLimit.login),
    RATE_LIMIT_REGISTER: String(config.rateLimit.register),
    LOCKOUT_THRESHOLD: String(config.lockout.threshold),
    LOCKOUT_WINDOW_MINUTES: String(config.lockout.windowMinutes),
    LOCKOUT_MINUTES: String(config.lockout.minutes),
    ODDS_PROVIDER: config.odds.provider,
    ODDS_API_KEY: config.odds.apiKey ? '**** (set)' : undefined,
    ODDS_API_BASE_URL: config.odds.apiBaseUrl,
    ODDS_REFRESH_MIN_INTERVAL: String(config.odds.refreshMinInterval),
    ODDS_API_MIN_REMAINING: String(config.odds.minRemaining),
    KELLY_FRACTION: String(config.kellyFraction),
    DEMO_SEED: String(config.demoSeed),
    DEMO_EVENTS_PER_SPORT: String(config.odds.demoEventsPerSport),
    EVISION_GIT_COMMIT: config.build.commit,
    EVISION_GIT_BRANCH: config.build.branch,
    EVISION_BUILD_TIME: config.build.buildTime,
    WEB_DIST_DIR: config.webDistDir,
    SCANNER: String(config.scanner),
    SMTP_URL: maskUrl(config.mail.smtpUrl),
    MAIL_FROM: config.mail.from,
    ALERT_EMAILS_PER_HOUR: String(config.alerts.emailsPerHour),
    ALERT_WEBHOOK_ALLOW_PRIVATE: String(config.alerts.webhookAllowPrivate),
  };
  for (const [name, key] of Object.entries(ENGINE_VARIABLES)) values[name] = engineValue(e[key]);
  const out: Record<string, string | undefined> = {};
  // A variable added to config.ts without a line above still shows, as "(not shown)".
  for (const name of CONFIG_VARIABLES) out[name] = name in values ? values[name] : '(not shown)';
  return out;
}

export const showConfig: CommandSpec = {
  name: 'show-config',
  scope: 'app',
  async run(ctx, args, io) {
    const env = configValues(ctx.config);
    const db = await ctx.settings.savedEngineSettings();
    const rows = CONFIG_VARIABLES.map((name) => {
      const key = ENGINE_VARIABLES[name];
      const dbValue = key ? (engineValue(db?.[key]) ?? '(not saved)') : '';
      return { name, environment: env[name] ?? null, database: key ? dbValue : null };
    });
    if (args.json) {
      io.out(JSON.stringify(rows, null, 2));
      return EXIT.OK;
    }
    io.out(
      formatTable(
        ['VARIABLE', 'ENVIRONMENT (or default)', 'DATABASE (engine settings)'],
        rows.map((r) => [r.name, r.environment ?? '(unset)', r.database ?? '']),
      ),
    );
    io.out(
      db
        ? 'Engine settings saved in the database win over the environment (PUT /api/admin/settings).'
        : 'No engine settings saved in the database: the environment values apply.',
    );
    return EXIT.OK;
  },
};
