import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config';

/**
 * The brief's security headers. helmet sends `X-XSS-Protection: 0` by default (the modern
 * advice); the brief promises `1; mode=block`, so it is set explicitly. The CSP allows only
 * same-origin scripts, styles and sockets, which is all the web app needs.
 */
export const securityHeadersPlugin = fp(async (app: FastifyInstance, opts: { config: Config }) => {
  await app.register(helmet, {
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
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('x-xss-protection', '1; mode=block');
  });
  await app.register(cors, {
    origin: opts.config.corsOrigins.length > 0 ? opts.config.corsOrigins : false,
    credentials: true,
    exposedHeaders: ['x-request-id', 'x-process-time', 'x-cache', 'x-data-age', 'retry-after'],
  });
});
