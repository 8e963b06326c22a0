import { fromDecimal, type OddsFormat } from '@evision/ev-core';
import { useState } from 'react';
import { formatPercent } from '../../lib/format';
import { devigAll, evKelly, METHOD_LABELS, type Parsed, parseAmount, parsePrice, split } from './calc';
import { FORMAT_LABELS, FormatSelect, money, Problem, splitList, TextField } from './fields';

function show(decimal: number, format: OddsFormat): string {
  const v = fromDecimal(decimal, format);
  if (format === 'american') return `${(v as number) > 0 ? '+' : ''}${v}`;
  if (format === 'implied') return formatPercent(v as number, 2);
  if (format === 'decimal') return (v as number).toFixed(3);
  return String(v);
}

function parseAll(text: string, format: OddsFormat): { prices: number[]; error?: string } {
  const parts = splitList(text);
  const prices: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parsePrice(parts[i] as string, format);
    if (!p.ok) return { prices, error: `Price ${i + 1}: ${p.error}` };
    prices.push(p.value);
  }
  return { prices };
}

export function Converter({ initialFormat }: { initialFormat: OddsFormat }) {
  const [format, setFormat] = useState<OddsFormat>(initialFormat);
  const [text, setText] = useState(
    initialFormat === 'american' ? '+150' : initialFormat === 'fractional' ? '3/2' : '2.5',
  );
  const parsed = parsePrice(text, format);
  return (
    <section className="card calc-card" aria-labelledby="calc-conv-h">
      <h2 id="calc-conv-h">Odds converter</h2>
      <div className="calc-row">
        <FormatSelect id="conv-format" value={format} onChange={setFormat} />
        <TextField id="conv-price" label="Price" value={text} onChange={setText} />
      </div>
      {parsed.ok ? (
        <dl className="calc-out" data-testid="conv-out">
          {(Object.keys(FORMAT_LABELS) as OddsFormat[]).map((f) => (
            <div key={f} className="stat">
              <dt className="stat-label">{FORMAT_LABELS[f]}</dt>
              <dd className="stat-value">{show(parsed.value, f)}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <Problem>{parsed.error}</Problem>
      )}
    </section>
  );
}

export function Devig({ initialFormat }: { initialFormat: OddsFormat }) {
  const [format, setFormat] = useState<OddsFormat>(initialFormat === 'implied' ? 'decimal' : initialFormat);
  const [text, setText] = useState(format === 'decimal' ? '1.91, 1.91' : '');
  const { prices, error } = parseAll(text, format);
  const tooFew = !error && prices.length < 2;
  const rows = !error && !tooFew ? devigAll(prices) : [];
  return (
    <section className="card calc-card calc-wide" aria-labelledby="calc-devig-h">
      <h2 id="calc-devig-h">Devig: every method</h2>
      <div className="calc-row">
        <FormatSelect id="devig-format" value={format} onChange={setFormat} withImplied={false} />
        <TextField
          id="devig-prices"
          label="One book's prices (all outcomes)"
          value={text}
          onChange={setText}
          placeholder="2.10, 3.40, 3.60"
          hint="Comma-separated, every outcome of the market."
        />
      </div>
      {error && <Problem>{error}</Problem>}
      {tooFew && <Problem>Enter at least two prices: a market needs every outcome.</Problem>}
      {rows.length > 0 && (
        <>
          <p className="calc-note">
            Book margin{' '}
            <strong className="num">{formatPercent(prices.reduce((s, o) => s + 1 / o, 0) - 1, 2)}</strong>
          </p>
          <div className="calc-scroll">
            <table className="table calc-devig-table">
              <thead>
                <tr>
                  <th scope="col">Method</th>
                  {prices.map((o, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: outcomes are positional
                    <th key={i} scope="col" className="num">
                      #{i + 1} <span className="calc-muted">{show(o, format)}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.method}>
                    <th scope="row">{METHOD_LABELS[row.method]}</th>
                    {'error' in row ? (
                      <td colSpan={prices.length} className="calc-muted">
                        {row.error}
                      </td>
                    ) : (
                      row.result.probabilities.map((p, i) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: outcomes are positional
                        <td key={i} className="num">
                          {formatPercent(p, 2)}
                          <br />
                          <span className="calc-muted">{show(row.result.fairOdds[i] as number, format)}</span>
                        </td>
                      ))
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

export function EvKelly(props: {
  initialFormat: OddsFormat;
  kellyFraction: number;
  bankroll: number | null;
}) {
  const [format, setFormat] = useState<OddsFormat>(
    props.initialFormat === 'implied' ? 'decimal' : props.initialFormat,
  );
  const [price, setPrice] = useState(format === 'decimal' ? '2.10' : '');
  const [fair, setFair] = useState('50');
  const [fraction, setFraction] = useState(String(props.kellyFraction));
  const [bankroll, setBankroll] = useState(props.bankroll === null ? '' : String(props.bankroll));

  const pr = parsePrice(price, format);
  const pct = Number(fair.trim());
  const p: Parsed =
    fair.trim() !== '' && pct > 0 && pct < 100
      ? { ok: true, value: pct / 100 }
      : { ok: false, error: 'Fair probability must be a percentage between 0 and 100 (exclusive).' };
  const fr = parseAmount(fraction, 'Kelly fraction', 1);
  const br = bankroll.trim() === '' ? null : parseAmount(bankroll, 'Bankroll');
  const problems = [pr, p, fr, br].filter((x): x is Extract<Parsed, { ok: false }> => !!x && !x.ok);
  const out =
    problems.length === 0 && pr.ok && p.ok && fr.ok
      ? evKelly(p.value, pr.value, fr.value, br?.ok ? br.value : null)
      : null;
  return (
    <section className="card calc-card" aria-labelledby="calc-ev-h">
      <h2 id="calc-ev-h">EV and Kelly stake</h2>
      <div className="calc-row">
        <FormatSelect id="ev-format" value={format} onChange={setFormat} withImplied={false} />
        <TextField id="ev-price" label="Price offered" value={price} onChange={setPrice} />
        <TextField id="ev-fair" label="Fair probability %" value={fair} onChange={setFair} />
        <TextField
          id="ev-fraction"
          label="Kelly fraction"
          value={fraction}
          onChange={setFraction}
          hint="0.25 = quarter Kelly"
        />
        <TextField
          id="ev-bankroll"
          label="Bankroll"
          value={bankroll}
          onChange={setBankroll}
          placeholder="optional"
        />
      </div>
      {problems.map((x) => (
        <Problem key={x.error}>{x.error}</Problem>
      ))}
      {out && (
        <dl className="calc-out" data-testid="ev-out">
          <div className="stat">
            <dt className="stat-label">EV</dt>
            <dd
              className={`stat-value ${out.ev > 0 ? 'pos' : out.ev < 0 ? 'neg' : ''}`}
              data-testid="ev-value"
            >
              {formatPercent(out.ev, 2)}
            </dd>
          </div>
          <div className="stat">
            <dt className="stat-label">Full Kelly</dt>
            <dd className="stat-value" data-testid="ev-kelly">
              {formatPercent(out.kelly, 2)}
            </dd>
          </div>
          <div className="stat">
            <dt className="stat-label">Your share ({fraction}×)</dt>
            <dd className="stat-value" data-testid="ev-share">
              {formatPercent(out.kelly * Number(fraction), 2)}
            </dd>
          </div>
          <div className="stat">
            <dt className="stat-label">Stake</dt>
            <dd className="stat-value" data-testid="ev-stake">
              {out.stake === null ? 'add a bankroll' : money(out.stake)}
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}

export function Split(props: { kind: 'dutch' | 'arb'; initialFormat: OddsFormat }) {
  const arb = props.kind === 'arb';
  const [format, setFormat] = useState<OddsFormat>(
    props.initialFormat === 'implied' ? 'decimal' : props.initialFormat,
  );
  const [text, setText] = useState(format !== 'decimal' ? '' : arb ? '2.10, 2.05' : '4.5, 6.0, 8.0');
  const [total, setTotal] = useState('100');
  const { prices, error } = parseAll(text, format);
  const t = parseAmount(total, 'Total stake');
  const tooFew = !error && prices.length < (arb ? 2 : 1);
  const out = !error && !tooFew && t.ok ? split(prices, t.value) : null;
  const id = props.kind;
  return (
    <section className="card calc-card" aria-labelledby={`calc-${id}-h`}>
      <h2 id={`calc-${id}-h`}>{arb ? 'Arbitrage split' : 'Dutching'}</h2>
      <p className="calc-note calc-muted">
        {arb
          ? 'The best price for each outcome of one market, from any books.'
          : 'Back several selections so each returns the same amount.'}
      </p>
      <div className="calc-row">
        <FormatSelect id={`${id}-format`} value={format} onChange={setFormat} withImplied={false} />
        <TextField
          id={`${id}-prices`}
          label="Prices"
          value={text}
          onChange={setText}
          placeholder="2.10, 2.05"
        />
        <TextField id={`${id}-total`} label="Total stake" value={total} onChange={setTotal} />
      </div>
      {error && <Problem>{error}</Problem>}
      {tooFew && (
        <Problem>
          {arb ? 'Enter a price for every outcome (at least two).' : 'Enter at least one price.'}
        </Problem>
      )}
      {!t.ok && <Problem>{t.error}</Problem>}
      {out && (
        <>
          <dl className="calc-out" data-testid={`${id}-out`}>
            {arb && (
              <div className="stat">
                <dt className="stat-label">Verdict</dt>
                <dd className="stat-value">
                  <span className={`badge ${out.margin < 0 ? 'pos' : 'neg'}`}>
                    {out.margin < 0 ? 'Arbitrage' : 'No arbitrage'}
                  </span>
                </dd>
              </div>
            )}
            <div className="stat">
              <dt className="stat-label">Return on any result</dt>
              <dd className="stat-value">{money(out.payout)}</dd>
            </div>
            <div className="stat">
              <dt className="stat-label">Profit</dt>
              <dd
                className={`stat-value ${out.profit > 0 ? 'pos' : out.profit < 0 ? 'neg' : ''}`}
                data-testid={`${id}-profit`}
              >
                {money(out.profit)} ({formatPercent(out.profit / (t.ok ? t.value : 1), 2)})
              </dd>
            </div>
          </dl>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col" className="num">
                  Price
                </th>
                <th scope="col" className="num">
                  Stake
                </th>
              </tr>
            </thead>
            <tbody>
              {out.stakes.map((s, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: legs are positional
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td className="num">{show(prices[i] as number, format)}</td>
                  <td className="num">{money(s)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
