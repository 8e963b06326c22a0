import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';

/**
 * Pub/sub between the scanner, the ingest endpoints and the realtime hub (ARCHITECTURE §7).
 * Topics: `ev`, `ev:<sport>`, `odds:<sport>`, `system`.
 *
 * With Redis, a message is delivered to this instance's subscribers at once and published on
 * Redis for the others; each instance ignores its own echo (an instance id prefixes the
 * payload), so one instance keeps working while Redis is down. Without Redis it is a local
 * EventEmitter. A message is serialized once per publish; subscribers receive the object and
 * its JSON, so the WebSocket hub never serializes per client.
 */
export interface PubSubMessage<T = unknown> {
  type: string;
  topic: string;
  data: T;
}

/** `json` is `JSON.stringify(message)`, computed once; `remote` when another instance published it. */
export type PubSubListener = (message: PubSubMessage, json: string, remote: boolean) => void;

export interface PubSub {
  readonly backend: 'redis' | 'local';
  publish(topic: string, type: string, data: unknown): void;
  /** `pattern` is a topic or a glob with `*` (`ev:*`, `*`). Returns an unsubscribe function. */
  subscribe(pattern: string, listener: PubSubListener): () => void;
  close(): Promise<void>;
}

interface Subscription {
  pattern: string;
  regex: RegExp | null;
  listener: PubSubListener;
}

function compilePattern(pattern: string): RegExp | null {
  if (!pattern.includes('*')) return null;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

class LocalDelivery {
  private readonly subs = new Set<Subscription>();
  // An EventEmitter is only used to isolate listener errors on the next tick.
  private readonly errors = new EventEmitter();

  constructor(onError: (err: unknown) => void) {
    this.errors.on('error', onError);
  }

  subscribe(pattern: string, listener: PubSubListener): () => void {
    const sub: Subscription = { pattern, regex: compilePattern(pattern), listener };
    this.subs.add(sub);
    return () => {
      this.subs.delete(sub);
    };
  }

  deliver(message: PubSubMessage, json: string, remote = false): void {
    for (const sub of this.subs) {
      if (sub.regex ? !sub.regex.test(message.topic) : sub.pattern !== message.topic) continue;
      try {
        sub.listener(message, json, remote);
      } catch (err) {
        this.errors.emit('error', err);
      }
    }
  }

  clear(): void {
    this.subs.clear();
  }
}

export class LocalPubSub implements PubSub {
  readonly backend = 'local' as const;
  private readonly local: LocalDelivery;

  constructor(onError: (err: unknown) => void = () => {}) {
    this.local = new LocalDelivery(onError);
  }

  publish(topic: string, type: string, data: unknown): void {
    const message = { type, topic, data };
    this.local.deliver(message, JSON.stringify(message));
  }

  subscribe(pattern: string, listener: PubSubListener): () => void {
    return this.local.subscribe(pattern, listener);
  }

  async close(): Promise<void> {
    this.local.clear();
  }
}

export class RedisPubSub implements PubSub {
  readonly backend = 'redis' as const;
  private readonly local: LocalDelivery;
  private readonly instanceId = randomUUID();
  private readonly channelPrefix: string;
  private readonly subscriber: Redis;
  private closed = false;

  constructor(
    private readonly publisher: Redis,
    keyPrefix: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.local = new LocalDelivery(onError);
    this.channelPrefix = `${keyPrefix}ps:`;
    // A subscribed connection cannot issue other commands, hence a connection of its own.
    // It queues the psubscribe until connected and re-subscribes after a reconnect.
    this.subscriber = publisher.duplicate({ enableOfflineQueue: true, autoResubscribe: true });
    this.subscriber.on('error', () => {});
    this.subscriber.on('pmessage', (_pattern: string, channel: string, payload: string) => {
      this.receive(channel, payload);
    });
    this.subscriber.psubscribe(`${this.escapeGlob(this.channelPrefix)}*`).catch(onError);
  }

  /** Resolves once the subscriber connection is listening (tests wait for it). */
  async ready(): Promise<void> {
    if (this.subscriber.status === 'ready') return;
    await new Promise<void>((resolve) => this.subscriber.once('ready', () => resolve()));
  }

  publish(topic: string, type: string, data: unknown): void {
    const message = { type, topic, data };
    const json = JSON.stringify(message);
    this.local.deliver(message, json);
    if (this.closed) return;
    // Fire and forget: a Redis outage must not block the scanner; other instances miss the
    // message, the next cycle's state is still in the database and in their HTTP reads.
    this.publisher.publish(this.channelPrefix + topic, `${this.instanceId} ${json}`).catch(this.onError);
  }

  subscribe(pattern: string, listener: PubSubListener): () => void {
    return this.local.subscribe(pattern, listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.local.clear();
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private receive(channel: string, payload: string): void {
    if (!channel.startsWith(this.channelPrefix)) return;
    const space = payload.indexOf(' ');
    if (space < 0 || payload.slice(0, space) === this.instanceId) return;
    const json = payload.slice(space + 1);
    let message: PubSubMessage;
    try {
      message = JSON.parse(json) as PubSubMessage;
    } catch (err) {
      this.onError(err);
      return;
    }
    this.local.deliver(message, json, true);
  }

  private escapeGlob(s: string): string {
    return s.replace(/[*?[\]\\]/g, '\\$&');
  }
}

export function createPubSub(options: {
  redis: Redis | undefined;
  keyPrefix: string;
  onError?: (err: unknown) => void;
}): PubSub {
  return options.redis
    ? new RedisPubSub(options.redis, options.keyPrefix, options.onError)
    : new LocalPubSub(options.onError);
}
