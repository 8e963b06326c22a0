import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config';

/** pino options for Fastify: one line per request, secrets redacted. */
export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.query.token',
        'password',
        'new_password',
        'current_password',
        'refresh_token',
        'access_token',
        'token',
      ],
      censor: '[redacted]',
    },
  };
}
