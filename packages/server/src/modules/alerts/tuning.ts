import type { AlertEngineOptions } from './engine';

/** Test-time knobs of the alert engine (AppDeps.alerts): kept apart from routes.ts so context.ts imports no plugin. */
export type AlertTuning = Partial<
  Pick<AlertEngineOptions, 'resolver' | 'retryBaseMs' | 'maxAttempts' | 'sweepMs'>
>;
