import type { EvHit, HitFilterSet } from '@evision/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useAuth } from '../../auth/AuthContext';
import { type LiveMessage, useWebSocket } from '../../hooks/useWebSocket';
import { apiFetch } from '../../lib/api';
import { hitsApiQuery } from './filters';
import { applyHitMessage, dropClosed, type HitsPage, isHitMessage } from './live';

export type SocketState = 'live' | 'reconnecting' | 'polling';

/** How long a new row stays highlighted, an updated price flashes, a closed row fades. */
export const MARK_MS = { new: 4_000, updated: 1_200, closed: 1_500 } as const;
/** After this long without the socket the board polls and says so. */
const POLL_AFTER_MS = 5_000;
const POLL_EVERY_MS = 10_000;

export type RowMark = 'new' | 'updated' | 'closed';

/** The board's hits: one fetch, then live messages applied to the cache; polling only without the socket. */
export function useLiveHits(filters: HitFilterSet) {
  const { token } = useAuth();
  const client = useQueryClient();
  const query = hitsApiQuery(filters);
  const queryKey = useMemo(() => ['ev', 'hits', query] as const, [query]);
  const [marks, setMarks] = useState<ReadonlyMap<string, RowMark>>(new Map());
  const [socketDownSince, setDownSince] = useState<number | null>(Date.now());
  const [now, setNow] = useState(Date.now());
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const keyRef = useRef(queryKey);
  keyRef.current = queryKey;

  const mark = useCallback(
    (id: string, kind: RowMark) => {
      setMarks((m) => new Map(m).set(id, kind));
      setTimeout(() => {
        setMarks((m) => {
          if (m.get(id) !== kind) return m;
          const n = new Map(m);
          n.delete(id);
          return n;
        });
        if (kind === 'closed')
          client.setQueryData<HitsPage>(keyRef.current, (page) =>
            page ? { ...page, hits: dropClosed(page.hits, id, filtersRef.current) } : page,
          );
      }, MARK_MS[kind]);
    },
    [client],
  );

  const onMessage = useCallback(
    (msg: LiveMessage) => {
      if (msg.type === 'hello') {
        // Nothing is replayed after a reconnect: catch up from the API.
        void client.invalidateQueries({ queryKey: keyRef.current });
        return;
      }
      if (!isHitMessage(msg.type)) return;
      const hit = msg.data as EvHit;
      let had = false;
      client.setQueryData<HitsPage>(keyRef.current, (page) => {
        if (!page) return page;
        had = page.hits.some((h) => h.id === hit.id);
        return { ...page, hits: applyHitMessage(page.hits, msg.type as never, hit, filtersRef.current) };
      });
      if (msg.type === 'ev.hit.closed') {
        if (had) mark(hit.id, 'closed');
      } else mark(hit.id, had ? 'updated' : 'new');
    },
    [client, mark],
  );

  const sports = filters.sport ?? [];
  // useWebSocket compares topics by content, so a new array each render is fine.
  const topics = sports.length ? sports.map((s) => `ev:${s}`) : ['ev'];
  const socket = useWebSocket({ token, topics, onMessage, maxMessages: 1 });

  useEffect(() => {
    setDownSince(socket.isConnected ? null : Date.now());
  }, [socket.isConnected]);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(t);
  }, []);

  const polling = socketDownSince !== null && now - socketDownSince >= POLL_AFTER_MS;
  const socketState: SocketState = socket.isConnected ? 'live' : polling ? 'polling' : 'reconnecting';

  const result = useQuery({
    queryKey,
    queryFn: () => apiFetch<HitsPage>(`/api/ev/hits?${query}`),
    refetchInterval: socketState === 'polling' ? POLL_EVERY_MS : false,
    placeholderData: (prev) => prev,
  });

  return { ...result, marks, socketState, now };
}
