import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { loggerOptions, redactUrl } from './logger';

describe('request logging', () => {
  it('redacts tokens and API keys in URLs', () => {
    expect(redactUrl('/ws/live?token=eyJabc.def&x=1')).toBe('/ws/live?token=[redacted]&x=1');
    expect(redactUrl('/v4/sports?apiKey=secret123')).toBe('/v4/sports?apiKey=[redacted]');
    expect(redactUrl('/api/ev/hits?sport=nba')).toBe('/api/ev/hits?sport=nba');
  });

  it('never writes a query token or an Authorization header to the log', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const options = loggerOptions({ logLevel: 'info' }) as object;
    const app = Fastify({ logger: { ...options, stream } });
    app.get('/ws/live', async () => ({ ok: true }));
    await app.inject({
      url: '/ws/live?token=super-secret-jwt',
      headers: { authorization: 'Bearer also-secret' },
    });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('/ws/live?token=[redacted]');
    expect(log).not.toContain('super-secret-jwt');
    expect(log).not.toContain('also-secret');
  });
});
