import type { GlftModelParams } from '@mm/hjb-core';

/**
 * The default model of `mm start` until the engine has a config: a BTC-like perpetual in price
 * units (USD), inventory in lots of 0.001 BTC, GLFT exponential fills on both sides.
 */
export interface DefaultModel {
  /** Display name. */
  name: string;
  /** Mid price, USD. */
  midPrice: number;
  /** The GLFT parameters (sigma, A, k, gamma, xi, lot size, qMax, taker cost). */
  glft: GlftModelParams & { lotSize: number; takerCostPerLot: number };
  /** Market spread (best ask - best bid), bps of the mid; for the taker cost and the seed. */
  marketSpreadBps: number;
  /** Taker fee, bps of the mid. */
  takerFeeBps: number;
  /** Horizon of the finite-horizon column, seconds. */
  shortHorizonSec: number;
}

/** Seconds in a year of 24/7 trading (crypto never closes). */
const SECONDS_PER_YEAR = 365 * 86_400;

/** BTC around 60,000 USD (its 2024 range was roughly 40k-100k). */
const MID_USD = 60_000;
/** Annualised volatility 55%: BTC's realised volatility has mostly sat in 40-70% since 2020. */
const ANNUAL_VOL = 0.55;
/** `sigma = mid * vol / sqrt(seconds per year)` ~ 5.9 USD per sqrt(s). */
const SIGMA_USD_PER_SQRT_SEC = (MID_USD * ANNUAL_VOL) / Math.sqrt(SECONDS_PER_YEAR);
/**
 * Fill intensity `A exp(-k d)`: the order of magnitude of hftbacktest's GLFT tutorial
 * calibration on Binance BTCUSDT futures (A ~ 3 fills/s, k ~ 0.042 per tick of 0.1 USD, i.e.
 * ~0.42 per USD), rounded: `1/k` = 2.5 USD ~ 0.42 bps is the static half spread.
 */
const A_PER_SEC = 3;
const K_PER_USD = 0.4;
/** One lot = 0.001 BTC (a small exchange minimum), inventory bound 20 lots = 0.02 BTC. */
const LOT_BTC = 0.001;
const Q_MAX_LOTS = 20;
/**
 * Risk aversion, per (USD x BTC) = per USD. Chosen, not calibrated: it makes the per-lot skew
 * `sqrt(phi e/(A k))` about 0.8/(20 k), so a full inventory of 20 lots moves the quotes by about
 * 80% of the static half spread and every quote stays behind the mid;
 * `phi = gamma sigma^2 lot / 2 ~ 0.0043` USD per lot^2 per second.
 */
const GAMMA_PER_USD = 0.25;
/** One tick of 0.1 USD (Binance BTCUSDT futures tick), in bps of the mid. */
const SPREAD_BPS = (0.1 / MID_USD) * 1e4;
/** Taker fee: the seed's default of 2 bps. */
const TAKER_FEE_BPS = 2;

/** The default model; every number above says where it comes from. */
export const DEFAULT_MODEL: DefaultModel = {
  name: 'BTC-like perpetual, 60,000 USD, lots of 0.001 BTC',
  midPrice: MID_USD,
  glft: {
    sigmaPerSqrtSec: SIGMA_USD_PER_SQRT_SEC,
    aPerSec: A_PER_SEC,
    kPerPrice: K_PER_USD,
    gamma: GAMMA_PER_USD,
    xi: GAMMA_PER_USD, // GLFT model A: xi = gamma
    lotSize: LOT_BTC,
    qMax: Q_MAX_LOTS,
    // Crossing costs half the spread plus the fee, USD per lot-normalised unit (as h).
    takerCostPerLot: ((SPREAD_BPS / 2 + TAKER_FEE_BPS) * MID_USD) / 1e4,
  },
  marketSpreadBps: SPREAD_BPS,
  takerFeeBps: TAKER_FEE_BPS,
  // Long enough to see the skew build up, short enough to differ from the stationary quotes.
  shortHorizonSec: 5,
};
