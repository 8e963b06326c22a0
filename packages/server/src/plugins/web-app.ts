import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { notFound } from '../infra/errors';

/**
 * Serves the built web app (packages/web/dist) from the same origin as the API, with the
 * single-page-app fallback: any other GET outside /api, /ws and /docs answers index.html.
 * When the app has not been built, the API runs alone.
 */
export const webAppPlugin = fp(async (app: FastifyInstance, opts: { distDir: string }) => {
  if (!existsSync(join(opts.distDir, 'index.html'))) {
    app.log.info({ distDir: opts.distDir }, 'web app not built; serving the API only');
    return;
  }
  await app.register(fastifyStatic, { root: opts.distDir, wildcard: false, index: false });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0];
    if (/^\/(api|ws|docs)(\/|$)/.test(path)) throw notFound(`Route GET ${path} not found`);
    const file = path.slice(1);
    if (file && !file.includes('..') && existsSync(join(opts.distDir, file))) return reply.sendFile(file);
    return reply.type('text/html').sendFile('index.html');
  });
});
