import type { HjbProblem } from '../exact/HjbProblem.js';
import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';

/**
 * Cartea-Jaimungal (Algorithmic and High-Frequency Trading, ch. 10): risk-neutral maker with
 * intensities `lambda exp(-kappa d)`, running penalty `phi q^2`, terminal penalty `alpha q^2`.
 */
export interface CarteaJaimungalParams {
  /** Intensity decay per price unit of distance. */
  kappaPerPrice: number;
  /** Fill rate at the mid, fills (lots) per second. */
  lambdaPerSec: number;
  /** Running inventory penalty, price units per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Terminal liquidation penalty, price units per lot^2. */
  alphaPerLot2: number;
  /** Drift of the mid, price units per lot per second (default 0). */
  muPerLotSec?: number;
  /** Inventory bound, lots (integer >= 1). */
  qMax: number;
  /** Cost of crossing the spread for one lot, price units; enables the taker impulse. */
  takerCostPerLot?: number;
}

/** The reduced problem; throws a RangeError naming the field of `params`. */
export function carteaJaimungalProblem(params: CarteaJaimungalParams): HjbProblem {
  const { kappaPerPrice, lambdaPerSec, phiPerLot2Sec, alphaPerLot2, qMax, takerCostPerLot } =
    params;
  const muPerLotSec = params.muPerLotSec ?? 0;
  const check = (name: keyof CarteaJaimungalParams, value: number, ok: boolean, what: string) => {
    if (!ok || !Number.isFinite(value))
      throw new RangeError(`${name} must be finite and ${what}, got ${value}`);
  };
  check('kappaPerPrice', kappaPerPrice, kappaPerPrice > 0, '> 0');
  check('lambdaPerSec', lambdaPerSec, lambdaPerSec > 0, '> 0');
  check('phiPerLot2Sec', phiPerLot2Sec, phiPerLot2Sec >= 0, '>= 0');
  check('alphaPerLot2', alphaPerLot2, alphaPerLot2 >= 0, '>= 0');
  check('muPerLotSec', muPerLotSec, true, 'a number');
  if (!Number.isInteger(qMax) || qMax < 1)
    throw new RangeError(`qMax must be an integer >= 1, got ${qMax}`);
  if (takerCostPerLot !== undefined)
    check('takerCostPerLot', takerCostPerLot, takerCostPerLot > 0, '> 0');
  const intensity = { aPerSec: lambdaPerSec, kPerPrice: kappaPerPrice };
  return {
    qMax,
    bid: new ExponentialIntensity(intensity),
    ask: new ExponentialIntensity(intensity),
    phiPerLot2Sec,
    muPerLotSec,
    terminal: { alphaPerLot2, liquidationCostPerLot: 0 },
    ...(takerCostPerLot === undefined
      ? {}
      : { taker: { buyCostPerLot: takerCostPerLot, sellCostPerLot: takerCostPerLot } }),
  };
}
