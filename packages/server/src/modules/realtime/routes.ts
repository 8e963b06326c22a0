import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateToken } from '../../plugins/auth';
import { RealtimeHub, type RealtimeOptions } from './hub';

/** Largest client message accepted; ours are a few hundred bytes (ws closes bigger ones with 1009). */
const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

/**
 * `GET /ws/live` (ARCHITECTURE §7). Registers @fastify/websocket itself so that its shutdown
 * hook is ours: every socket is closed with 1001 before the HTTP server stops. Wrapped in
 * fastify-plugin so `app.injectWS` and `app.websocketServer` land on the root instance.
 *
 * Authentication happens after the upgrade (close code 4401/4403): a browser cannot read the
 * HTTP status of a refused upgrade, but it sees a close code.
 */
export const realtimePlugin = fp(
  async (app: FastifyInstance, options: RealtimeOptions) => {
    const { ctx } = app;
    const hub = new RealtimeHub(
      {
        pubsub: ctx.pubsub,
        authenticate: (token) => authenticateToken(ctx, token),
        trackedSports: () => ctx.odds.trackedSports(),
        log: app.log,
        now: ctx.now,
        connectionsGauge: ctx.metrics.gauge('evision_websocket_connections', 'Open WebSocket connections'),
        dropsCounter: ctx.metrics.counter(
          'evision_websocket_dropped_total',
          'WebSocket connections dropped by the server, by reason',
          ['reason'],
        ),
      },
      options,
    );
    ctx.realtime = hub;
    ctx.health.register('websocket', () => ({
      status: 'ok',
      detail: `${hub.connections} connection${hub.connections === 1 ? '' : 's'}`,
    }));

    await app.register(websocket, {
      options: { maxPayload: MAX_CLIENT_MESSAGE_BYTES },
      preClose: async function (this: FastifyInstance) {
        await hub.close();
        await new Promise<void>((resolve) => this.websocketServer.close(() => resolve()));
      },
    });

    app.addHook('onReady', async () => hub.start());

    app.get('/ws/live', { websocket: true }, (socket, request) => {
      const token = (request.query as Record<string, unknown> | undefined)?.token;
      hub.attach(socket, typeof token === 'string' ? token : undefined);
    });
  },
  { name: 'realtime' },
);
