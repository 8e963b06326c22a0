import cors from '@fastify/cors';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config';

/**
 * The brief's security headers. helmet sends `X-XSS-Protection: 0` by default (the modern
 * advice); the brief promises `1; mode=block`, so it is set explicitly. The CSP allows only
 * same-origin scripts, styles and sockets, which is all the web app needs.
 */
const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'", 'ws:', 'wss:'],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      formAction: ["'self'"],
    },
  },
  frameguard: { action: 'deny' },
  hsts: { maxAge: 31_536_000, includeSubDomains: true },
  xXssProtection: false,
};

/**
 * The headers @fastify/helmet sets with these options, computed once on a throwaway instance.
 * Every directive here is static (no nonces, nothing read from the request), so they are the
 * same on every response; the plugin itself rebuilds helmet and re-parses the CSP on every
 * request, which cost more than the rest of a small request's hooks together.
 */
export async function securityHeaders(): Promise<Record<string, string>> {
  const probe = Fastify();
  await probe.register(helmet, HELMET_OPTIONS);
  probe.get('/', async (_request, reply) => reply.code(204).send());
  const res = await probe.inject({ method: 'GET', url: '/' });
  await probe.close();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (NOT_HELMET.has(name) || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  headers['x-xss-protection'] = '1; mode=block';
  return headers;
}

const NOT_HELMET = new Set(['date', 'connection', 'keep-alive', 'content-length', 'content-type']);

export const securityHeadersPlugin = fp(async (app: FastifyInstance, opts: { config: Config }) => {
  const headers = await securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(cors, {
    origin: opts.config.corsOrigins.length > 0 ? opts.config.corsOrigins : false,
    credentials: true,
    exposedHeaders: ['x-request-id', 'x-process-time', 'x-cache', 'x-data-age', 'retry-after'],
  });
});
