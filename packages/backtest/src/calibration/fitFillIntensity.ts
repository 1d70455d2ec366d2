import type { DepthBin } from './depthBins.js';

/** Exponential fill intensity `lambda(d) = A e^{-k d}` fitted to depth bins. */
export interface FillIntensityFit {
  /** Intensity at depth 0, fills per second. */
  aPerSec: number;
  /** Decay, per price unit. */
  kPerPrice: number;
  /** Standard errors: of A (delta method from log A), fills per second; of k, per price unit. */
  aStdError: number;
  kStdError: number;
  /** `ln A` and its standard error, and `Cov(ln A, k)` (for intervals on predicted rates). */
  logA: number;
  logAStdError: number;
  covLogAK: number;
  /** Bins that entered the fit, and their total fills. */
  binsUsed: number;
  fills: number;
  /**
   * Pearson goodness of fit `sum (N - mu)^2 / mu` over the bins used, with `binsUsed - 2`
   * degrees of freedom: much larger than `dof` says the exponential shape does not fit.
   */
  chiSquare: number;
  dof: number;
  method: FillFitMethod;
}

/**
 * 'wls': weighted least squares of `ln(rate)` on depth, weights = fills (the delta-method
 * inverse variance of a log Poisson rate, `Var ln(N/T) ~ 1/N`); bins without fills are left out.
 * 'poissonMle': the Poisson maximum-likelihood fit (iteratively reweighted least squares of the
 * same regression, weights = fitted fills), started from 'wls'; uses bins without fills too and
 * has no small-count bias.
 */
export type FillFitMethod = 'wls' | 'poissonMle';

/** Options of {@link fitFillIntensity}. */
export interface FillFitOptions {
  method?: FillFitMethod;
  /** Newton iterations of 'poissonMle' at most (default 50). */
  maxIterations?: number;
}

/**
 * Fit `A, k` of `lambda(d) = A e^{-k d}` to observed depth bins by weighted least squares of
 * `ln(fills/exposure)` on depth (see {@link FillFitMethod}). Standard errors come from the
 * inverse of `X' W X` (the Poisson information), i.e. they assume the exponential model and
 * independent Poisson fills; check `chiSquare` against `dof`. Needs fills in at least two bins of
 * different depth; throws otherwise.
 */
export function fitFillIntensity(
  bins: readonly DepthBin[],
  options: FillFitOptions = {},
): FillIntensityFit {
  const method = options.method ?? 'wls';
  const withFills = bins.filter((b) => b.fills > 0 && b.exposureSec > 0);
  const depths = new Set(withFills.map((b) => b.depthPrice));
  if (depths.size < 2)
    throw new RangeError(
      `bins must hold fills at two or more distinct depths to fit A and k, got ${depths.size}`,
    );
  // WLS of y = ln(rate) = a + b d with weights w = N, centred at the weighted mean depth
  let s0 = 0;
  let s1 = 0;
  for (const bin of withFills) {
    s0 += bin.fills;
    s1 += bin.fills * bin.depthPrice;
  }
  const dBar = s1 / s0;
  let sxx = 0;
  let sxy = 0;
  let sy = 0;
  for (const bin of withFills) {
    const x = bin.depthPrice - dBar;
    const y = Math.log(bin.fills / bin.exposureSec);
    sxx += bin.fills * x * x;
    sxy += bin.fills * x * y;
    sy += bin.fills * y;
  }
  let slope = sxy / sxx;
  let intercept = sy / s0; // at dBar
  let used: readonly DepthBin[] = withFills;
  let info = { s0, s1: 0, s2: sxx }; // information in centred coordinates

  if (method === 'poissonMle') {
    used = bins.filter((b) => b.exposureSec > 0);
    const maxIterations = options.maxIterations ?? 50;
    for (let it = 0; it < maxIterations; it++) {
      let g0 = 0;
      let g1 = 0;
      let i00 = 0;
      let i01 = 0;
      let i11 = 0;
      for (const bin of used) {
        const x = bin.depthPrice - dBar;
        const mu = bin.exposureSec * Math.exp(intercept + slope * x);
        g0 += bin.fills - mu;
        g1 += (bin.fills - mu) * x;
        i00 += mu;
        i01 += mu * x;
        i11 += mu * x * x;
      }
      const det = i00 * i11 - i01 * i01;
      const da = (i11 * g0 - i01 * g1) / det;
      const db = (i00 * g1 - i01 * g0) / det;
      intercept += da;
      slope += db;
      info = { s0: i00, s1: i01, s2: i11 };
      if (Math.abs(da) < 1e-12 && Math.abs(db) * Math.sqrt(i11 / i00 || 1) < 1e-12) break;
    }
    // information at the final estimate
    let i00 = 0;
    let i01 = 0;
    let i11 = 0;
    for (const bin of used) {
      const x = bin.depthPrice - dBar;
      const mu = bin.exposureSec * Math.exp(intercept + slope * x);
      i00 += mu;
      i01 += mu * x;
      i11 += mu * x * x;
    }
    info = { s0: i00, s1: i01, s2: i11 };
  }

  // covariance of (intercept at dBar, slope): inverse of the 2x2 information
  const det = info.s0 * info.s2 - info.s1 * info.s1;
  const varC = info.s2 / det;
  const varB = info.s0 / det;
  const covCB = -info.s1 / det;
  // back to d = 0: ln A = c - b dBar
  const logA = intercept - slope * dBar;
  const varLogA = varC - 2 * dBar * covCB + dBar * dBar * varB;
  const covLogAB = covCB - dBar * varB;
  const aPerSec = Math.exp(logA);
  const kPerPrice = -slope;

  let chiSquare = 0;
  let fills = 0;
  for (const bin of used) {
    const mu = bin.exposureSec * aPerSec * Math.exp(-kPerPrice * bin.depthPrice);
    chiSquare += ((bin.fills - mu) * (bin.fills - mu)) / mu;
    fills += bin.fills;
  }
  const logAStdError = Math.sqrt(Math.max(0, varLogA));
  return {
    aPerSec,
    kPerPrice,
    aStdError: aPerSec * logAStdError,
    kStdError: Math.sqrt(Math.max(0, varB)),
    logA,
    logAStdError,
    covLogAK: -covLogAB,
    binsUsed: used.length,
    fills,
    chiSquare,
    dof: used.length - 2,
    method,
  };
}

/** Model intensity `A e^{-k d}` of a fit at `depthPrice`, fills per second. */
export function predictedFillRate(fit: FillIntensityFit, depthPrice: number): number {
  return fit.aPerSec * Math.exp(-fit.kPerPrice * depthPrice);
}
