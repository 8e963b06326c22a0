import { EV_HISTOGRAM_EDGES, type EvHistogramBin } from '@evision/contract';

/** The bin of an EV (same rule as PostgreSQL's `width_bucket(ev, edges)`): 0 below the first edge. */
export function evBin(ev: number): number {
  let i = 0;
  while (i < EV_HISTOGRAM_EDGES.length && ev >= EV_HISTOGRAM_EDGES[i]) i++;
  return i;
}

/** Counts per bin (index = `evBin`) as the summary's `ev_histogram`, empty bins included. */
export function histogramOf(counts: ArrayLike<number>): EvHistogramBin[] {
  const edges = EV_HISTOGRAM_EDGES;
  const bins: EvHistogramBin[] = [];
  for (let i = 0; i <= edges.length; i++) {
    bins.push({
      from: i === 0 ? null : edges[i - 1],
      to: i === edges.length ? null : edges[i],
      count: counts[i] ?? 0,
    });
  }
  return bins;
}

export const HISTOGRAM_SQL_EDGES = `array[${EV_HISTOGRAM_EDGES.join(',')}]::float8[]`;
