import { type DepthBin, fitFillIntensity } from '@mm/backtest';

/** `lambda(d) = A e^{-k d}`: market orders per second reaching depth `d` from the mid. */
export interface OrderIntensityFit {
  /** Orders per second reaching depth 0 (at the mid). */
  aPerSec: number;
  /** Decay per price unit. */
  kPerPrice: number;
  aStdError: number;
  kStdError: number;
  /** Pearson chi-square of the bin counts per degree of freedom (`bins - 2`); `NaN` if dof < 1. */
  chi2PerDof: number;
  bins: number;
  orders: number;
}

/** Bins of the depth histogram at most (wider bins, in whole ticks, beyond that). */
const MAX_BINS = 60;
/** Depths fitted: up to this quantile of the orders' depths. */
const TAIL_QUANTILE = 0.99;

/**
 * Fit `lambda(d) = A e^{-k d}` (the rate of market orders that reach depth `d` or beyond, i.e.
 * the fill rate of a quote at distance `d` from the mid) to orders' depths over `durationSec`.
 * Counts in disjoint depth bins `[a_i, a_i + w)` are independent Poisson with mean
 * `T (lambda(a_i) - lambda(a_i + w)) = T A (1 - e^{-k w}) e^{-k a_i}`: an exponential in the bin's
 * lower edge, fitted by Poisson maximum likelihood (`fitFillIntensity`, exposure T), then
 * `A = A' / (1 - e^{-k w})`. Bins of one tick (wider if more than 60) from `fromPrice` (a multiple
 * of the tick) up to the 99th percentile of the depths; `orders` counts those fitted. Throws (from the fit) when fewer than two bins hold orders.
 */
export function fitOrderIntensity(
  depthsPrice: readonly number[],
  durationSec: number,
  tickPrice: number,
  fromPrice = 0,
): OrderIntensityFit {
  if (!(durationSec > 0)) throw new RangeError(`durationSec must be > 0, got ${durationSec}`);
  if (!(tickPrice > 0)) throw new RangeError(`tickPrice must be > 0, got ${tickPrice}`);
  const sorted = depthsPrice.filter((d) => d >= fromPrice).sort((a, b) => a - b);
  const used = sorted.length;
  // bins up to the 99th percentile: each bin's count is its own Poisson term, so leaving out the
  // sparse far tail (single deep sweeps) loses little and biases nothing
  const max = used > 0 ? sorted[Math.min(used - 1, Math.floor(TAIL_QUANTILE * used))]! : fromPrice;
  const ticksSpan = Math.floor((max - fromPrice) / tickPrice + 1e-9) + 1;
  const widthTicks = Math.max(1, Math.ceil(ticksSpan / MAX_BINS));
  const w = widthTicks * tickPrice;
  const nBins = Math.floor((max - fromPrice) / w + 1e-9) + 1;
  const counts = new Float64Array(nBins);
  for (const d of sorted) {
    const i = Math.floor((d - fromPrice) / w + 1e-9);
    if (i < nBins) counts[i]!++;
  }
  const bins: DepthBin[] = [];
  for (let i = 0; i < nBins; i++) {
    const lower = fromPrice + i * w;
    bins.push({
      depthPrice: lower,
      lowerPrice: lower,
      upperPrice: lower + w,
      exposureSec: durationSec,
      fills: counts[i]!,
      ratePerSec: counts[i]! / durationSec,
    });
  }
  const fit = fitFillIntensity(bins, { method: 'poissonMle' });
  const factor = 1 - Math.exp(-fit.kPerPrice * w);
  return {
    aPerSec: fit.aPerSec / factor,
    kPerPrice: fit.kPerPrice,
    // the factor's own uncertainty is second order next to A's: scale A's standard error only
    aStdError: fit.aStdError / factor,
    kStdError: fit.kStdError,
    chi2PerDof: fit.dof >= 1 ? fit.chiSquare / fit.dof : Number.NaN,
    bins: fit.binsUsed,
    orders: fit.fills,
  };
}
