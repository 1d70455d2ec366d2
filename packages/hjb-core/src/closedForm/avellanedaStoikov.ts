/**
 * Avellaneda-Stoikov (2008) closed form, finite horizon, exponential intensity `A exp(-k d)`,
 * CARA utility with risk aversion `gamma`, mid following `dS = sigma dW`.
 */
export interface AvellanedaStoikovParams {
  /** Mid price `s`, price units. */
  midPrice: number;
  /** Volatility of the mid, price units per sqrt(second). */
  sigmaPerSqrtSec: number;
  /** Risk aversion, per (price unit x lot). */
  gamma: number;
  /** Intensity decay per price unit of distance. */
  kPerPrice: number;
  /** Terminal time `T`, seconds. */
  horizonSec: number;
}

/** Quotes of the closed form; all in price units. */
export interface AvellanedaStoikovQuote {
  /** `r = s - q gamma sigma^2 (T - t)`. */
  reservationPrice: number;
  /** `gamma sigma^2 (T - t) + (2/gamma) ln(1 + gamma/k)`. */
  spreadPrice: number;
  /** Bid distance below the mid: `s - (r - spread/2)`. */
  bidDeltaPrice: number;
  /** Ask distance above the mid: `(r + spread/2) - s`. */
  askDeltaPrice: number;
}

/** Check the parameters; throws a RangeError naming the field. */
export function validateAvellanedaStoikovParams(params: AvellanedaStoikovParams): void {
  const { midPrice, sigmaPerSqrtSec, gamma, kPerPrice, horizonSec } = params;
  if (!Number.isFinite(midPrice)) throw new RangeError(`midPrice must be finite, got ${midPrice}`);
  if (!(sigmaPerSqrtSec >= 0) || !Number.isFinite(sigmaPerSqrtSec))
    throw new RangeError(`sigmaPerSqrtSec must be finite and >= 0, got ${sigmaPerSqrtSec}`);
  if (!(gamma > 0) || !Number.isFinite(gamma))
    throw new RangeError(`gamma must be finite and > 0, got ${gamma}`);
  if (!(kPerPrice > 0) || !Number.isFinite(kPerPrice))
    throw new RangeError(`kPerPrice must be finite and > 0, got ${kPerPrice}`);
  if (!(horizonSec > 0) || !Number.isFinite(horizonSec))
    throw new RangeError(`horizonSec must be finite and > 0, got ${horizonSec}`);
}

/**
 * The Avellaneda-Stoikov quotes for inventory `inventoryLots` at time `tSec` in `[0, horizonSec]`.
 * Throws a RangeError naming the field on invalid input.
 */
export function avellanedaStoikovQuote(
  params: AvellanedaStoikovParams,
  inventoryLots: number,
  tSec: number,
): AvellanedaStoikovQuote {
  validateAvellanedaStoikovParams(params);
  if (!Number.isFinite(inventoryLots))
    throw new RangeError(`inventoryLots must be finite, got ${inventoryLots}`);
  const { midPrice, sigmaPerSqrtSec, gamma, kPerPrice, horizonSec } = params;
  if (!(tSec >= 0 && tSec <= horizonSec))
    throw new RangeError(`tSec must be in [0, horizonSec = ${horizonSec}], got ${tSec}`);
  const riskPrice = gamma * sigmaPerSqrtSec * sigmaPerSqrtSec * (horizonSec - tSec);
  const reservationPrice = midPrice - inventoryLots * riskPrice;
  const spreadPrice = riskPrice + (2 / gamma) * Math.log1p(gamma / kPerPrice);
  const half = spreadPrice / 2;
  return {
    reservationPrice,
    spreadPrice,
    bidDeltaPrice: midPrice - (reservationPrice - half),
    askDeltaPrice: reservationPrice + half - midPrice,
  };
}
