import {
  type GlftModelParams,
  glftProblem,
  type HjbProblem,
  type MarketState,
  type ModelFeatures,
  SEED_DEFAULTS,
  type SeedPolicyConfig,
  seedBookProblem,
} from '@mm/hjb-core';

/**
 * GLFT-like exponential model in ticks (price unit = 1 tick): A = 2.986 fills/s,
 * k = 0.0424 per tick, gamma = xi = 0.05, sigma = 10.69 ticks/sqrt(s).
 */
export function glftParams(qMax: number): GlftModelParams {
  return {
    sigmaPerSqrtSec: 10.69,
    aPerSec: 2.986162360812285,
    kPerPrice: 0.04235741115084049,
    gamma: 0.05,
    xi: 0.05,
    qMax,
  };
}

/** The GLFT-like problem with a drift, ticks per lot per second. */
export function glftWithDrift(qMax: number, muPerLotSec: number): HjbProblem {
  return { ...glftProblem(glftParams(qMax)), muPerLotSec };
}

/** Mid of the seed book model, price units (1 bps = 0.01). */
export const SEED_MID_PRICE = 100;
/** Market spread of the seed book model, price units (2 bps). */
export const SEED_SPREAD_PRICE = 0.02;

/** The seed's book-aware model with the seed defaults (lambda0 = 1/s, beta = 0.1/bps, phi = 0.01). */
export function seedBook(qMax: number, imbalance: number, muPerLotSec = 0): HjbProblem {
  return seedBookProblem({
    lambda0PerSec: SEED_DEFAULTS.lambda0PerSec,
    betaPerBps: SEED_DEFAULTS.betaPerBps,
    midPrice: SEED_MID_PRICE,
    spreadBps: (SEED_SPREAD_PRICE * 1e4) / SEED_MID_PRICE,
    imbalance,
    phiPerLot2Sec: SEED_DEFAULTS.phiPerLot2Sec,
    muPerLotSec,
    takerFeeBps: SEED_DEFAULTS.takerFeeBps,
    qMax,
  });
}

/** The seed book model for the snapped features of an `ExactPolicy`. */
export function seedBookFor(qMax: number): (f: ModelFeatures) => HjbProblem {
  return (f) =>
    seedBookProblem({
      lambda0PerSec: SEED_DEFAULTS.lambda0PerSec,
      betaPerBps: SEED_DEFAULTS.betaPerBps,
      midPrice: f.midPrice,
      spreadBps: (f.marketSpreadPrice * 1e4) / f.midPrice,
      imbalance: f.imbalance,
      phiPerLot2Sec: SEED_DEFAULTS.phiPerLot2Sec,
      muPerLotSec: f.driftPerSec,
      takerFeeBps: SEED_DEFAULTS.takerFeeBps,
      qMax,
    });
}

/** The seed baselines' configuration (base half spread 5 bps, seed defaults otherwise). */
export function seedConfig(qMaxLots: number): SeedPolicyConfig {
  return {
    qMaxLots,
    horizonSec: SEED_DEFAULTS.horizonSec,
    baseHalfSpreadBps: 5,
    phiPerLot2Sec: SEED_DEFAULTS.phiPerLot2Sec,
    takerFeeBps: SEED_DEFAULTS.takerFeeBps,
    lambda0PerSec: SEED_DEFAULTS.lambda0PerSec,
    betaPerBps: SEED_DEFAULTS.betaPerBps,
    driftScalePerSec: 0.01,
  };
}

/**
 * `count` market states (a power of two, so callers index with `i & (count - 1)`) with inventory
 * spread over `[-1.2 qMax, 1.2 qMax]` (beyond the limit too) by a fixed LCG; `over` sets the rest.
 */
export function statesWithInventory(
  count: number,
  qMax: number,
  over: Partial<MarketState> = {},
): MarketState[] {
  let seed = 12345;
  const states: MarketState[] = [];
  for (let i = 0; i < count; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const u = seed / 2 ** 32;
    states.push({
      inventoryLots: Math.round((2 * u - 1) * 1.2 * qMax),
      midPrice: SEED_MID_PRICE,
      marketSpreadPrice: SEED_SPREAD_PRICE,
      imbalance: 0.5,
      driftPerSec: 0,
      tSec: 0,
      ...over,
    });
  }
  return states;
}
