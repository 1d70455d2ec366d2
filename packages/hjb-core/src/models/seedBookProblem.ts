import type { HjbProblem } from '../exact/HjbProblem.js';
import { BookAwareIntensity } from '../intensity/bookAwareIntensity.js';

/** The seed's book-aware model, in the seed's units (bps, per bps) plus the mid. */
export interface SeedBookParams {
  /** Fill rate at the touch for a balanced book, fills (lots) per second (seed default 1). */
  lambda0PerSec: number;
  /** Fill-rate decay per bps beyond the market half spread (seed default 0.1). */
  betaPerBps: number;
  /** Mid price, price units. */
  midPrice: number;
  /** Market spread (best ask - best bid), bps of the mid. */
  spreadBps: number;
  /** `Vbid / (Vbid + Vask)` in [0, 1] (default 0.5, balanced). */
  imbalance?: number;
  /** Running inventory penalty, price units per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Drift of the mid, price units per lot per second (default 0). */
  muPerLotSec?: number;
  /** Taker fee, bps of the mid (seed default 2). */
  takerFeeBps?: number;
  /** Terminal inventory penalty, price units per lot^2 (default 0). */
  alphaPerLot2?: number;
  /** Inventory bound, lots (integer >= 1). */
  qMax: number;
}

/** Cost of crossing for one lot: half the market spread plus the taker fee, price units. */
export function seedTakerCostPerLot(params: SeedBookParams): number {
  return (
    (params.spreadBps * params.midPrice) / 2e4 + ((params.takerFeeBps ?? 2) * params.midPrice) / 1e4
  );
}

/**
 * The reduced problem: book-aware intensities (`beta` converted to per price unit, the half
 * spread to price units), taker impulse at `seedTakerCostPerLot` on both sides, terminal
 * `alpha q^2 + |q| takerCost` (docs/math.md §2: liquidate at T by crossing). Throws a RangeError
 * naming the field of `params`.
 */
export function seedBookProblem(params: SeedBookParams): HjbProblem {
  const { lambda0PerSec, betaPerBps, midPrice, spreadBps, phiPerLot2Sec, qMax } = params;
  const imbalance = params.imbalance ?? 0.5;
  const muPerLotSec = params.muPerLotSec ?? 0;
  const takerFeeBps = params.takerFeeBps ?? 2;
  const alphaPerLot2 = params.alphaPerLot2 ?? 0;
  const check = (name: keyof SeedBookParams, value: number, ok: boolean, what: string) => {
    if (!ok || !Number.isFinite(value))
      throw new RangeError(`${name} must be finite and ${what}, got ${value}`);
  };
  check('lambda0PerSec', lambda0PerSec, lambda0PerSec > 0, '> 0');
  check('betaPerBps', betaPerBps, betaPerBps > 0, '> 0');
  check('midPrice', midPrice, midPrice > 0, '> 0');
  check('spreadBps', spreadBps, spreadBps >= 0, '>= 0');
  check('imbalance', imbalance, imbalance >= 0 && imbalance <= 1, 'in [0, 1]');
  check('phiPerLot2Sec', phiPerLot2Sec, phiPerLot2Sec >= 0, '>= 0');
  check('muPerLotSec', muPerLotSec, true, 'a number');
  check('takerFeeBps', takerFeeBps, takerFeeBps >= 0, '>= 0');
  check('alphaPerLot2', alphaPerLot2, alphaPerLot2 >= 0, '>= 0');
  if (!Number.isInteger(qMax) || qMax < 1)
    throw new RangeError(`qMax must be an integer >= 1, got ${qMax}`);
  const takerCost = seedTakerCostPerLot({ ...params, takerFeeBps });
  if (!(takerCost > 0))
    throw new RangeError('spreadBps and takerFeeBps must not both be 0 (free taking)');
  const book = {
    lambda0PerSec,
    betaPerPrice: (betaPerBps * 1e4) / midPrice,
    halfSpreadPrice: (spreadBps * midPrice) / 2e4,
    imbalance,
  };
  return {
    qMax,
    bid: new BookAwareIntensity({ side: 'bid', ...book }),
    ask: new BookAwareIntensity({ side: 'ask', ...book }),
    phiPerLot2Sec,
    muPerLotSec,
    terminal: { alphaPerLot2, liquidationCostPerLot: takerCost },
    taker: { buyCostPerLot: takerCost, sellCostPerLot: takerCost },
  };
}
