import type { HitFilterSet } from '@evision/contract';
import { useEffect, useState } from 'react';
import { bookName } from './books';
import { marketLabel, sportLabel } from './columns';

interface Props {
  filters: HitFilterSet;
  onChange: (next: HitFilterSet) => void;
  /** Keys seen in the loaded hits, offered as choices (plus whatever is selected). */
  sports: string[];
  markets: string[];
  books: string[];
}

const pct = (f: number | undefined) => (f === undefined ? '' : String(Math.round(f * 10_000) / 100));

/** A number input that reports on blur/Enter, so typing "1.5" is not cut short at "1.". */
function NumberField(props: {
  id: string;
  label: string;
  value: string;
  placeholder?: string;
  onCommit: (v: string) => void;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="decimal"
        value={text}
        placeholder={props.placeholder}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => props.onCommit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') props.onCommit(text);
        }}
      />
    </div>
  );
}

function num(v: string): number | undefined {
  if (v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function withChoice(all: string[], picked: readonly string[] | undefined): string[] {
  return [...new Set([...(picked ?? []), ...all])].sort();
}

/** The board's filters; every change goes to the URL (the parent owns the state). */
export function FilterBar({ filters, onChange, sports, markets, books }: Props) {
  const set = (patch: Partial<HitFilterSet>) => {
    const next: Record<string, unknown> = { ...filters, ...patch };
    for (const k of Object.keys(next))
      if (next[k] === undefined || (Array.isArray(next[k]) && !(next[k] as unknown[]).length)) delete next[k];
    onChange(next as HitFilterSet);
  };
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);
  const pickedBooks = new Set(filters.book ?? []);

  return (
    <section className="board-filters card" aria-label="Filters">
      <div className="field">
        <label htmlFor="f-sport">Sport</label>
        <select
          id="f-sport"
          value={filters.sport?.[0] ?? ''}
          onChange={(e) => set({ sport: e.target.value ? [e.target.value] : undefined })}
        >
          <option value="">All sports</option>
          {withChoice(sports, filters.sport).map((s) => (
            <option key={s} value={s}>
              {sportLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-market">Market</label>
        <select
          id="f-market"
          value={filters.market?.[0] ?? ''}
          onChange={(e) => set({ market: e.target.value ? [e.target.value] : undefined })}
        >
          <option value="">All markets</option>
          {withChoice(markets, filters.market).map((m) => (
            <option key={m} value={m}>
              {marketLabel(m)}
            </option>
          ))}
        </select>
      </div>
      <details className="field board-books">
        <summary>{pickedBooks.size ? `Books (${pickedBooks.size})` : 'All books'}</summary>
        <div className="board-books-list">
          {withChoice(books, filters.book).map((b) => (
            <label key={b}>
              <input
                type="checkbox"
                checked={pickedBooks.has(b)}
                onChange={(e) => {
                  const n = new Set(pickedBooks);
                  if (e.target.checked) n.add(b);
                  else n.delete(b);
                  set({ book: [...n].sort() });
                }}
              />{' '}
              {bookName(b)}
            </label>
          ))}
          {!books.length && !pickedBooks.size && <span className="muted">No books in view yet.</span>}
        </div>
      </details>
      <NumberField
        id="f-min-ev"
        label="Min EV %"
        placeholder="0"
        value={pct(filters.min_ev)}
        onCommit={(v) => {
          const n = num(v);
          set({ min_ev: n === undefined ? undefined : n / 100 });
        }}
      />
      <NumberField
        id="f-min-odds"
        label="Min odds"
        placeholder="1.01"
        value={filters.min_odds === undefined ? '' : String(filters.min_odds)}
        onCommit={(v) => {
          const n = num(v);
          set({ min_odds: n !== undefined && n > 1 ? n : undefined });
        }}
      />
      <NumberField
        id="f-max-odds"
        label="Max odds"
        placeholder="any"
        value={filters.max_odds === undefined ? '' : String(filters.max_odds)}
        onCommit={(v) => {
          const n = num(v);
          set({ max_odds: n !== undefined && n > 1 ? n : undefined });
        }}
      />
      <div className="field board-search">
        <label htmlFor="f-q">Team</label>
        <input
          id="f-q"
          type="search"
          placeholder="Search a team"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onBlur={() => set({ q: q.trim() || undefined })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') set({ q: q.trim() || undefined });
          }}
        />
      </div>
      <label className="board-check">
        <input
          type="checkbox"
          checked={!!filters.include_suspect}
          onChange={(e) => set({ include_suspect: e.target.checked || undefined })}
        />{' '}
        Include suspect
      </label>
    </section>
  );
}
