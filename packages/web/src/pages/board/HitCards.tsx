import type { EvHit, UserSettings } from '@evision/contract';
import { formatOdds, formatPercent, formatTime } from '../../lib/format';
import { BookBadge } from './books';
import { ageLabel, marketLabel, pickLabel, stakeLabel } from './columns';
import type { RowMark } from './useLiveHits';

interface Props {
  rows: EvHit[];
  marks: ReadonlyMap<string, RowMark>;
  settings: UserSettings;
  currency: string;
  now: number;
  onOpen: (h: EvHit) => void;
}

/** The board on a phone: one card per hit, EV % on the first line so nothing scrolls sideways. */
export function HitCards({ rows, marks, settings, currency, now, onOpen }: Props) {
  return (
    <ul className="board-cards" aria-label="Hits">
      {rows.slice(0, 300).map((h) => {
        const mark = marks.get(h.id);
        return (
          <li
            key={h.id}
            className={`card board-card${mark ? ` board-row-${mark}` : ''}${h.status === 'closed' ? ' board-row-closed' : ''}`}
          >
            <button type="button" className="board-card-btn" onClick={() => onOpen(h)}>
              <span className="board-card-top">
                <strong>{pickLabel(h)}</strong>
                <span className={h.ev >= 0 ? 'pos' : 'neg'}>{formatPercent(h.ev, 2)}</span>
              </span>
              <span className="board-card-event">{h.event}</span>
              <span className="board-card-meta muted">
                {marketLabel(h.market)} · {formatTime(h.commence_time, settings.timezone)} ·{' '}
                {ageLabel(h.first_seen_at, now)}
              </span>
              <span className="board-card-bottom">
                <BookBadge book={h.book} />
                <span className="num">
                  {formatOdds(h.price, settings.odds_format)}{' '}
                  <span className="muted">fair {formatOdds(h.fair_odds, settings.odds_format)}</span>
                </span>
                <span className="num">{stakeLabel(h, settings, currency)}</span>
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
