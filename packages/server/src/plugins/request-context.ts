import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** `X-Request-Id` (kept from the client when well-formed) and `X-Process-Time` on every response. */
export const requestContextPlugin = fp(async (app: FastifyInstance) => {
  // Callback-style hooks (not async): they run on every request, and a promise each adds up.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    // elapsedTime is milliseconds since the request arrived; the header is in seconds like the original.
    reply.header('x-process-time', (reply.elapsedTime / 1000).toFixed(6));
    done(null, payload);
  });
});

export function genRequestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  if (typeof incoming === 'string' && REQUEST_ID.test(incoming)) return incoming;
  return randomUUID();
}
