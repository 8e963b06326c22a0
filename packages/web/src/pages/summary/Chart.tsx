import { useEffect, useRef } from 'react';

export interface Series {
  label: string;
  values: Array<number | null>;
  /** CSS variable name for the colour, e.g. '--accent'. */
  color: string;
  kind: 'bars' | 'line';
  /** Second y scale (right axis), e.g. a percentage beside counts. */
  scale?: 'y2';
}

function cssVar(name: string, fallback: string): string {
  if (typeof getComputedStyle !== 'function') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/**
 * A uPlot chart, loaded lazily (uPlot is only fetched when a chart mounts). `x` are indexes for a
 * category chart (with `categories` as tick labels) or Unix seconds for a time chart. The data
 * is also given as a table by the caller, so nothing depends on the canvas.
 */
export function Chart(props: {
  x: number[];
  series: Series[];
  categories?: string[];
  time?: boolean;
  height?: number;
  yFormat?: (v: number) => string;
  y2Format?: (v: number) => string;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const { x, series, categories, time, height = 180, yFormat, y2Format, label } = props;

  useEffect(() => {
    const el = ref.current;
    if (!el || x.length === 0) return;
    let plot: { destroy: () => void; setSize: (s: { width: number; height: number }) => void } | null = null;
    let observer: ResizeObserver | null = null;
    let cancelled = false;
    (async () => {
      try {
        const [{ default: uPlot }] = await Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]);
        if (cancelled) return;
        const text = cssVar('--muted', '#888');
        const grid = cssVar('--border', '#333');
        const axis = (fmt?: (v: number) => string) => ({
          stroke: text,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          size: 44,
          values: fmt ? (_u: unknown, vals: number[]) => vals.map((v) => fmt(v)) : undefined,
        });
        const bars = uPlot.paths.bars?.({ size: [0.7, 48] });
        const opts = {
          width: Math.max(200, el.clientWidth),
          height,
          legend: { show: series.length > 1 },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: time ? { time: true } : { time: false, range: [-0.5, x.length - 0.5] as [number, number] },
            y: {
              range: (_u: unknown, _min: number, max: number) =>
                [0, max > 0 ? max * 1.1 : 1] as [number, number],
            },
            y2: {},
          },
          axes: [
            {
              ...axis(),
              values: categories
                ? (_u: unknown, vals: number[]) =>
                    vals.map((v) => (Number.isInteger(v) ? (categories[v] ?? '') : ''))
                : undefined,
              ...(categories ? { incrs: [1], size: 36 } : {}),
            },
            axis(yFormat),
            ...(series.some((s) => s.scale === 'y2')
              ? [{ ...axis(y2Format), scale: 'y2', side: 1, grid: { show: false } }]
              : []),
          ],
          series: [
            {},
            ...series.map((s) => {
              const c = cssVar(s.color, '#4a90e2');
              return s.kind === 'bars'
                ? {
                    label: s.label,
                    fill: c,
                    stroke: c,
                    paths: bars,
                    points: { show: false },
                    scale: s.scale ?? 'y',
                  }
                : { label: s.label, stroke: c, width: 2, scale: s.scale ?? 'y', spanGaps: true };
            }),
          ],
        };
        plot = new uPlot(opts as never, [x, ...series.map((s) => s.values)] as never, el);
        if (typeof ResizeObserver === 'function') {
          observer = new ResizeObserver(() =>
            plot?.setSize({ width: Math.max(200, el.clientWidth), height }),
          );
          observer.observe(el);
        }
      } catch {
        // No canvas (tests, very old browsers): the table beside the chart still holds the data.
      }
    })();
    return () => {
      cancelled = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [x, series, categories, time, height, yFormat, y2Format]);

  return <div ref={ref} className="summary-chart" role="img" aria-label={label} />;
}
