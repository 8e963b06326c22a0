import type { OddsFormat } from '../../lib/format';
import { formatOdds, formatPercent } from '../../lib/format';
import { bestEdge, type Line } from './lines';
import './odds.css';

function pointLabel(p: number | null): string {
  if (p === null) return '';
  return ` ${p > 0 ? '+' : ''}${p}`;
}

/** A market's lines: fair price, best price (and book), then every book's price with the best marked. */
export function MarketLines({
  lines,
  format,
  caption,
}: {
  lines: Line[];
  format: OddsFormat;
  caption: string;
}) {
  if (lines.length === 0) return <p className="empty">No prices for this market.</p>;
  return (
    <table className="table odds-lines">
      <caption className="odds-caption">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Outcome</th>
          <th scope="col" className="num">
            Fair
          </th>
          <th scope="col" className="num">
            Best
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => {
          const edge = bestEdge(l);
          return (
            <tr key={`${l.name}|${l.point ?? ''}`}>
              <th scope="row" className="odds-outcome">
                {l.name}
                {pointLabel(l.point)}
                <ul className="odds-books" aria-label={`${l.name}${pointLabel(l.point)} at every book`}>
                  {l.quotes.map((q) => (
                    <li key={q.book} className={q.price === l.best ? 'odds-best' : undefined}>
                      <span className="odds-book">{q.title}</span>{' '}
                      <span className="num">{formatOdds(q.price, format)}</span>
                    </li>
                  ))}
                </ul>
              </th>
              <td className="num">
                {l.fair ? (
                  <>
                    {formatOdds(l.fair.price, format)}
                    <br />
                    <span className="odds-muted">{formatPercent(l.fair.probability)}</span>
                  </>
                ) : (
                  <span className="odds-muted" title="Not enough fresh sharp books for a fair line">
                    —
                  </span>
                )}
              </td>
              <td className="num">
                <strong data-testid="odds-best">{l.best === null ? '—' : formatOdds(l.best, format)}</strong>
                <br />
                <span className="odds-muted">{l.quotes[0]?.title}</span>
                {edge !== null && (
                  <>
                    <br />
                    <span className={edge > 0 ? 'pos' : 'neg'}>{formatPercent(edge)}</span>
                  </>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
