import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..');
const workflow = parse(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Array<{ run?: string; uses?: string }>; services?: Record<string, unknown> }>;
};
const ciRun = readFileSync(join(root, '.ci/run'), 'utf8');
const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
const vitestProjects = (
  readFileSync(join(root, 'vitest.config.ts'), 'utf8').match(/name: '([a-z0-9-]+)'/g) ?? []
).map((m) => m.slice(7, -1));

describe('.github/workflows/ci.yml', () => {
  it('runs backend and frontend as separate jobs', () => {
    expect(Object.keys(workflow.jobs).sort()).toEqual(['backend', 'frontend']);
  });

  it.each([
    ['install', 'npm ci'],
    ['lint', 'npm run lint'],
    ['type-check', 'npm run typecheck'],
  ])('runs the %s step of .ci/run in every job', (_step, command) => {
    expect(ciRun).toContain(command);
    for (const job of Object.values(workflow.jobs)) {
      expect(job.steps.some((s) => s.run === command)).toBe(true);
    }
  });

  it('runs the tests of every Vitest project across its jobs, as .ci/run does with npm test', () => {
    expect(ciRun).toMatch(/npm test\b/);
    expect(vitestProjects.length).toBeGreaterThan(3);
    const covered = runs
      .filter((r) => r.startsWith('npm run coverage'))
      .flatMap((r) => [...r.matchAll(/--project (\S+)/g)].map((m) => m[1]));
    expect(covered.sort()).toEqual([...vitestProjects].sort());
  });

  it('gives the backend job PostgreSQL and Redis services and the same test variables as .ci/run', () => {
    const backend = workflow.jobs.backend as unknown as { services: object; env: Record<string, string> };
    expect(Object.keys(backend.services).sort()).toEqual(['postgres', 'redis']);
    for (const name of ['TEST_DATABASE_URL', 'TEST_REDIS_URL', 'EVISION_REQUIRE_SERVICES']) {
      expect(ciRun).toContain(name);
      expect(backend.env[name]).toBeTruthy();
    }
  });

  it('uploads coverage with the Codecov action from both jobs', () => {
    for (const job of Object.values(workflow.jobs)) {
      expect(job.steps.some((s) => s.uses?.startsWith('codecov/codecov-action'))).toBe(true);
    }
  });
});
