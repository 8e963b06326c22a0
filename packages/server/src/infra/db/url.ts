import type { ClientConfig } from 'pg';

/**
 * Turns a DATABASE_URL into explicit `pg` client options.
 *
 * `postgres://` and `postgresql://` are both accepted. `sslmode` is mapped by hand because pg 8
 * treats `sslmode=require` as `verify-full`, which rejects managed databases whose certificates
 * come from a private CA. Here, as in libpq: `disable` → no TLS; `prefer`/`require` → TLS without
 * certificate verification; `verify-ca`/`verify-full` → TLS with verification.
 * @see https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION
 */
export function normalizeDatabaseUrl(raw: string): ClientConfig & { connectionString: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new Error('DATABASE_URL: not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL: unsupported scheme "${url.protocol.replace(':', '')}"`);
  }
  url.protocol = 'postgres:';

  const sslmode = url.searchParams.get('sslmode');
  // pg would read these from the string again and override our explicit `ssl` choice.
  for (const p of ['sslmode', 'ssl', 'sslcert', 'sslkey', 'sslrootcert', 'uselibpqcompat']) {
    url.searchParams.delete(p);
  }

  let ssl: ClientConfig['ssl'];
  switch (sslmode) {
    case null:
    case 'disable':
    case 'allow':
      ssl = undefined;
      break;
    case 'prefer':
    case 'require':
    case 'no-verify':
      ssl = { rejectUnauthorized: false };
      break;
    case 'verify-ca':
    case 'verify-full':
      ssl = { rejectUnauthorized: true };
      break;
    default:
      throw new Error(`DATABASE_URL: unknown sslmode "${sslmode}"`);
  }
  return { connectionString: url.toString(), ...(ssl ? { ssl } : {}) };
}

/** The URL with its password replaced, for logs and `show-config`. */
export function maskDatabaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '****';
    return url.toString();
  } catch {
    return '****';
  }
}
