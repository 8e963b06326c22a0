import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, cli, ensureWebBuilt, type RunningServer, startServer } from './server';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`[e2e] ${CHROMIUM} not found: install Debian's chromium (apt-get install chromium)`);

describe.skipIf(!haveChromium && process.env.EVISION_REQUIRE_SERVICES !== '1')('the live hits page', () => {
  let server: RunningServer;
  let browser: Browser;
  const password = 'e2e-Strong-pass-91';

  beforeAll(async () => {
    ensureWebBuilt();
    server = await startServer({ ODDS_PROVIDER: 'demo', SCAN_INTERVAL: '2' });
    // The operator's way to add a user while the server runs: the CLI goes through its socket.
    const created = cli(
      { DATA_DIR: server.dataDir, ENVIRONMENT: 'development', LOG_LEVEL: 'silent' },
      'create-user',
      '--username',
      'e2e_user',
      '--email',
      'e2e@example.com',
      '--password',
      password,
    );
    expect(created.code, created.out).toBe(0);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs in and shows live +EV hits from the demo provider within 30 seconds, under the CSP', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));

    await page.goto(server.url);
    await page.getByLabel('Username or e-mail').fill('e2e_user');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Live +EV hits' }).waitFor({ timeout: 10_000 });
    const firstRow = page.locator('tbody tr').first();
    await firstRow.waitFor({ timeout: 30_000 });
    const cells = await firstRow.locator('td').allTextContents();
    expect(cells[0]).toMatch(/ @ /); // "Away @ Home"
    expect(Number(cells[6])).toBeGreaterThan(0); // EV %
    expect(problems).toEqual([]);
  });

  it('refuses a wrong password with the server message', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.getByLabel('Username or e-mail').fill('e2e_user');
    await page.getByLabel('Password').fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/incorrect|invalid/i);
  });
});
