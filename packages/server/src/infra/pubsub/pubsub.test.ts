import { afterAll, describe, expect, it } from 'vitest';
import { testRedisUrl, uniqueRedisPrefix } from '../../../test/helpers';
import { createRedis } from '../redis';
import { LocalPubSub, type PubSubMessage, RedisPubSub } from './index';

const url = testRedisUrl();

const waitFor = async (cond: () => boolean, ms = 3_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('PubSub', () => {
  it('delivers locally by exact topic and glob, serialized once', async () => {
    const ps = new LocalPubSub();
    const got: [string, string, boolean][] = [];
    ps.subscribe('ev', (m, json, remote) => got.push([m.topic, json, remote]));
    ps.subscribe('ev:*', (m) => got.push([m.topic, '', false]));
    ps.publish('ev', 'ev.hit.new', { id: 'a' });
    ps.publish('ev:basketball_nba', 'ev.hit.new', { id: 'a' });
    ps.publish('odds:basketball_nba', 'odds.updated', {});
    expect(got).toEqual([
      ['ev', '{"type":"ev.hit.new","topic":"ev","data":{"id":"a"}}', false],
      ['ev:basketball_nba', '', false],
    ]);
    await ps.close();
  });

  it('isolates a throwing listener', () => {
    const errors: unknown[] = [];
    const ps = new LocalPubSub((e) => errors.push(e));
    const got: string[] = [];
    ps.subscribe('ev', () => {
      throw new Error('boom');
    });
    ps.subscribe('ev', (m) => got.push(m.type));
    ps.publish('ev', 'x', null);
    expect(got).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });

  describe.skipIf(!url)('on Redis across two instances', () => {
    const ra = url ? createRedis(url) : undefined;
    const rb = url ? createRedis(url) : undefined;
    afterAll(() => {
      ra?.disconnect();
      rb?.disconnect();
    });

    it('delivers what A publishes to B (once) and not back to A twice', async () => {
      const prefix = uniqueRedisPrefix();
      const a = new RedisPubSub(ra!, prefix);
      const b = new RedisPubSub(rb!, prefix);
      const other = new RedisPubSub(rb!, uniqueRedisPrefix());
      await Promise.all([a.ready(), b.ready(), other.ready()]);
      const onA: PubSubMessage[] = [];
      const onB: [PubSubMessage, boolean][] = [];
      const onOther: PubSubMessage[] = [];
      a.subscribe('ev:*', (m) => onA.push(m));
      b.subscribe('ev:*', (m, _json, remote) => onB.push([m, remote]));
      other.subscribe('*', (m) => onOther.push(m));
      a.publish('ev:icehockey_nhl', 'ev.hit.new', { id: 'h1' });
      await waitFor(() => onB.length > 0);
      await new Promise((r) => setTimeout(r, 100));
      expect(onB).toEqual([[{ type: 'ev.hit.new', topic: 'ev:icehockey_nhl', data: { id: 'h1' } }, true]]);
      expect(onA).toHaveLength(1);
      expect(onOther).toHaveLength(0); // another deployment's key prefix
      await Promise.all([a.close(), b.close(), other.close()]);
    });
  });
});
