/**
 * Health checks, pluggable: the database check is built in; the cache, the WebSocket hub and
 * the odds provider register theirs with `ctx.health.register(name, check)` when they start.
 * A check that is not registered reports `ok` with detail "not configured".
 */
export type HealthStatus = 'ok' | 'degraded' | 'down';

export interface CheckOutcome {
  status: HealthStatus;
  detail?: string;
}

export interface CheckResult extends CheckOutcome {
  latency_ms: number;
}

export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, CheckResult>;
}

export type HealthCheck = () => Promise<CheckOutcome> | CheckOutcome;

export interface RegisterOptions {
  /**
   * A critical check that is down takes the whole service down (503). A non-critical one
   * that is down only degrades it: the API still answers from memory.
   */
  critical?: boolean;
  /** Milliseconds before the check counts as failed (default 2000). */
  timeoutMs?: number;
}

/** The checks every report lists, registered or not. */
export const STANDARD_CHECKS = ['database', 'cache', 'websocket', 'provider'] as const;

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 };

export class HealthRegistry {
  private readonly checks = new Map<string, { check: HealthCheck; critical: boolean; timeoutMs: number }>();

  /** Adds or replaces a check. */
  register(name: string, check: HealthCheck, options: RegisterOptions = {}): void {
    this.checks.set(name, {
      check,
      critical: options.critical ?? false,
      timeoutMs: options.timeoutMs ?? 2_000,
    });
  }

  unregister(name: string): void {
    this.checks.delete(name);
  }

  has(name: string): boolean {
    return this.checks.has(name);
  }

  /** Runs every check in parallel; each is bounded by its timeout and never throws. */
  async run(): Promise<HealthReport> {
    const names = [...new Set<string>([...STANDARD_CHECKS, ...this.checks.keys()])];
    const results = await Promise.all(names.map((name) => this.runOne(name)));
    const checks: Record<string, CheckResult> = {};
    let status: HealthStatus = 'ok';
    names.forEach((name, i) => {
      const result = results[i];
      checks[name] = result;
      const entry = this.checks.get(name);
      const effective: HealthStatus =
        result.status === 'down' && !entry?.critical ? 'degraded' : result.status;
      if (RANK[effective] > RANK[status]) status = effective;
    });
    return { status, checks };
  }

  private async runOne(name: string): Promise<CheckResult> {
    const entry = this.checks.get(name);
    if (!entry) return { status: 'ok', latency_ms: 0, detail: 'not configured' };
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        Promise.resolve().then(entry.check),
        new Promise<CheckOutcome>((resolve) => {
          timer = setTimeout(
            () => resolve({ status: 'down', detail: `no answer within ${entry.timeoutMs} ms` }),
            entry.timeoutMs,
          );
        }),
      ]);
      return { ...outcome, latency_ms: elapsed(started) };
    } catch (err) {
      return { status: 'down', latency_ms: elapsed(started), detail: errorMessage(err) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0].slice(0, 200) || 'failed';
}

/** HTTP status for a report: ok and degraded answer 200, down 503. */
export function healthHttpStatus(report: HealthReport): 200 | 503 {
  return report.status === 'down' ? 503 : 200;
}
