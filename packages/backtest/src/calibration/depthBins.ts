/** A stretch of time during which one of our quotes rested at a fixed depth. */
export interface QuoteExposure {
  /** Distance of the quote from the mid, price units (>= 0). */
  depthPrice: number;
  /** How long it rested at that depth, seconds (>= 0). */
  exposureSec: number;
  /** Fills received meanwhile (one lot each). */
  fills: number;
}

/** Exposures pooled over a depth interval: the observed fill rate at that depth. */
export interface DepthBin {
  /** Exposure-weighted mean depth of the bin, price units (the regressor). */
  depthPrice: number;
  /** Bin edges, price units: `[lowerPrice, upperPrice)` (the last bin includes its upper edge). */
  lowerPrice: number;
  upperPrice: number;
  /** Total resting time in the bin, seconds. */
  exposureSec: number;
  /** Total fills in the bin. */
  fills: number;
  /** Observed intensity `fills / exposureSec`, fills per second (the Poisson MLE). */
  ratePerSec: number;
}

/** Options of {@link binExposures}: explicit edges, or `binCount` equal-width bins over the data. */
export interface BinOptions {
  /** Increasing bin edges, price units; exposures outside [first, last] are dropped. */
  edgesPrice?: readonly number[];
  /** Number of equal-width bins between the smallest and largest depth (default 12). */
  binCount?: number;
}

/**
 * Pool quote exposures into depth bins. Fills and time add up; the bin's depth is the
 * exposure-weighted mean depth (for `A e^{-k d}` the bin's rate is then biased up by about
 * `k^2 Var(d | bin) / 2`, relative: keep bins narrow against `1/k`). Bins without exposure are
 * omitted. Throws naming the field on a negative or non-finite input.
 */
export function binExposures(
  exposures: readonly QuoteExposure[],
  options: BinOptions = {},
): DepthBin[] {
  exposures.forEach((e, i) => {
    if (!(Number.isFinite(e.depthPrice) && e.depthPrice >= 0))
      throw new RangeError(
        `exposures[${i}].depthPrice must be finite and >= 0, got ${e.depthPrice}`,
      );
    if (!(Number.isFinite(e.exposureSec) && e.exposureSec >= 0))
      throw new RangeError(
        `exposures[${i}].exposureSec must be finite and >= 0, got ${e.exposureSec}`,
      );
    if (!(Number.isFinite(e.fills) && e.fills >= 0))
      throw new RangeError(`exposures[${i}].fills must be finite and >= 0, got ${e.fills}`);
  });
  const edges = options.edgesPrice ?? equalWidthEdges(exposures, options.binCount ?? 12);
  for (let i = 1; i < edges.length; i++)
    if (!(edges[i]! > edges[i - 1]!))
      throw new RangeError(`edgesPrice must be strictly increasing (at index ${i})`);
  const bins = edges.length - 1;
  if (bins < 1) return [];
  const time = new Float64Array(bins);
  const fills = new Float64Array(bins);
  const depthTime = new Float64Array(bins);
  const lo = edges[0]!;
  const hi = edges[bins]!;
  for (const e of exposures) {
    if (e.depthPrice < lo || e.depthPrice > hi) continue;
    const b = binIndex(edges, e.depthPrice);
    time[b]! += e.exposureSec;
    fills[b]! += e.fills;
    depthTime[b]! += e.depthPrice * e.exposureSec;
  }
  const out: DepthBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (!(time[b]! > 0)) continue;
    out.push({
      depthPrice: depthTime[b]! / time[b]!,
      lowerPrice: edges[b]!,
      upperPrice: edges[b + 1]!,
      exposureSec: time[b]!,
      fills: fills[b]!,
      ratePerSec: fills[b]! / time[b]!,
    });
  }
  return out;
}

function equalWidthEdges(exposures: readonly QuoteExposure[], binCount: number): number[] {
  if (!Number.isInteger(binCount) || binCount < 1)
    throw new RangeError(`binCount must be a positive integer, got ${binCount}`);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const e of exposures) {
    if (e.exposureSec <= 0) continue;
    min = Math.min(min, e.depthPrice);
    max = Math.max(max, e.depthPrice);
  }
  if (!(max >= min)) return [];
  if (max === min) return [min, min + Math.max(Math.abs(min) * 1e-9, 1e-12)];
  return Array.from({ length: binCount + 1 }, (_, i) =>
    i === binCount ? max : min + ((max - min) * i) / binCount,
  );
}

/** Index of the bin `[edges[b], edges[b+1])` holding `x` (the last bin is closed). */
function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (edges[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
