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
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ms[i];
  // Selection rather than a sort: O(n) for a shift of jobs per station.
  return { count: n, mean: sum / n / 1000, p50: quantile(ms, 0.5) / 1000, p95: quantile(ms, 0.95) / 1000 };
}

/** The type-7 quantile of `xs`, which it reorders. */
export function quantile(xs: Float64Array, p: number): number {
  const n = xs.length;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = select(xs, lo);
  if (lo + 1 >= n || h === lo) return a;
  // After selecting rank lo, everything to its right is at least as large: the next rank is their minimum.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (xs[i] < b) b = xs[i];
  return a + (h - lo) * (b - a);
}

/** Hoare's selection: the value of rank k (0-based), leaving smaller values left of k and larger right. */
function select(xs: Float64Array, k: number): number {
  let left = 0;
  let right = xs.length - 1;
  while (right > left) {
    const pivot = xs[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (xs[i] < pivot) i++;
      while (xs[j] > pivot) j--;
      if (i <= j) {
        const t = xs[i];
        xs[i] = xs[j];
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return xs[k];
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
