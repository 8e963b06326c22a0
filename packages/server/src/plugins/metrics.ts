import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics on a registry of our own (never the global one, so two apps in one
 * test process do not collide). Routes are labelled by their template (`/api/ev/hits/:id`),
 * never by the raw URL, so label cardinality stays bounded.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  /** Named gauges other modules set (provider quota, active hits, ws connections…). */
  gauge(name: string, help: string, labelNames?: string[]): Gauge<string>;
  counter(name: string, help: string, labelNames?: string[]): Counter<string>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'evision_' });
  const httpRequests = new Counter({
    name: 'evision_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'evision_http_request_duration_seconds',
    help: 'HTTP request duration by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const gauges = new Map<string, Gauge<string>>();
  const counters = new Map<string, Counter<string>>();
  return {
    registry,
    httpRequests,
    httpDuration,
    gauge(name, help, labelNames = []) {
      let g = gauges.get(name);
      if (!g) {
        g = new Gauge({ name, help, labelNames, registers: [registry] });
        gauges.set(name, g);
      }
      return g;
    },
    counter(name, help, labelNames = []) {
      let c = counters.get(name);
      if (!c) {
        c = new Counter({ name, help, labelNames, registers: [registry] });
        counters.set(name, c);
      }
      return c;
    },
  };
}

export const metricsPlugin = fp(async (app: FastifyInstance, opts: { metrics: Metrics }) => {
  const { metrics } = opts;
  // Callback style (not async): this runs on every response, and a promise per hook adds up.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
});
