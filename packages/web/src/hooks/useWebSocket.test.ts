import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useWebSocket } from './useWebSocket';

/** Stands in for the browser's WebSocket: records what the hook sends, lets the test play the server. */
class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeWebSocket[] = [];

  readyState = FakeWebSocket.CONNECTING;
  sent: Array<Record<string, unknown>> = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    if (this.readyState === FakeWebSocket.CLOSED) return;
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code });
  }

  // The server's side:
  open(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.();
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  drop(code: number): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code });
  }
}

const latest = () => FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
const hello = { type: 'hello', data: { topics: ['ev'], subscribed: [] } };

describe('useWebSocket', () => {
  beforeEach(() => {
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('connects to /ws/live on the same origin, authenticates first, then subscribes', () => {
    const { result } = renderHook(() => useWebSocket({ token: 'tok', topics: ['ev:basketball_nba'] }));
    const ws = latest();
    expect(ws.url).toBe(`ws://${window.location.host}/ws/live`);
    act(() => ws.open());
    expect(ws.sent).toEqual([{ type: 'auth', token: 'tok' }]);
    expect(result.current.isConnected).toBe(false);

    act(() => ws.receive(hello));
    expect(result.current.isConnected).toBe(true);
    expect(ws.sent[1]).toEqual({ type: 'subscribe', topics: ['ev:basketball_nba'] });

    const hit = { type: 'ev.hit.new', topic: 'ev:basketball_nba', data: { id: 'h1' } };
    act(() => ws.receive(hit));
    expect(result.current.lastMessage).toEqual(hit);
    expect(result.current.messages).toEqual([hello, hit]);
  });

  it('does not connect without a token', () => {
    renderHook(() => useWebSocket({ token: null }));
    expect(FakeWebSocket.instances).toHaveLength(0);
  });

  it('keeps only the most recent maxMessages', () => {
    const { result } = renderHook(() => useWebSocket({ token: 'tok', maxMessages: 3 }));
    act(() => {
      latest().open();
      latest().receive(hello);
      for (let i = 0; i < 5; i++) latest().receive({ type: 'odds.updated', data: { i } });
    });
    expect(result.current.messages.map((m) => (m.data as { i?: number }).i)).toEqual([2, 3, 4]);
  });

  it('sends subscribe/unsubscribe when the topics change', () => {
    const { rerender } = renderHook(({ topics }) => useWebSocket({ token: 'tok', topics }), {
      initialProps: { topics: ['ev'] },
    });
    act(() => {
      latest().open();
      latest().receive(hello);
    });
    rerender({ topics: ['ev'] }); // same content, new array: nothing sent
    rerender({ topics: ['system'] });
    expect(latest().sent.slice(1)).toEqual([
      { type: 'subscribe', topics: ['ev'] },
      { type: 'subscribe', topics: ['system'] },
      { type: 'unsubscribe', topics: ['ev'] },
    ]);
  });

  it('reconnects with growing backoff and resubscribes; send works only while connected', () => {
    // Full jitter: a delay between half the ceiling and the ceiling; 0.5 puts it at 3/4.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { result } = renderHook(() => useWebSocket({ token: 'tok', topics: ['ev'], reconnectBaseMs: 100 }));
    act(() => {
      latest().open();
      latest().receive(hello);
    });
    expect(result.current.send({ type: 'ping' })).toBe(true);

    act(() => latest().drop(1006));
    expect(result.current.isConnected).toBe(false);
    expect(result.current.send({ type: 'ping' })).toBe(false);
    act(() => vi.advanceTimersByTime(74));
    expect(FakeWebSocket.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeWebSocket.instances).toHaveLength(2);

    // The second attempt fails before hello: the next delay doubles.
    act(() => latest().drop(1006));
    act(() => vi.advanceTimersByTime(149));
    expect(FakeWebSocket.instances).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeWebSocket.instances).toHaveLength(3);

    act(() => {
      latest().open();
      latest().receive(hello);
    });
    expect(result.current.isConnected).toBe(true);
    expect(latest().sent).toEqual([
      { type: 'auth', token: 'tok' },
      { type: 'subscribe', topics: ['ev'] },
    ]);
  });

  it('stops retrying after 4401 until the token changes, and closes on unmount', () => {
    const { rerender, unmount } = renderHook(({ token }) => useWebSocket({ token }), {
      initialProps: { token: 'old' },
    });
    act(() => latest().open());
    act(() => latest().drop(4401));
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeWebSocket.instances).toHaveLength(1);

    rerender({ token: 'new' });
    expect(FakeWebSocket.instances).toHaveLength(2);
    act(() => latest().open());
    expect(latest().sent).toEqual([{ type: 'auth', token: 'new' }]);

    const last = latest();
    unmount();
    expect(last.readyState).toBe(FakeWebSocket.CLOSED);
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeWebSocket.instances).toHaveLength(2);
  });
});
