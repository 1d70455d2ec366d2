import type { AssetConfig, EngineConfig } from '@mm/engine';
import type { GlftModelParams } from '@mm/hjb-core';

/**
 * One configured asset's model in the units of hjb-core, as the engine's `exact` policy solves it:
 * inventory in clips of `quoteSizeLots` (one fill moves it by one clip), `A` clips per second,
 * `k` per price unit, `gamma` per (price unit x lot), `sigma` price units per sqrt(second).
 */
export interface AssetQuoteModel {
  /** The asset's symbol. */
  name: string;
  /** Mid price of the flat book the quotes are shown at, price units. */
  midPrice: number;
  /** The GLFT parameters (model A: `xi = gamma`), with the taker cost of one clip. */
  glft: GlftModelParams & { lotSize: number; takerCostPerLot: number };
  /** Market spread of the flat book (one tick), bps of the mid. */
  marketSpreadBps: number;
  /** Taker fee of the first venue quoting the asset, bps of the mid. */
  takerFeeBps: number;
  /** Horizon of the finite-horizon column, seconds. */
  shortHorizonSec: number;
}

/** Long enough to see the skew build up, short enough to differ from the stationary quotes. */
const SHORT_HORIZON_SEC = 5;

/** The taker fee of the first simulated venue of the config (0 when it has none). */
function takerFeeBps(config: EngineConfig): number {
  for (const v of config.venues) if (v.kind === 'sim') return v.takerFeeBps;
  return 0;
}

/**
 * The mid of a flat book for `asset`: `mids[asset]` when given, else the first simulated venue's
 * `initialMidPrice`; undefined when neither has one.
 */
export function flatBookMid(
  config: EngineConfig,
  asset: string,
  mids: Readonly<Record<string, number>>,
): number | undefined {
  const given = mids[asset];
  if (given !== undefined) return given;
  for (const v of config.venues) {
    if (v.kind !== 'sim') continue;
    const mid = v.initialMidPrice[asset];
    if (mid !== undefined) return mid;
  }
  return undefined;
}

/** The model of one configured asset at a flat book of one tick around `midPrice`. */
export function assetQuoteModel(
  config: EngineConfig,
  asset: AssetConfig,
  midPrice: number,
): AssetQuoteModel {
  const { sigma, A, k, gamma } = asset.model;
  const qMaxClips = Math.floor(asset.qMaxLots / asset.quoteSizeLots);
  const marketSpreadBps = (asset.tickSize / midPrice) * 1e4;
  const fee = takerFeeBps(config);
  return {
    name: asset.symbol,
    midPrice,
    glft: {
      sigmaPerSqrtSec: sigma,
      aPerSec: A,
      kPerPrice: k,
      gamma,
      xi: gamma,
      lotSize: asset.quoteSizeLots,
      qMax: qMaxClips,
      // Crossing costs half the spread plus the fee, price units per clip-normalised unit (as h).
      takerCostPerLot: ((marketSpreadBps / 2 + fee) * midPrice) / 1e4,
    },
    marketSpreadBps,
    takerFeeBps: fee,
    shortHorizonSec: SHORT_HORIZON_SEC,
  };
}
