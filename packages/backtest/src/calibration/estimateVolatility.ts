/** Volatility of a mid series per unit time, with its standard error. */
export interface VolatilityEstimate {
  /** `sigma`: price units (kind 'price') or fraction (kind 'log') per sqrt(second). */
  sigmaPerSqrtSec: number;
  /** Standard error of `sigmaPerSqrtSec`, same units. */
  sigmaStdError: number;
  /** `sigma^2` per second, and its standard error. */
  variancePerSec: number;
  varianceStdError: number;
  /** Number of increments and the total time they span, seconds. */
  increments: number;
  durationSec: number;
  kind: VolatilityKind;
}

/** 'price': increments of the mid (price units, the HJB's sigma); 'log': log returns. */
export type VolatilityKind = 'price' | 'log';

/**
 * Realized volatility from mids sampled at irregular times:
 * `sigma^2 = sum (dx)^2 / (t_last - t_0)` with `dx` the price increment or log return.
 *
 * Standard error under Brownian increments (`dx ~ N(0, sigma^2 dt)`, independent):
 * `SE(sigma^2) = sigma^2 sqrt(2 sum dt^2) / T`, and by the delta method
 * `SE(sigma) = SE(sigma^2) / (2 sigma)` (`= sigma / sqrt(2n)` for equal spacing). Drift
 * (`mu dt` per increment) and microstructure noise bias the estimate; sample sparsely enough
 * that neither matters. Times must be non-decreasing; throws naming the field otherwise.
 */
export function estimateVolatility(
  tSec: ArrayLike<number>,
  midPrice: ArrayLike<number>,
  kind: VolatilityKind = 'price',
): VolatilityEstimate {
  const n = tSec.length;
  if (midPrice.length !== n)
    throw new RangeError(`midPrice must have the length of tSec (${n}), got ${midPrice.length}`);
  for (let i = 0; i < n; i++) {
    const t = tSec[i]!;
    const x = midPrice[i]!;
    if (!Number.isFinite(t)) throw new RangeError(`tSec[${i}] must be finite, got ${t}`);
    if (!Number.isFinite(x) || (kind === 'log' && !(x > 0)))
      throw new RangeError(
        `midPrice[${i}] must be finite${kind === 'log' ? ' and > 0' : ''}, got ${x}`,
      );
    if (i > 0 && t < tSec[i - 1]!)
      throw new RangeError(`tSec must be non-decreasing: tSec[${i}] < tSec[${i - 1}]`);
  }
  const durationSec = n > 0 ? tSec[n - 1]! - tSec[0]! : 0;
  let sumSq = 0;
  let sumDt2 = 0;
  for (let i = 1; i < n; i++) {
    const dx =
      kind === 'log' ? Math.log(midPrice[i]! / midPrice[i - 1]!) : midPrice[i]! - midPrice[i - 1]!;
    const dt = tSec[i]! - tSec[i - 1]!;
    sumSq += dx * dx;
    sumDt2 += dt * dt;
  }
  const variancePerSec = durationSec > 0 ? sumSq / durationSec : Number.NaN;
  const varianceStdError = (variancePerSec * Math.sqrt(2 * sumDt2)) / durationSec;
  const sigma = Math.sqrt(variancePerSec);
  return {
    sigmaPerSqrtSec: sigma,
    sigmaStdError: sigma > 0 ? varianceStdError / (2 * sigma) : Number.NaN,
    variancePerSec,
    varianceStdError,
    increments: Math.max(0, n - 1),
    durationSec,
    kind,
  };
}
