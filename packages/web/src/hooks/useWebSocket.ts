import { useCallback, useEffect, useRef, useState } from 'react';

/** A server message of `/ws/live` (docs/API.md, "WebSocket"): `{type, topic?, data}`. */
export interface LiveMessage<T = unknown> {
  type: string;
  topic?: string;
  data: T;
}

export interface UseWebSocketOptions {
  /** The access token; without one the hook stays disconnected. A new token reconnects. */
  token: string | null | undefined;
  /** `ev`, `ev:<sport_key>`, `odds:<sport_key>`, `system`; changes are sent as (un)subscribe. */
  topics?: readonly string[];
  /** How many recent messages `messages` keeps (default 100). */
  maxMessages?: number;
  /** First reconnect delay in ms (default 1000), doubled per failed attempt up to `reconnectMaxMs`. */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Called for every message, before state updates (for callers that keep their own state). */
  onMessage?: (message: LiveMessage) => void;
}

export interface UseWebSocketResult {
  /** True once the server accepted the token (its `hello`), false while (re)connecting. */
  isConnected: boolean;
  lastMessage: LiveMessage | null;
  /** The most recent messages, oldest first, at most `maxMessages`. */
  messages: LiveMessage[];
  /** Sends a message if connected; returns whether it was sent. */
  send: (message: { type: string } & Record<string, unknown>) => boolean;
}

/** Close codes after which retrying with the same token is pointless. */
const AUTH_FAILURES = new Set([4401, 4403]);

/** The live feed's URL on the page's own origin (`wss:` under https). */
export function liveUrl(path = '/ws/live'): string {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${window.location.host}${path}`;
}

/**
 * Connects to `/ws/live`, authenticates with a first `auth` message (so the token stays out of
 * URLs and logs), keeps the given topics subscribed across reconnects, and reconnects with
 * exponential backoff and jitter. An auth failure (4401/4403) waits for a new token instead.
 */
export function useWebSocket(options: UseWebSocketOptions): UseWebSocketResult {
  const { token, maxMessages = 100, reconnectBaseMs = 1_000, reconnectMaxMs = 30_000 } = options;
  const [isConnected, setConnected] = useState(false);
  const [messages, setMessages] = useState<LiveMessage[]>([]);
  const [lastMessage, setLastMessage] = useState<LiveMessage | null>(null);

  const socketRef = useRef<WebSocket | null>(null);
  const readyRef = useRef(false);
  /** Topics the server has been told about on the current connection. */
  const subscribedRef = useRef<Set<string>>(new Set());
  const topicsRef = useRef<readonly string[]>(options.topics ?? []);
  topicsRef.current = options.topics ?? [];
  const onMessageRef = useRef(options.onMessage);
  onMessageRef.current = options.onMessage;
  const maxRef = useRef(maxMessages);
  maxRef.current = maxMessages;

  const syncTopics = useCallback(() => {
    const socket = socketRef.current;
    if (!socket || !readyRef.current || socket.readyState !== WebSocket.OPEN) return;
    const wanted = new Set(topicsRef.current);
    const current = subscribedRef.current;
    const add = [...wanted].filter((t) => !current.has(t));
    const remove = [...current].filter((t) => !wanted.has(t));
    if (add.length) socket.send(JSON.stringify({ type: 'subscribe', topics: add }));
    if (remove.length) socket.send(JSON.stringify({ type: 'unsubscribe', topics: remove }));
    subscribedRef.current = wanted;
  }, []);

  useEffect(() => {
    if (!token) return;
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      const socket = new WebSocket(liveUrl());
      socketRef.current = socket;
      readyRef.current = false;
      subscribedRef.current = new Set();

      socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token }));
      socket.onmessage = (event: MessageEvent) => {
        let message: LiveMessage;
        try {
          message = JSON.parse(String(event.data)) as LiveMessage;
        } catch {
          return;
        }
        if (message.type === 'hello') {
          attempt = 0;
          readyRef.current = true;
          setConnected(true);
          syncTopics();
        }
        onMessageRef.current?.(message);
        setLastMessage(message);
        setMessages((prev) => {
          const next =
            prev.length >= maxRef.current ? prev.slice(prev.length - maxRef.current + 1) : prev.slice();
          next.push(message);
          return next;
        });
      };
      socket.onclose = (event: CloseEvent) => {
        if (socketRef.current === socket) {
          socketRef.current = null;
          readyRef.current = false;
        }
        setConnected(false);
        if (stopped || AUTH_FAILURES.has(event.code)) return;
        // Full jitter on an exponential delay, so a restarted server is not hit by every tab at once.
        const ceiling = Math.min(reconnectMaxMs, reconnectBaseMs * 2 ** attempt);
        attempt += 1;
        timer = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
      };
    };

    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      const socket = socketRef.current;
      socketRef.current = null;
      readyRef.current = false;
      setConnected(false);
      socket?.close(1000, 'done');
    };
  }, [token, reconnectBaseMs, reconnectMaxMs, syncTopics]);

  const topicsKey = (options.topics ?? []).join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: topicsKey stands for the topics array's content
  useEffect(() => {
    syncTopics();
  }, [topicsKey, syncTopics]);

  const send = useCallback((message: { type: string } & Record<string, unknown>) => {
    const socket = socketRef.current;
    if (!socket || !readyRef.current || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }, []);

  return { isConnected, lastMessage, messages, send };
}
