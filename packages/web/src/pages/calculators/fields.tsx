import type { OddsFormat } from '@evision/ev-core';
import type { ReactNode } from 'react';

export const FORMAT_LABELS: Record<OddsFormat, string> = {
  decimal: 'Decimal',
  american: 'American',
  fractional: 'Fractional',
  implied: 'Implied probability',
};

const FORMATS = Object.keys(FORMAT_LABELS) as OddsFormat[];

export function FormatSelect(props: {
  id: string;
  value: OddsFormat;
  onChange: (f: OddsFormat) => void;
  withImplied?: boolean;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>Format</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as OddsFormat)}
      >
        {FORMATS.filter((f) => props.withImplied !== false || f !== 'implied').map((f) => (
          <option key={f} value={f}>
            {FORMAT_LABELS[f]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  hint?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode="decimal"
        autoComplete="off"
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint && <small className="calc-hint">{props.hint}</small>}
    </div>
  );
}

export function Problem({ children }: { children: ReactNode }) {
  return (
    <p className="calc-problem" role="alert">
      {children}
    </p>
  );
}

/** "2.1, 3.4, 3.6" (or one per line) → the pieces, blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[,;\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function money(n: number): string {
  return Number.isFinite(n) ? n.toFixed(2) : '—';
}
