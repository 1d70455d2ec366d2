import type { PortfolioState, PortfolioTaker } from './PortfolioSpec.js';
import type { PortfolioSolution } from './portfolioSolution.js';
import { roundSizeLots } from './ticks.js';

/**
 * The hedge leg of the `multi` policy (DESIGN 3.5, ISSUE-NOTES issue 7), once the dead zone of
 * `multi/takerHedging.ts` says hedge: every (asset j, venue v) trading one clip in the direction
 * of its marginal value `p_j` is a candidate when it lowers `q' Sigma q` and keeps `|q_j| <= qMax`;
 * the one with the least crossing cost per unit of risk removed,
 *   psi_jv |delta| / (q' Sigma q - (q + delta e_j)' Sigma (q + delta e_j)),
 * is chosen (`psi` = taker fee + half spread, price units; `delta` asset units). Returns null when
 * no candidate lowers the risk.
 */
export function chooseHedge(
  solution: PortfolioSolution,
  state: PortfolioState,
  /** `q`, asset units. */
  inventoryUnits: Float64Array,
  /** `p_j = d theta / d q_j`, price units. */
  marginalPrice: Float64Array,
): PortfolioTaker | null {
  const { assetCount: n, covariance, spec } = solution;
  let bestAsset = -1;
  let bestVenue = -1;
  let bestLots = 0;
  let bestRatio = Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    const p = marginalPrice[j]!;
    if (p === 0) continue;
    const asset = spec.assets[j]!;
    const st = state.assets[j]!;
    let sigmaQ = 0;
    for (let k = 0; k < n; k++) sigmaQ += covariance[j * n + k]! * inventoryUnits[k]!;
    const sigmaJJ = covariance[j * n + j]!;
    for (let v = 0; v < asset.venues.length; v++) {
      const venue = st.venues[v]!;
      const clipLots = roundSizeLots(asset.quoteSizeLots, asset.lotSizeBase, venue.lotSizeBase);
      if (!(clipLots > 0)) continue;
      const after = st.inventoryLots + (p > 0 ? clipLots : -clipLots);
      if (Math.abs(after) > asset.qMaxLots + 1e-9) continue;
      const touch = p > 0 ? venue.bestAsk : venue.bestBid;
      if (!Number.isFinite(touch) || !Number.isFinite(venue.bestBid + venue.bestAsk)) continue;
      const delta = (p > 0 ? clipLots : -clipLots) * asset.lotSizeBase;
      const removed = -2 * delta * sigmaQ - delta * delta * sigmaJJ;
      if (!(removed > 0)) continue;
      const psi =
        (asset.venues[v]!.takerFeeBps * st.midPrice) / 1e4 + (venue.bestAsk - venue.bestBid) / 2;
      const ratio = (psi * Math.abs(delta)) / removed;
      if (ratio < bestRatio) {
        bestRatio = ratio;
        bestAsset = j;
        bestVenue = v;
        bestLots = clipLots;
      }
    }
  }
  if (bestAsset < 0) return null;
  const buy = marginalPrice[bestAsset]! > 0;
  const venue = state.assets[bestAsset]!.venues[bestVenue]!;
  return {
    assetIndex: bestAsset,
    venueIndex: bestVenue,
    side: buy ? 'buy' : 'sell',
    sizeLots: bestLots,
    limitPrice: buy ? venue.bestAsk : venue.bestBid,
    reason: 'hedge',
  };
}
