import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** `X-Request-Id` (kept from the client when well-formed) and `X-Process-Time` on every response. */
export const requestContextPlugin = fp(async (app: FastifyInstance) => {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', async (request, reply) => {
    // elapsedTime is milliseconds since the request arrived; the header is in seconds like the original.
    reply.header('x-process-time', (reply.elapsedTime / 1000).toFixed(6));
  });
});

export function genRequestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && REQUEST_ID.test(incoming)) return incoming;
  return randomUUID();
}
