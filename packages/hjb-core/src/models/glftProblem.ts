import type { GueantParams } from '../closedForm/gueantApprox.js';
import type { HjbProblem } from '../exact/HjbProblem.js';
import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';
import { glftPhiPerLot2Sec } from './assetGlft.js';

/**
 * Gueant-Lehalle-Fernandez-Tapia (Gueant 2017) on an inventory grid of lots: exponential
 * intensities `A exp(-k d)` on both sides, risk aversion `gamma`, gain risk aversion `xi`.
 */
export interface GlftModelParams {
  /** Volatility of the mid, price units per sqrt(second). */
  sigmaPerSqrtSec: number;
  /** Fill rate at the mid, fills (lots) per second. */
  aPerSec: number;
  /** Intensity decay per price unit of distance. */
  kPerPrice: number;
  /** Risk aversion, per (price unit x base unit). */
  gamma: number;
  /** Gain risk aversion (model A: `gamma`, the default; model B: 0), same units as gamma. */
  xi?: number;
  /** `Delta`: base units per lot (default 1). */
  lotSize?: number;
  /** Inventory bound, lots (integer >= 1). */
  qMax: number;
  /** Cost of crossing the spread for one lot, price units; enables the taker impulse. */
  takerCostPerLot?: number;
}

/**
 * The reduced problem (values per lot): both sides `A exp(-k d)` with gain risk aversion
 * `xi Delta`, `phi = gamma sigma^2 Delta / 2` per lot^2 per second, no drift, no terminal penalty.
 * Throws a RangeError naming the field of `params`.
 */
export function glftProblem(params: GlftModelParams): HjbProblem {
  const gp = glftGueantParams(params);
  const { qMax, takerCostPerLot } = params;
  if (!Number.isInteger(qMax) || qMax < 1)
    throw new RangeError(`qMax must be an integer >= 1, got ${qMax}`);
  if (takerCostPerLot !== undefined && !(takerCostPerLot > 0 && Number.isFinite(takerCostPerLot)))
    throw new RangeError(`takerCostPerLot must be finite and > 0, got ${takerCostPerLot}`);
  const intensity = { aPerSec: gp.aPerSec, kPerPrice: gp.kPerPrice, xi: gp.xi * gp.lotSize };
  return {
    qMax,
    bid: new ExponentialIntensity(intensity),
    ask: new ExponentialIntensity(intensity),
    phiPerLot2Sec: glftPhiPerLot2Sec(gp.gamma, gp.sigmaPerSqrtSec, gp.lotSize),
    muPerLotSec: 0,
    ...(takerCostPerLot === undefined
      ? {}
      : { taker: { buyCostPerLot: takerCostPerLot, sellCostPerLot: takerCostPerLot } }),
  };
}

/** The same model as parameters of Gueant's closed form (xi defaulted to gamma, lot size to 1). */
export function glftGueantParams(params: GlftModelParams): GueantParams {
  const gp: GueantParams = {
    sigmaPerSqrtSec: params.sigmaPerSqrtSec,
    aPerSec: params.aPerSec,
    kPerPrice: params.kPerPrice,
    gamma: params.gamma,
    xi: params.xi ?? params.gamma,
    lotSize: params.lotSize ?? 1,
  };
  const check = (name: keyof GueantParams, ok: boolean, what: string): void => {
    if (!ok || !Number.isFinite(gp[name]))
      throw new RangeError(`${name} must be finite and ${what}, got ${gp[name]}`);
  };
  check('sigmaPerSqrtSec', gp.sigmaPerSqrtSec >= 0, '>= 0');
  check('aPerSec', gp.aPerSec > 0, '> 0');
  check('kPerPrice', gp.kPerPrice > 0, '> 0');
  check('gamma', gp.gamma >= 0, '>= 0');
  check('xi', gp.xi >= 0, '>= 0');
  check('lotSize', gp.lotSize > 0, '> 0');
  return gp;
}
