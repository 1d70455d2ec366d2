/**
 * Descriptive statistics of one sample. Plain arrays in, numbers out; the units of the result
 * are those of the data (squared for the variance). Too few values give `NaN`, never a throw.
 */

/** Arithmetic mean; `NaN` for an empty sample. */
export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i]!;
  const m = sum / n;
  // one correction pass (two-pass mean): exact for constant samples, stable for large offsets
  let residual = 0;
  for (let i = 0; i < n; i++) residual += xs[i]! - m;
  return m + residual / n;
}

/** Unbiased sample variance (divisor `n - 1`), two-pass; `NaN` for fewer than 2 values. */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  let ss = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    ss += d * d;
    s += d;
  }
  // corrected two-pass algorithm (Chan, Golub, LeVeque): removes the rounding left in `m`
  return Math.max(0, (ss - (s * s) / n) / (n - 1));
}

/** Sample standard deviation `sqrt(variance)`; `NaN` for fewer than 2 values. */
export function standardDeviation(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/** Standard error of the mean, `sd / sqrt(n)`; `NaN` for fewer than 2 values. */
export function standardError(xs: ArrayLike<number>): number {
  return standardDeviation(xs) / Math.sqrt(xs.length);
}

/** Unbiased sample covariance of paired samples (equal lengths); `NaN` for fewer than 2 pairs. */
export function covariance(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  if (ys.length !== n)
    throw new RangeError(`ys must have the length of xs (${n}), got ${ys.length}`);
  if (n < 2) return Number.NaN;
  const mx = mean(xs);
  const my = mean(ys);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i]! - mx) * (ys[i]! - my);
  return s / (n - 1);
}

/** Largest value; `NaN` for an empty sample. */
export function maxOf(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) if (xs[i]! > m) m = xs[i]!;
  return m;
}

/**
 * Quantile of a sample sorted ascending, by linear interpolation between order statistics
 * (Hyndman-Fan type 7, the default of R and numpy). `p` in [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0 || !(p >= 0 && p <= 1)) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a === b ? a : a + (h - lo) * (b - a);
}
