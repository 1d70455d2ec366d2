/**
 * The portfolio decision core's data (DESIGN 3.5, 3.8; `README.md` here has the units table).
 * Inputs and outputs are in lots and prices; the math runs in asset units
 * (`q_i = inventoryLots_i * lotSizeBase_i`).
 */

/** One venue quoting an asset: `lambda(d) = A exp(-k d)` per side. */
export interface PortfolioVenueSpec {
  venue: string;
  /** Fill rate at the mid, fills (of one clip, `quoteSizeLots` lots) per second, each side. */
  A: number;
  /** Intensity decay per price unit of distance from the mid. */
  k: number;
  /** Maker fee, bps of the mid (negative: a rebate). */
  makerFeeBps: number;
  /** Taker fee, bps of the mid (>= 0). */
  takerFeeBps: number;
}

/** One asset of the book. */
export interface PortfolioAssetSpec {
  symbol: string;
  /** Asset (base) units per lot. */
  lotSizeBase: number;
  /** Lots per fill (the resting quote size and the hedge clip). */
  quoteSizeLots: number;
  /** Inventory limit, lots: no bid at `+qMaxLots`, no ask at `-qMaxLots`. */
  qMaxLots: number;
  /** Price units per tick (a venue's state may carry its own). */
  tickSize: number;
  /**
   * Mid (price units) at which maker fees in bps become price units inside the solve (their
   * effect on the liquidity `Dm`); omitted: fees only shift the quotes, at the current mid.
   */
  referenceMidPrice?: number;
  /** At least one venue, in the order of `PortfolioState.assets[i].venues`. */
  venues: PortfolioVenueSpec[];
}

/** Taker hedging of the `multi` policy. */
export interface PortfolioHedgingSpec {
  enabled: boolean;
  /** Rate limit on hedge orders, lots per second over all assets (> 0). */
  maxLotsPerSec: number;
  /**
   * Quadratic execution cost `eta`, price units x seconds per asset unit (`L = psi|xi| + eta xi^2`);
   * only the sign of the dead-zone rate is used here (one clip per decision), so it is reported,
   * not needed.
   */
  eta?: number;
}

/** Static description of the book, built once from config (or a params update). */
export interface PortfolioSpec {
  /** In config `assets` order. */
  assets: PortfolioAssetSpec[];
  /** Venue names. */
  venues: string[];
  /** One risk aversion for the book, per unit of quote currency (> 0). */
  gammaPerQuote: number;
  /** `Sigma`, quote currency^2 per second per (asset unit)^2; see `portfolioCovariance`. */
  covariance: number[][];
  /** Session length, seconds: finite-horizon Riccati when set, else stationary. */
  horizonSec?: number;
  hedging: PortfolioHedgingSpec;
}

/** One venue's book for an asset at a decision. */
export interface PortfolioVenueState {
  /** Position held on this venue, lots. */
  inventoryLots: number;
  /** Touch prices, price units (`NaN` when that side of the book is empty). */
  bestBid: number;
  bestAsk: number;
  /** Price units per tick on this venue. */
  tickSize: number;
  /** Asset units per lot on this venue (sizes are rounded down to it). */
  lotSizeBase: number;
}

/** One asset at a decision. */
export interface PortfolioAssetState {
  /** Inventory summed over venues, lots. */
  inventoryLots: number;
  /** Mid price, price units. */
  midPrice: number;
  /** Drift of the mid, price units per second. */
  driftPerSec: number;
  /** Volatility of the mid, price units per sqrt(second). */
  sigmaPerSqrtSec: number;
  regimeProbabilities?: readonly number[];
  /** Book spread for the seed's baselines, price units (default: the first venue's touch spread). */
  marketSpreadPrice?: number;
  /** `Vbid / (Vbid + Vask)` for the seed's baselines (default 0.5). */
  imbalance?: number;
  /** In the order of the spec's `venues` of this asset. */
  venues: PortfolioVenueState[];
}

/** The whole state at a decision. */
export interface PortfolioState {
  /** Seconds since the session start (finite horizon: `tau = horizonSec - tSec`). */
  tSec: number;
  assets: PortfolioAssetState[];
}

/** A resting order. */
export interface PortfolioQuote {
  /** Price units, on the venue's tick. */
  price: number;
  /** Lots, a multiple of the venue's lot. */
  sizeLots: number;
  /** True when the boundary moved it (one tick inside the opposite touch, or rested when empty). */
  clamped: boolean;
}

/** `boundary`: a crossing quote sent as a taker; `hedge`: the dead-zone hedge; `model`: a per-asset policy's own taker action. */
export type TakerReason = 'boundary' | 'hedge' | 'model';

/** An IOC taker order. */
export interface PortfolioTaker {
  assetIndex: number;
  venueIndex: number;
  side: 'buy' | 'sell';
  sizeLots: number;
  /** IOC limit, price units (the opposite touch). */
  limitPrice: number;
  reason: TakerReason;
}

/** Both sides of one asset on one venue. */
export interface PortfolioVenueQuotes {
  bid: PortfolioQuote | null;
  ask: PortfolioQuote | null;
}

/** The decision; `decide` reuses it, valid until the next call. */
export interface PortfolioDecision {
  /** `[asset][venue]`. */
  quotes: PortfolioVenueQuotes[][];
  takers: PortfolioTaker[];
  /** The seed's rate-form taker controls per asset, lots per second (0 for other policies). */
  takerRates: { buyLotsPerSec: number; sellLotsPerSec: number }[];
}

export type PortfolioPolicyName = 'multi' | 'independent' | 'grid' | 'heuristic';

/** A portfolio policy: one call per decision, the whole book at once. */
export interface PortfolioPolicy {
  readonly name: PortfolioPolicyName;
  decide(state: PortfolioState): PortfolioDecision;
}
