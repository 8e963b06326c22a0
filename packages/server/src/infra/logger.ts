import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config';

/** Query parameters whose values never reach a log line (a WebSocket may pass `?token=`). */
const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|apiKey)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** pino options for Fastify: one line per request, secrets redacted (headers, bodies, URLs). */
export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie'],
      censor: '[redacted]',
    },
    serializers: {
      req(request: {
        method: string;
        url: string;
        host?: string;
        ip?: string;
        socket?: { remotePort?: number };
        headers?: Record<string, unknown>;
      }) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        };
      },
    },
  };
}
