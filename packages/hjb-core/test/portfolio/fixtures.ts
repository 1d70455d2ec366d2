import type {
  PortfolioAssetSpec,
  PortfolioSpec,
  PortfolioState,
} from '../../src/portfolio/PortfolioSpec.js';

/** An asset with one venue, lot 1 unit, clip 1 lot, no fees. */
export function asset(
  symbol: string,
  over: Partial<PortfolioAssetSpec> = {},
  A = 1,
  k = 1,
): PortfolioAssetSpec {
  return {
    symbol,
    lotSizeBase: 1,
    quoteSizeLots: 1,
    qMaxLots: 50,
    tickSize: 1e-6,
    venues: [{ venue: 'sim', A, k, makerFeeBps: 0, takerFeeBps: 0 }],
    ...over,
  };
}

export function spec(
  assets: PortfolioAssetSpec[],
  covariance: number[][],
  gammaPerQuote = 0.1,
  over: Partial<PortfolioSpec> = {},
): PortfolioSpec {
  return {
    assets,
    venues: ['sim', 'b'],
    gammaPerQuote,
    covariance,
    hedging: { enabled: false, maxLotsPerSec: 1 },
    ...over,
  };
}

/**
 * A state with the given inventories (lots) at mid `mid`; the touch is `NaN` (empty book) unless
 * `halfSpread` is given, so the boundary only rounds to the tick.
 */
export function state(
  s: PortfolioSpec,
  inventoryLots: number[],
  opts: { mid?: number; halfSpread?: number; drift?: number[]; tSec?: number } = {},
): PortfolioState {
  const mid = opts.mid ?? 100;
  const h = opts.halfSpread;
  return {
    tSec: opts.tSec ?? 0,
    assets: s.assets.map((a, i) => ({
      inventoryLots: inventoryLots[i]!,
      midPrice: mid,
      driftPerSec: opts.drift?.[i] ?? 0,
      sigmaPerSqrtSec: Math.sqrt(s.covariance[i]![i]!),
      venues: a.venues.map(() => ({
        inventoryLots: 0,
        bestBid: h === undefined ? Number.NaN : mid - h,
        bestAsk: h === undefined ? Number.NaN : mid + h,
        tickSize: a.tickSize,
        lotSizeBase: a.lotSizeBase,
      })),
    })),
  };
}
