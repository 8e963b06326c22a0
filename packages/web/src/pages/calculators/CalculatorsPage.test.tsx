import { expectedValue, kelly } from '@evision/ev-core';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatPercent } from '../../lib/format';
import type { ExtraRoute } from '../../routes/extra';
import { jsonResponse, renderApp } from '../../test-utils';

// The server app cannot be built inside this jsdom project (its test helpers need the server
// project's PGlite template), so the EV/Kelly numbers are checked against the ev-core calls
// POST /api/tools/ev makes (expectedValue, kelly; stake = bankroll × kelly × fraction) and
// against hand-computed values.
const routes: ExtraRoute[] = [
  { path: '/calculators', load: () => import('./CalculatorsPage'), auth: 'public' },
];

async function setField(label: string | RegExp, value: string, scope?: HTMLElement) {
  const input = scope ? within(scope).getByLabelText(label) : await screen.findByLabelText(label);
  await userEvent.clear(input);
  if (value !== '') await userEvent.type(input, value);
}

function section(name: string): HTMLElement {
  return screen.getByRole('region', { name });
}

describe('CalculatorsPage', () => {
  beforeEach(() => {
    vi.stubGlobal('fetch', async () => jsonResponse(401, { error: { code: 'no_session', message: 'none' } }));
  });
  afterEach(() => vi.unstubAllGlobals());

  it('EV and Kelly equal ev-core (the server tool) for a price, a fair probability, fraction and bankroll', async () => {
    renderApp('/calculators', { routes });
    await screen.findByRole('heading', { name: 'Calculators' });
    const ev = section('EV and Kelly stake');
    await setField('Price offered', '2.3', ev);
    await setField('Fair probability %', '48', ev);
    await setField('Kelly fraction', '0.5', ev);
    await setField('Bankroll', '1000', ev);
    const k = kelly(0.48, 2.3);
    expect(within(ev).getByTestId('ev-value')).toHaveTextContent(formatPercent(expectedValue(0.48, 2.3), 2));
    expect(within(ev).getByTestId('ev-value').textContent).toMatch(/10\.40/); // 0.48 × 2.3 − 1
    expect(within(ev).getByTestId('ev-kelly')).toHaveTextContent(formatPercent(k, 2));
    expect(k).toBeCloseTo((0.48 * 2.3 - 1) / 1.3, 12);
    expect(within(ev).getByTestId('ev-stake')).toHaveTextContent((1000 * k * 0.5).toFixed(2)); // 40.00
    expect(within(ev).getByTestId('ev-stake')).toHaveTextContent('40.00');
  });

  it('names the bad field instead of showing numbers (bad price, probability out of range, fraction > 1)', async () => {
    renderApp('/calculators', { routes });
    await screen.findByRole('heading', { name: 'Calculators' });
    const ev = section('EV and Kelly stake');
    await setField('Price offered', '0.9', ev);
    expect(within(ev).getByRole('alert')).toHaveTextContent(/greater than 1/);
    expect(within(ev).queryByTestId('ev-out')).toBeNull();
    await setField('Price offered', '2.0', ev);
    await setField('Fair probability %', '120', ev);
    expect(within(ev).getByRole('alert')).toHaveTextContent(/Fair probability/);
    await setField('Fair probability %', '55', ev);
    await setField('Kelly fraction', '3', ev);
    expect(within(ev).getByRole('alert')).toHaveTextContent(/Kelly fraction must be at most 1/);
  });

  it('converts American odds to every format', async () => {
    renderApp('/calculators', { routes });
    await screen.findByRole('heading', { name: 'Calculators' });
    const conv = section('Odds converter');
    await userEvent.selectOptions(within(conv).getByLabelText('Format'), 'american');
    await setField('Price', '-200', conv);
    const out = within(conv).getByTestId('conv-out');
    expect(out).toHaveTextContent('1.500');
    expect(out).toHaveTextContent('1/2');
    expect(out).toHaveTextContent(formatPercent(2 / 3, 2));
    await setField('Price', '50', conv);
    expect(within(conv).getByRole('alert')).toHaveTextContent(/American odds must be/);
  });

  it('devigs with every method side by side and reports a one-outcome market', async () => {
    renderApp('/calculators', { routes });
    await screen.findByRole('heading', { name: 'Calculators' });
    const dv = section('Devig: every method');
    await setField(/One book's prices/, '1.91, 1.91', dv);
    const rows = within(dv).getAllByRole('row');
    expect(rows).toHaveLength(1 + 7);
    expect(within(dv).getByRole('row', { name: /Shin/ })).toHaveTextContent(formatPercent(0.5, 2));
    await setField(/One book's prices/, '1.91', dv);
    expect(within(dv).getByRole('alert')).toHaveTextContent(/at least two/);
  });

  it('splits an arbitrage so each result returns the same and flags a market with margin', async () => {
    renderApp('/calculators', { routes });
    await screen.findByRole('heading', { name: 'Calculators' });
    const arb = section('Arbitrage split');
    await setField('Prices', '2.2, 2.1', arb);
    await setField('Total stake', '100', arb);
    expect(within(arb).getByText('Arbitrage')).toBeInTheDocument();
    // Σ 1/o = 0.930736; return = 100 / 0.930736 = 107.44; stakes 48.84 / 51.16
    expect(within(arb).getByTestId('arb-profit')).toHaveTextContent('7.44');
    expect(within(arb).getByText('48.84')).toBeInTheDocument();
    expect(within(arb).getByText('51.16')).toBeInTheDocument();
    await setField('Prices', '1.9, 1.9', arb);
    expect(within(arb).getByText('No arbitrage')).toBeInTheDocument();
    await setField('Total stake', '-5', arb);
    expect(within(arb).getByRole('alert')).toHaveTextContent(/Total stake must be/);
  });
});
