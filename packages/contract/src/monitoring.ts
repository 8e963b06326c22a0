import { z } from 'zod';

/** `ok` and `degraded` answer 200, `down` 503 (ARCHITECTURE §6). */
export const HealthStatus = z.enum(['ok', 'degraded', 'down']);
export type HealthStatus = z.infer<typeof HealthStatus>;

export const HealthCheckResult = z.object({
  status: HealthStatus,
  latency_ms: z.number(),
  detail: z.string().optional(),
});
export type HealthCheckResult = z.infer<typeof HealthCheckResult>;

/** `GET /api/monitoring/health`: always lists database, cache, websocket and provider. */
export const HealthResponse = z.object({
  status: HealthStatus,
  checks: z
    .object({
      database: HealthCheckResult,
      cache: HealthCheckResult,
      websocket: HealthCheckResult,
      provider: HealthCheckResult,
    })
    .catchall(HealthCheckResult),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** `GET /api/version`: commit and branch are null when neither the build nor git tells. */
export const VersionResponse = z.object({
  version: z.string(),
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  build_time: z.string().nullable(),
  node_version: z.string(),
  environment: z.string(),
});
export type VersionResponse = z.infer<typeof VersionResponse>;
