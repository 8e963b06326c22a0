import { WsClientMessage, WsCloseCode, type WsErrorCode, WsTopic } from '@evision/contract';
import type { FastifyBaseLogger } from 'fastify';
import type { Counter, Gauge } from 'prom-client';
import { type RawData, WebSocket } from 'ws';
import type { PubSub, PubSubMessage } from '../../infra/pubsub';
import type { Principal } from '../auth/principal';

/**
 * The live feed behind `GET /ws/live` (ARCHITECTURE §7): authenticates each socket, keeps its
 * topic subscriptions, and fans pub/sub messages out to the sockets of that topic.
 *
 * Pub/sub hands over each message already serialized; the hub turns that JSON into one Buffer
 * and writes the same Buffer to every subscriber, so a broadcast costs one serialization no
 * matter how many clients listen. Messages published on another instance arrive through the
 * same pub/sub (Redis), so a client sees every instance's hits.
 */
export interface RealtimeOptions {
  /** Milliseconds between server pings; a peer that has not answered by the next one is dropped. */
  heartbeatMs?: number;
  /** Milliseconds a socket may stay unauthenticated before it is closed with 4401. */
  authTimeoutMs?: number;
  /** A peer whose unsent bytes exceed this is closed with 1013 instead of buffered further. */
  maxBufferedBytes?: number;
  /** Topics one connection may hold at once. */
  maxTopicsPerConnection?: number;
  /** Milliseconds the shutdown waits for close handshakes before terminating the rest. */
  closeGraceMs?: number;
}

export const REALTIME_DEFAULTS: Required<RealtimeOptions> = {
  heartbeatMs: 30_000,
  authTimeoutMs: 5_000,
  maxBufferedBytes: 1024 * 1024,
  maxTopicsPerConnection: 200,
  closeGraceMs: 1_000,
};

/** Messages a client may send while its token is being checked; more is abuse. */
const MAX_QUEUED_BEFORE_AUTH = 32;

export interface RealtimeHubDeps {
  pubsub: PubSub;
  authenticate: (token: string) => Promise<Principal | null>;
  /** Sport keys tracked now, for the topic list of `hello`. */
  trackedSports: () => string[];
  log: FastifyBaseLogger;
  now?: () => number;
  connectionsGauge?: Gauge<string>;
  dropsCounter?: Counter<string>;
}

type PeerState = 'awaiting_auth' | 'authenticating' | 'open' | 'closed';

interface Peer {
  socket: WebSocket;
  state: PeerState;
  principal: Principal | null;
  topics: Set<string>;
  /** Cleared at each heartbeat, set by the pong. */
  alive: boolean;
  queued: RawData[];
  authTimer: NodeJS.Timeout | undefined;
  /** Closes the socket with 4401 when its access token expires, unless renewed by `auth`. */
  expiryTimer: NodeJS.Timeout | undefined;
}

/** setTimeout's largest delay (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Frame = Buffer | string;

export class RealtimeHub {
  readonly options: Required<RealtimeOptions>;
  private readonly peers = new Set<Peer>();
  private readonly byTopic = new Map<string, Set<Peer>>();
  private readonly byUser = new Map<number, Set<Peer>>();
  private readonly unsubscribes: Array<() => void> = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly now: () => number;

  constructor(
    private readonly deps: RealtimeHubDeps,
    options: RealtimeOptions = {},
  ) {
    this.options = { ...REALTIME_DEFAULTS, ...stripUndefined(options) };
    this.now = deps.now ?? Date.now;
  }

  /** Open sockets, authenticated or not. */
  get connections(): number {
    return this.peers.size;
  }

  /** Subscribes to pub/sub once for all sockets and starts the heartbeat. */
  start(): void {
    const forward = (message: PubSubMessage, json: string) => this.broadcast(message, json);
    const { pubsub } = this.deps;
    // `ev*` covers `ev` and `ev:<sport>`; `user:<id>` carries one user's alerts.
    for (const pattern of ['ev*', 'odds:*', 'system', 'user:*']) {
      this.unsubscribes.push(pubsub.subscribe(pattern, forward));
    }
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Takes over an upgraded socket. Listeners are attached synchronously (a message sent right
   * after the handshake must not be lost); `token` is the `?token=` of the upgrade, if any.
   */
  attach(socket: WebSocket, token: string | undefined): void {
    if (this.closing) {
      socket.close(WsCloseCode.goingAway, 'server shutting down');
      return;
    }
    const peer: Peer = {
      socket,
      state: 'awaiting_auth',
      principal: null,
      topics: new Set(),
      alive: true,
      queued: [],
      authTimer: undefined,
      expiryTimer: undefined,
    };
    this.peers.add(peer);
    this.deps.connectionsGauge?.set(this.peers.size);

    socket.on('message', (data, isBinary) => this.onMessage(peer, data, isBinary));
    socket.on('pong', () => {
      peer.alive = true;
    });
    socket.on('close', () => this.remove(peer));
    // @fastify/websocket logs and terminates on 'error'; 'close' follows and cleans up.

    peer.authTimer = setTimeout(() => {
      if (peer.state === 'awaiting_auth' || peer.state === 'authenticating') {
        this.closePeer(peer, WsCloseCode.unauthorized, 'authentication timeout');
      }
    }, this.options.authTimeoutMs);
    peer.authTimer.unref();

    if (token !== undefined) void this.authenticate(peer, token);
  }

  /** Closes every socket with 1001, waits for the handshakes (bounded), terminates the rest. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    const sockets = [...this.peers].map((p) => p.socket);
    for (const peer of [...this.peers]) this.closePeer(peer, WsCloseCode.goingAway, 'server shutting down');
    const pending = sockets.filter((s) => s.readyState !== WebSocket.CLOSED);
    if (pending.length === 0) return;
    await new Promise<void>((resolve) => {
      let left = pending.length;
      const timer = setTimeout(resolve, this.options.closeGraceMs);
      for (const s of pending) {
        s.once('close', () => {
          if (--left === 0) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
    for (const s of pending) if (s.readyState !== WebSocket.CLOSED) s.terminate();
  }

  /** One pub/sub message to every socket subscribed to its topic: one Buffer for all of them. */
  private broadcast(message: PubSubMessage, json: string): void {
    let targets: Set<Peer> | undefined;
    if (message.topic.startsWith('user:')) {
      targets = this.byUser.get(Number(message.topic.slice(5)));
    } else {
      targets = this.byTopic.get(message.topic);
    }
    if (!targets || targets.size === 0) return;
    const frame = Buffer.from(json);
    // Deleting from a Set while iterating it is well-defined: a peer cut by send() is skipped.
    for (const peer of targets) this.send(peer, frame);
  }

  private send(peer: Peer, frame: Frame): void {
    const { socket } = peer;
    if (peer.state === 'closed' || socket.readyState !== WebSocket.OPEN) return;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.deps.dropsCounter?.inc({ reason: 'slow_consumer' });
      this.deps.log.info(
        { buffered: socket.bufferedAmount, principal: describe(peer.principal) },
        'websocket client too slow, closing',
      );
      // Nothing more is queued for it; ws terminates the socket if the close handshake stalls.
      this.closePeer(peer, WsCloseCode.slowConsumer, 'client too slow');
      return;
    }
    socket.send(frame, { binary: false });
  }

  private sendMessage(peer: Peer, type: string, data: unknown): void {
    this.send(peer, JSON.stringify({ type, data }));
  }

  private sendError(peer: Peer, code: WsErrorCode, message: string, details?: unknown): void {
    this.sendMessage(peer, 'error', details === undefined ? { code, message } : { code, message, details });
  }

  private onMessage(peer: Peer, data: RawData, isBinary: boolean): void {
    switch (peer.state) {
      case 'closed':
        return;
      case 'authenticating':
        if (peer.queued.length >= MAX_QUEUED_BEFORE_AUTH) {
          this.closePeer(peer, 1008, 'too many messages before authentication');
        } else {
          peer.queued.push(data);
        }
        return;
      case 'awaiting_auth': {
        const parsed = isBinary ? null : parseJson(data);
        const message = WsClientMessage.safeParse(parsed);
        if (!message.success || message.data.type !== 'auth') {
          this.closePeer(peer, WsCloseCode.unauthorized, 'authentication required');
          return;
        }
        void this.authenticate(peer, message.data.token);
        return;
      }
      case 'open':
        this.handle(peer, data, isBinary);
    }
  }

  private async authenticate(peer: Peer, token: string): Promise<void> {
    peer.state = 'authenticating';
    let principal: Principal | null = null;
    try {
      principal = await this.deps.authenticate(token);
    } catch (err) {
      this.deps.log.warn({ err }, 'websocket authentication failed');
    }
    if (peer.state !== 'authenticating') return; // closed (timeout, disconnect) meanwhile
    if (!principal) {
      this.closePeer(peer, WsCloseCode.unauthorized, 'invalid or expired token');
      return;
    }
    if (principal.kind === 'service' && !principal.scopes.includes('feed')) {
      this.closePeer(peer, WsCloseCode.forbidden, 'token lacks the feed scope');
      return;
    }
    clearTimeout(peer.authTimer);
    peer.state = 'open';
    peer.principal = principal;
    if (principal.kind === 'user') addTo(this.byUser, principal.user.id, peer);
    this.armExpiry(peer);
    this.sendMessage(peer, 'hello', {
      ...(principal.kind === 'user'
        ? { user: { id: principal.user.id, username: principal.user.username, role: principal.user.role } }
        : { service: { name: principal.name } }),
      topics: this.availableTopics(),
      subscribed: [],
      server_time: new Date(this.now()).toISOString(),
      heartbeat_ms: this.options.heartbeatMs,
      ...(principal.kind === 'user' ? { expires_at: new Date(principal.exp * 1000).toISOString() } : {}),
    });
    for (const data of peer.queued.splice(0)) {
      if (peer.state !== 'open') break;
      this.handle(peer, data, false);
    }
  }

  private handle(peer: Peer, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.sendError(peer, 'invalid_message', 'Messages are JSON text frames');
      return;
    }
    const parsed = parseJson(data);
    if (parsed === undefined) {
      this.sendError(peer, 'invalid_json', 'The message is not valid JSON');
      return;
    }
    const type = (parsed as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !['auth', 'subscribe', 'unsubscribe', 'ping'].includes(type)) {
      this.sendError(peer, 'unknown_type', 'type must be one of subscribe, unsubscribe, ping', {
        type: typeof type === 'string' ? type.slice(0, 50) : null,
      });
      return;
    }
    const result = WsClientMessage.safeParse(parsed);
    if (!result.success) {
      this.sendError(
        peer,
        'invalid_message',
        `Invalid ${type} message`,
        result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      );
      return;
    }
    const message = result.data;
    switch (message.type) {
      case 'auth':
        void this.renew(peer, message.token);
        return;
      case 'ping':
        this.sendMessage(peer, 'pong', {
          server_time: new Date(this.now()).toISOString(),
          subscribed: [...peer.topics],
        });
        return;
      case 'subscribe':
      case 'unsubscribe':
        this.changeTopics(peer, message.type, message.topics);
    }
  }

  /** A user socket's access token expires: 4401 at `exp`, unless a new `auth` renewed it. */
  private armExpiry(peer: Peer): void {
    clearTimeout(peer.expiryTimer);
    peer.expiryTimer = undefined;
    const { principal } = peer;
    if (principal?.kind !== 'user') return;
    const delay = principal.exp * 1000 - this.now();
    if (delay <= 0) {
      this.closePeer(peer, WsCloseCode.unauthorized, 'access token expired');
      return;
    }
    peer.expiryTimer = setTimeout(
      () => {
        if (peer.state === 'open') this.closePeer(peer, WsCloseCode.unauthorized, 'access token expired');
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    peer.expiryTimer.unref();
  }

  /**
   * `auth` on an open socket: a renewed access token of the same user replaces the old one
   * (answered `authenticated` with the new expiry); an invalid token closes with 4401.
   */
  private async renew(peer: Peer, token: string): Promise<void> {
    let principal: Principal | null = null;
    try {
      principal = await this.deps.authenticate(token);
    } catch (err) {
      this.deps.log.warn({ err }, 'websocket re-authentication failed');
    }
    if (peer.state !== 'open') return;
    if (!principal) {
      this.closePeer(peer, WsCloseCode.unauthorized, 'invalid or expired token');
      return;
    }
    const current = peer.principal;
    if (principal.kind !== 'user' || current?.kind !== 'user' || principal.user.id !== current.user.id) {
      this.sendError(peer, 'auth_mismatch', 'A renewed token must belong to the same user');
      return;
    }
    peer.principal = principal;
    this.armExpiry(peer);
    this.sendMessage(peer, 'authenticated', {
      expires_at: new Date(principal.exp * 1000).toISOString(),
      server_time: new Date(this.now()).toISOString(),
    });
  }

  /**
   * The user's token version was bumped (password change, deactivation, demotion, sign-out
   * everywhere): their sockets authenticated with an older token are closed with 4401.
   */
  closeUser(userId: number, version: number): void {
    const peers = this.byUser.get(userId);
    if (!peers) return;
    for (const peer of [...peers]) {
      if (peer.principal?.kind === 'user' && peer.principal.version < version) {
        this.closePeer(peer, WsCloseCode.unauthorized, 'token revoked');
      }
    }
  }

  /** All or nothing: one invalid topic rejects the message and changes no subscription. */
  private changeTopics(peer: Peer, type: 'subscribe' | 'unsubscribe', topics: string[]): void {
    const invalid = topics.filter((t) => !WsTopic.safeParse(t).success);
    if (invalid.length > 0) {
      this.sendError(peer, 'invalid_topic', 'Topics are ev, ev:<sport_key>, odds:<sport_key> and system', {
        topics: invalid.slice(0, 10),
      });
      return;
    }
    if (type === 'unsubscribe') {
      for (const topic of topics) {
        peer.topics.delete(topic);
        removeFrom(this.byTopic, topic, peer);
      }
      return;
    }
    const added = new Set(topics.filter((t) => !peer.topics.has(t)));
    if (peer.topics.size + added.size > this.options.maxTopicsPerConnection) {
      this.sendError(
        peer,
        'too_many_topics',
        `A connection may subscribe to at most ${this.options.maxTopicsPerConnection} topics`,
      );
      return;
    }
    for (const topic of added) {
      peer.topics.add(topic);
      addTo(this.byTopic, topic, peer);
    }
  }

  private availableTopics(): string[] {
    let sports: string[] = [];
    try {
      sports = this.deps.trackedSports();
    } catch {
      sports = [];
    }
    return ['ev', ...sports.map((s) => `ev:${s}`), ...sports.map((s) => `odds:${s}`), 'system'];
  }

  /** Server pings; a peer that did not pong since the last beat is gone (no close handshake). */
  private beat(): void {
    for (const peer of [...this.peers]) {
      if (!peer.alive) {
        this.deps.dropsCounter?.inc({ reason: 'heartbeat' });
        this.detach(peer);
        peer.socket.terminate();
        continue;
      }
      peer.alive = false;
      try {
        peer.socket.ping();
      } catch {
        // A socket not yet or no longer open; its close event cleans up.
      }
    }
  }

  /** Stops delivering to a peer and starts the close handshake. */
  private closePeer(peer: Peer, code: number, reason: string): void {
    this.detach(peer);
    const { socket } = peer;
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
      socket.close(code, reason);
    }
  }

  /** Removes a peer from the topic indexes (it gets nothing more); the count drops on `close`. */
  private detach(peer: Peer): void {
    if (peer.state === 'closed') return;
    peer.state = 'closed';
    clearTimeout(peer.authTimer);
    clearTimeout(peer.expiryTimer);
    peer.queued = [];
    for (const topic of peer.topics) removeFrom(this.byTopic, topic, peer);
    if (peer.principal?.kind === 'user') removeFrom(this.byUser, peer.principal.user.id, peer);
  }

  private remove(peer: Peer): void {
    this.detach(peer);
    if (this.peers.delete(peer)) this.deps.connectionsGauge?.set(this.peers.size);
  }
}

function parseJson(data: RawData): unknown {
  try {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString();
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function addTo<K>(index: Map<K, Set<Peer>>, key: K, peer: Peer): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(peer);
}

function removeFrom<K>(index: Map<K, Set<Peer>>, key: K, peer: Peer): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(peer);
  if (set.size === 0) index.delete(key);
}

function describe(principal: Principal | null): string | null {
  if (!principal) return null;
  return principal.kind === 'user' ? `user:${principal.user.id}` : `service:${principal.name}`;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
