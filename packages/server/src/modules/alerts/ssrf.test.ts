import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress, maskUrl, type Resolver } from './ssrf';
import { postWebhook } from './webhook';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.1.2',
    '0.0.0.0',
    '0.1.2.3',
    '10.1.2.3',
    '100.64.0.1',
    '100.127.255.255',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:a9fe:a9fe',
    'not-an-ip',
  ])('refuses %s', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '100.128.0.1', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (ip) => expect(isPrivateAddress(ip)).toBe(false),
  );
});

describe('maskUrl', () => {
  it('keeps the scheme, host and the last 4 characters only', () => {
    expect(maskUrl('https://discord.com/api/webhooks/123/SECRETTOKENabcd')).toBe('https://discord.com/…abcd');
    expect(maskUrl('http://127.0.0.1:9/x')).toBe('http://127.0.0.1:9/…');
  });
});

describe('postWebhook', () => {
  let server: Server;
  let port: number;
  const hits: string[] = [];
  let mode: 'ok' | 'redirect' | 'hang' = 'ok';

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      req.resume();
      if (mode === 'redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
      } else if (mode === 'ok') {
        res.writeHead(204).end('secret body');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('refuses loopback unless private addresses are allowed', async () => {
    hits.length = 0;
    const url = `http://127.0.0.1:${port}/hook`;
    const refused = await postWebhook(url, {}, { allowPrivate: false });
    expect(refused.ok).toBe(false);
    expect(refused.reason).toMatch(/private address/);
    expect(hits).toEqual([]);
    const allowed = await postWebhook(url, {}, { allowPrivate: true });
    expect(allowed).toEqual({ ok: true, statusCode: 204, reason: null });
    expect(hits).toEqual(['/hook']);
  });

  it('checks at connect time: a name that rebinds to loopback after a public answer is refused', async () => {
    hits.length = 0;
    let calls = 0;
    // First answer public (what a save-time check would see), then loopback (what a connect would use).
    const rebinding: Resolver = async () =>
      calls++ === 0 ? [{ address: '93.184.216.34', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    expect(isPrivateAddress((await rebinding('hooks.example.test'))[0].address)).toBe(false);
    const r = await postWebhook(
      `http://hooks.example.test:${port}/x`,
      {},
      { allowPrivate: false, resolver: rebinding },
    );
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/private address/);
    expect(calls).toBe(2);
    expect(hits).toEqual([]);
  });

  it('refuses when any resolved address is private, including IPv4-mapped IPv6', async () => {
    for (const bad of ['127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      const resolver: Resolver = async () => [
        { address: '93.184.216.34', family: 4 },
        { address: bad, family: bad.includes(':') ? 6 : 4 },
      ];
      const r = await postWebhook(
        `http://multi.example.test:${port}/`,
        {},
        { allowPrivate: false, resolver },
      );
      expect(r.reason).toMatch(/private address/);
    }
    expect((await postWebhook(`ftp://127.0.0.1:${port}/`, {}, { allowPrivate: true })).reason).toMatch(
      /http/,
    );
  });

  it('does not follow redirects and keeps only the status code', async () => {
    hits.length = 0;
    mode = 'redirect';
    const r = await postWebhook(`http://127.0.0.1:${port}/first`, {}, { allowPrivate: true });
    mode = 'ok';
    expect(r).toEqual({ ok: false, statusCode: 302, reason: 'redirects are not followed' });
    expect(hits).toEqual(['/first']);
  });

  it('gives up after the timeout', async () => {
    mode = 'hang';
    const started = Date.now();
    const r = await postWebhook(`http://127.0.0.1:${port}/slow`, {}, { allowPrivate: true, timeoutMs: 200 });
    mode = 'ok';
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/no answer within/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
