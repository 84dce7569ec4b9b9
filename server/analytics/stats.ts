/** Small numeric summaries for the KPIs. */

export type Summary = {
  count: number;
  /** Seconds; null when there is nothing to summarise. */
  mean: number | null;
  p50: number | null;
  p95: number | null;
};

/**
 * Count, mean and the 50th and 95th percentiles of `ms` (sorted in place), in seconds. Percentiles
 * interpolate linearly between the two nearest ranks (the common "type 7" definition, as in
 * spreadsheets and numpy): p at position (n - 1) * p of the sorted values.
 */
export function summarise(ms: Float64Array): Summary {
  const n = ms.length;
  if (n === 0) return { count: 0, mean: null, p50: null, p95: null };
  ms.sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ms[i];
  return { count: n, mean: sum / n / 1000, p50: quantileSorted(ms, 0.5) / 1000, p95: quantileSorted(ms, 0.95) / 1000 };
}

export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** a / b, or null when either is unknown or b is 0. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

/** Rounds for output: enough digits for any use, none of the float noise. */
export function round(x: number | null, digits = 6): number | null {
  if (x === null || !Number.isFinite(x)) return x === null ? null : x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
