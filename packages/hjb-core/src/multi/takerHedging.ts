import type { MultiAssetSolution } from './multiAssetSolution.js';

/**
 * Cost of trading asset j as a taker at rate `xi` (asset units per second, + buy):
 * `L(xi) = psi |xi| + eta xi^2`, quote currency per second (docs/math.md §7).
 */
export interface TakerHedgeCost {
  /** `psi`: half spread + taker fee, price units (quote currency per asset unit). */
  psiPrice: number;
  /** `eta`: temporary impact, price units x seconds per asset unit (currency s / unit^2). */
  etaPriceSecPerUnit: number;
}

/** Costs laid out flat, checked once at the edge. */
export interface TakerHedgeCosts {
  readonly psiPrice: Float64Array;
  readonly etaPriceSecPerUnit: Float64Array;
}

/**
 * `'perAsset'`: trade every asset at its own optimal rate (the HJB's Hamiltonian is a sum over
 * assets, so this is the optimum for the quadratic value). `'bestSingle'`: one hedge leg only, on
 * the asset whose trade is worth most per second, `(|p_j| - psi_j)^2 / (4 eta_j)`; this may be a
 * correlated asset rather than the one held when that one is costlier to cross.
 */
export type HedgeMode = 'perAsset' | 'bestSingle';

/** Check the costs (RangeError naming the field) for `assetCount` assets. */
export function takerHedgeCosts(
  costs: readonly TakerHedgeCost[],
  assetCount: number,
): TakerHedgeCosts {
  if (costs.length !== assetCount)
    throw new RangeError(
      `costs must have ${assetCount} entries (one per asset), got ${costs.length}`,
    );
  const psiPrice = new Float64Array(assetCount);
  const etaPriceSecPerUnit = new Float64Array(assetCount);
  costs.forEach((c, j) => {
    if (!(c.psiPrice >= 0) || !Number.isFinite(c.psiPrice))
      throw new RangeError(`costs[${j}].psiPrice must be finite and >= 0, got ${c.psiPrice}`);
    if (!(c.etaPriceSecPerUnit > 0) || !Number.isFinite(c.etaPriceSecPerUnit))
      throw new RangeError(
        `costs[${j}].etaPriceSecPerUnit must be finite and > 0, got ${c.etaPriceSecPerUnit}`,
      );
    psiPrice[j] = c.psiPrice;
    etaPriceSecPerUnit[j] = c.etaPriceSecPerUnit;
  });
  return { psiPrice, etaPriceSecPerUnit };
}

/**
 * `xi*(p) = sign(p) max(|p| - psi, 0) / (2 eta)`, asset units per second (+ buy), the maximiser
 * of `xi p - L(xi)` for the marginal value `p = d theta / d q_j` (price units). Zero in the dead
 * zone `|p| <= psi`, where the marginal value does not pay for crossing the spread.
 */
export function takerHedgeRate(
  marginalPrice: number,
  psiPrice: number,
  etaPriceSecPerUnit: number,
): number {
  const excess = Math.abs(marginalPrice) - psiPrice;
  return excess > 0 ? (Math.sign(marginalPrice) * excess) / (2 * etaPriceSecPerUnit) : 0;
}

/**
 * Hedge rates (asset units per second, signed, + buy) for inventory `inventoryLots`, written into
 * `out` (length `assetCount`; no allocation). The marginal value of asset j is
 * `p_j = d theta / d q_j = -2 (A q)_j` (price units): with A PSD and `q_j > 0` alone it is
 * negative, so the rate sells, reducing risk.
 */
export function hedgeRatesFor(
  solution: MultiAssetSolution,
  costs: TakerHedgeCosts,
  inventoryLots: ArrayLike<number>,
  mode: HedgeMode,
  out: Float64Array,
): Float64Array {
  const { assetCount: n, skewPerLot } = solution;
  let best = -1;
  let bestGain = 0;
  let bestRate = 0;
  for (let j = 0; j < n; j++) {
    let p = 0;
    const row = j * n;
    for (let k = 0; k < n; k++) p -= skewPerLot[row + k]! * inventoryLots[k]!;
    const eta = costs.etaPriceSecPerUnit[j]!;
    const rate = takerHedgeRate(p, costs.psiPrice[j]!, eta);
    out[j] = mode === 'perAsset' ? rate : 0;
    if (rate !== 0) {
      // Value per second of the leg: xi p - L(xi) = (|p| - psi)^2 / (4 eta) = eta xi^2.
      const gain = eta * rate * rate;
      if (gain > bestGain) {
        bestGain = gain;
        best = j;
        bestRate = rate;
      }
    }
  }
  if (mode === 'bestSingle' && best >= 0) out[best] = bestRate;
  return out;
}
