import { useSettings } from '../../lib/settings';
import './calculators.css';
import { Converter, Devig, EvKelly, Split } from './sections';

/** Odds tools that run entirely in the browser with @evision/ev-core. */
export default function CalculatorsPage() {
  const { settings } = useSettings();
  const format = settings.odds_format;
  return (
    <div className="page calc-page">
      <header className="page-header">
        <h1>Calculators</h1>
      </header>
      <div className="calc-grid">
        <Converter initialFormat={format} />
        <EvKelly
          initialFormat={format}
          kellyFraction={settings.kelly_fraction}
          bankroll={settings.bankroll}
        />
        <Devig initialFormat={format} />
        <Split kind="dutch" initialFormat={format} />
        <Split kind="arb" initialFormat={format} />
      </div>
    </div>
  );
}
