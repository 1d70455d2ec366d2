import type { IntensityModel } from '../intensity/IntensityModel.js';

/**
 * The reduced single-asset HJB of docs/math.md §2, on the inventory grid `q = -qMax..qMax` (lots):
 *
 *   0 = dh/dt + mu q - phi q^2 + 1{q < qMax} H_b(h(q+1) - h(q)) + 1{q > -qMax} H_a(h(q-1) - h(q))
 *   h(T, q) = -(alpha q^2 + liquidationCost |q|)
 *
 * with, when `taker` is given, the impulse constraints `h(q) >= h(q+1) - buyCost` and
 * `h(q) >= h(q-1) - sellCost` (a quasi-variational inequality: trade where they bind).
 * Values are in price units per lot (multiply by the lot size for quote currency).
 */
export interface HjbProblem {
  /** Inventory bound in lots: `|q| <= qMax`, an integer >= 1. */
  qMax: number;
  /** Intensity of our bid being filled (q -> q + 1). */
  bid: IntensityModel;
  /** Intensity of our ask being filled (q -> q - 1). */
  ask: IntensityModel;
  /** Running inventory penalty `phi`, price units per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Drift `mu`: holding q lots gains `mu q` per second; price units per lot per second. */
  muPerLotSec: number;
  /** Terminal penalty; zero when omitted. */
  terminal?: TerminalPenalty;
  /** Taker impulse costs (half spread + taker fee), price units per lot; no taking when omitted. */
  taker?: TakerCosts;
}

/** `h(T, q) = -(alphaPerLot2 q^2 + liquidationCostPerLot |q|)`. */
export interface TerminalPenalty {
  alphaPerLot2: number;
  liquidationCostPerLot: number;
}

/** Cost of crossing the spread for one lot, price units. */
export interface TakerCosts {
  buyCostPerLot: number;
  sellCostPerLot: number;
}

/** Check a problem's scalars at the edge; throws a RangeError naming the field. */
export function validateHjbProblem(problem: HjbProblem): void {
  const { qMax, phiPerLot2Sec, muPerLotSec, terminal, taker } = problem;
  if (!Number.isInteger(qMax) || qMax < 1)
    throw new RangeError(`qMax must be an integer >= 1, got ${qMax}`);
  if (!(phiPerLot2Sec >= 0) || !Number.isFinite(phiPerLot2Sec))
    throw new RangeError(`phiPerLot2Sec must be finite and >= 0, got ${phiPerLot2Sec}`);
  if (!Number.isFinite(muPerLotSec))
    throw new RangeError(`muPerLotSec must be finite, got ${muPerLotSec}`);
  if (terminal) {
    if (!(terminal.alphaPerLot2 >= 0) || !Number.isFinite(terminal.alphaPerLot2))
      throw new RangeError(
        `terminal.alphaPerLot2 must be finite and >= 0, got ${terminal.alphaPerLot2}`,
      );
    if (!(terminal.liquidationCostPerLot >= 0) || !Number.isFinite(terminal.liquidationCostPerLot))
      throw new RangeError(
        `terminal.liquidationCostPerLot must be finite and >= 0, got ${terminal.liquidationCostPerLot}`,
      );
  }
  if (taker) {
    if (!(taker.buyCostPerLot > 0) || !Number.isFinite(taker.buyCostPerLot))
      throw new RangeError(
        `taker.buyCostPerLot must be finite and > 0, got ${taker.buyCostPerLot}`,
      );
    if (!(taker.sellCostPerLot > 0) || !Number.isFinite(taker.sellCostPerLot))
      throw new RangeError(
        `taker.sellCostPerLot must be finite and > 0, got ${taker.sellCostPerLot}`,
      );
  }
}

/** `h(T, q)` for every level, index `q + qMax`. */
export function terminalValues(problem: HjbProblem): Float64Array {
  const n = 2 * problem.qMax + 1;
  const h = new Float64Array(n);
  const alpha = problem.terminal?.alphaPerLot2 ?? 0;
  const liq = problem.terminal?.liquidationCostPerLot ?? 0;
  for (let i = 0; i < n; i++) {
    const q = i - problem.qMax;
    h[i] = -(alpha * q * q + liq * Math.abs(q));
  }
  return h;
}
