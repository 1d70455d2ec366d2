import {
  arithmeticBrownian,
  binomialMid,
  bpsFees,
  constantLatency,
  exponentialFills,
  type MarketConfig,
} from '@mm/simulator';

/**
 * One asset's simulated market as plain data (config files, reports): a mid process, exponential
 * fills `A exp(-k d)`, fees and a constant latency. Lots of one base unit; price units throughout.
 */
export interface MarketSpec {
  /** Mid at t = 0, price units. */
  initialMidPrice: number;
  /** `arithmetic`: `dS = mu dt + sigma dW`; `binomial`: +-sigma sqrt(dt) with probability 1/2. */
  midModel: 'arithmetic' | 'binomial';
  /** Volatility of the mid, price units per sqrt(second). */
  sigmaPerSqrtSec: number;
  /** Drift of the mid, price units per second (arithmetic only; default 0). */
  driftPerSec?: number;
  /** Fill rate at the mid, fills (lots) per second. */
  aPerSec: number;
  /** Intensity decay per price unit of distance. */
  kPerPrice: number;
  /** `exact` (`1 - exp(-lambda dt)`, default) or `firstOrder` (`lambda dt`, Avellaneda-Stoikov). */
  fillProbability?: 'exact' | 'firstOrder';
  /** Judge a step's fills against the moved mid (stale quotes; AS 2008's tables). Default false. */
  fillsAfterMidMove?: boolean;
  /** Maker fee, bps of notional (negative: rebate). Default 0. */
  makerFeeBps?: number;
  /** Taker fee, bps of notional. Default 0. */
  takerFeeBps?: number;
  /** Order latency, seconds. Default 0. */
  latencySec?: number;
  /** Position limit, lots: the side that would exceed it is pulled. Omit for no limit. */
  qMaxLots?: number;
}

/** The simulator's market for a spec (models constructed; throws a RangeError naming a field). */
export function buildMarket(spec: MarketSpec): MarketConfig {
  const midModel =
    spec.midModel === 'binomial'
      ? binomialMid({ sigmaPerSqrtSec: spec.sigmaPerSqrtSec })
      : arithmeticBrownian({
          sigmaPerSqrtSec: spec.sigmaPerSqrtSec,
          driftPerSec: spec.driftPerSec ?? 0,
        });
  const makerBps = spec.makerFeeBps ?? 0;
  const takerBps = spec.takerFeeBps ?? 0;
  return {
    initialMidPrice: spec.initialMidPrice,
    midModel,
    fillModel: exponentialFills({ aPerSec: spec.aPerSec, kPerPrice: spec.kPerPrice }),
    fillProbability: spec.fillProbability ?? 'exact',
    ...(makerBps !== 0 || takerBps !== 0 ? { feeModel: bpsFees({ makerBps, takerBps }) } : {}),
    ...(spec.latencySec ? { latencyModel: constantLatency(spec.latencySec) } : {}),
    lotSizeBase: 1,
  };
}
