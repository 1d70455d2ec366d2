import type { PreparedMultiAsset } from './multiAssetProblem.js';

/**
 * A quadratic value `theta(q) ~ -q' A q` (quote currency; `q` in asset units) and what the quotes
 * need from it. Stationary: `A = Gamma/2`; finite horizon: `A(tau)` from the Riccati equation.
 * Quotes per asset i (docs/math.md §6, Gueant 2017 eqs. 5.17-5.20), price units:
 *   p_b^i =  2 (A q)_i + A_ii Delta_i        (theta(q) - theta(q + Delta_i e_i)) / Delta_i
 *   p_a^i = -2 (A q)_i + A_ii Delta_i        (theta(q) - theta(q - Delta_i e_i)) / Delta_i
 *   bid distance at venue v = c1_v - rebate_v + p_b^i,   ask distance = c1_v - rebate_v + p_a^i
 * With `A = Gamma/2`: `p_b^i = Gamma_ii (2 q_i + Delta_i)/2 + sum_{j != i} Gamma_ij q_j`.
 */
export interface MultiAssetSolution {
  readonly assetCount: number;
  /** `Delta_i`, asset units per lot. */
  readonly lotSizes: Float64Array;
  /** `A`, row-major, quote currency per (unit_i x unit_j). */
  readonly valueMatrix: Float64Array;
  /** `2 A_ij Delta_j`: change of asset i's marginal value per lot of asset j, price units per lot. */
  readonly skewPerLot: Float64Array;
  /** `A_ii Delta_i`, price units: the half-lot curvature term of each side. */
  readonly curvaturePrice: Float64Array;
  /** Venue slots of asset i: `venueStart[i] .. venueStart[i + 1] - 1`. */
  readonly venueStart: Int32Array;
  /** Per venue slot `c1_v - rebate_v`, price units. */
  readonly venueStaticDeltaPrice: Float64Array;
  /** Remaining horizon `tau = T - t`, seconds; `Infinity` for the stationary solution. */
  readonly horizonSec: number;
}

/** Output of the quoting functions; preallocate once with `createMultiAssetQuotes`. */
export interface MultiAssetQuotes {
  /** `p_b^i` per asset, price units (the bid's distance above its static part). */
  readonly bidMarginalPrice: Float64Array;
  /** `p_a^i` per asset, price units. */
  readonly askMarginalPrice: Float64Array;
  /** Bid distance below the mid per venue slot, price units (`NaN`: side not quoted). */
  readonly bidDeltaPrice: Float64Array;
  /** Ask distance above the mid per venue slot, price units (`NaN`: side not quoted). */
  readonly askDeltaPrice: Float64Array;
}

/**
 * Assemble a solution from a prepared problem and a value matrix `A` (row-major, quote currency
 * per unit_i x unit_j; taken over, not copied): `skewPerLot[i][j] = 2 A_ij Delta_j`,
 * `curvaturePrice[i] = A_ii Delta_i`, so `p_b^i = 2 (A q)_i + A_ii Delta_i` and
 * `p_a^i = -2 (A q)_i + A_ii Delta_i` (docs/math.md §6). Any `A` works, e.g. one regime's.
 */
export function solutionFromValueMatrix(
  prepared: PreparedMultiAsset,
  valueMatrix: Float64Array,
  horizonSec: number,
): MultiAssetSolution {
  const n = prepared.assetCount;
  if (valueMatrix.length !== n * n)
    throw new RangeError(
      `valueMatrix must have ${n * n} entries (${n}x${n}), got ${valueMatrix.length}`,
    );
  const skewPerLot = new Float64Array(n * n);
  const curvaturePrice = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    curvaturePrice[i] = valueMatrix[i * n + i]! * prepared.lotSizes[i]!;
    for (let j = 0; j < n; j++)
      skewPerLot[i * n + j] = 2 * valueMatrix[i * n + j]! * prepared.lotSizes[j]!;
  }
  return {
    assetCount: n,
    lotSizes: prepared.lotSizes,
    valueMatrix,
    skewPerLot,
    curvaturePrice,
    venueStart: prepared.venueStart,
    venueStaticDeltaPrice: prepared.venueStaticDeltaPrice,
    horizonSec,
  };
}

/** A quote buffer sized for `solution` (one per asset and one per venue slot). */
export function createMultiAssetQuotes(solution: {
  assetCount: number;
  venueStart: Int32Array;
}): MultiAssetQuotes {
  const n = solution.assetCount;
  const slots = solution.venueStart[n]!;
  return {
    bidMarginalPrice: new Float64Array(n),
    askMarginalPrice: new Float64Array(n),
    bidDeltaPrice: new Float64Array(slots),
    askDeltaPrice: new Float64Array(slots),
  };
}

/**
 * Quotes for inventory `inventoryLots` (lots per asset) written into `out`; no allocation, no
 * checks (the hot path: build `out` with `createMultiAssetQuotes(solution)`).
 */
export function quotesFor(
  solution: MultiAssetSolution,
  inventoryLots: ArrayLike<number>,
  out: MultiAssetQuotes,
): MultiAssetQuotes {
  const { assetCount: n, skewPerLot } = solution;
  for (let i = 0; i < n; i++) {
    let skew = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) skew += skewPerLot[row + j]! * inventoryLots[j]!;
    writeAsset(solution, i, skew, out);
  }
  return out;
}

/** As `quotesFor`, with inventory in asset units (`q_i = lots_i * Delta_i`). */
export function quotesForUnits(
  solution: MultiAssetSolution,
  inventoryUnits: ArrayLike<number>,
  out: MultiAssetQuotes,
): MultiAssetQuotes {
  const { assetCount: n, valueMatrix } = solution;
  for (let i = 0; i < n; i++) {
    let aq = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) aq += valueMatrix[row + j]! * inventoryUnits[j]!;
    writeAsset(solution, i, 2 * aq, out);
  }
  return out;
}

/** Write asset i's marginals and venue quotes from `skew = 2 (A q)_i`. */
function writeAsset(
  solution: MultiAssetSolution,
  i: number,
  skew: number,
  out: MultiAssetQuotes,
): void {
  const curvature = solution.curvaturePrice[i]!;
  const pb = curvature + skew;
  const pa = curvature - skew;
  out.bidMarginalPrice[i] = pb;
  out.askMarginalPrice[i] = pa;
  const end = solution.venueStart[i + 1]!;
  for (let s = solution.venueStart[i]!; s < end; s++) {
    const c = solution.venueStaticDeltaPrice[s]!;
    out.bidDeltaPrice[s] = c + pb;
    out.askDeltaPrice[s] = c + pa;
  }
}
