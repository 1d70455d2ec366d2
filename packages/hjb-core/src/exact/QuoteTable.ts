import type { HjbProblem } from './HjbProblem.js';

/** Taker action at an inventory level: buy one lot now, sell one lot now, or neither. */
export type TakeAction = 'buy' | 'sell' | null;

/**
 * Optimal controls and values per inventory level, index `i = q + qMax`.
 * Distances are price units from the mid; `NaN` where the side is not quoted
 * (the bid at `+qMax`, the ask at `-qMax`, or a side that is better left empty).
 */
export interface QuoteTable {
  readonly qMax: number;
  /** Value `h(q)`, price units per lot. */
  readonly h: Float64Array;
  readonly bidDelta: Float64Array;
  readonly askDelta: Float64Array;
  /** +1: buy one lot as taker now; -1: sell one lot now; 0: rest only. */
  readonly take: Int8Array;
}

/** The taker action encoded in `take[i]`. */
export function takeAction(code: number): TakeAction {
  return code > 0 ? 'buy' : code < 0 ? 'sell' : null;
}

/**
 * Optimal quotes read off a value vector: `d_b = d*_b(h(q+1) - h(q))`, `d_a = d*_a(h(q-1) - h(q))`;
 * with taker costs, the level trades when an impulse constraint binds (to within `1e-12` relative).
 */
export function quoteTableFromValues(problem: HjbProblem, h: Float64Array): QuoteTable {
  const { qMax, bid, ask, taker } = problem;
  const n = 2 * qMax + 1;
  const bidDelta = new Float64Array(n);
  const askDelta = new Float64Array(n);
  const take = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const hi = h[i]!;
    bidDelta[i] = i < n - 1 ? finiteOrNaN(bid.optimalDelta(h[i + 1]! - hi)) : Number.NaN;
    askDelta[i] = i > 0 ? finiteOrNaN(ask.optimalDelta(h[i - 1]! - hi)) : Number.NaN;
    if (taker) {
      const tol = 1e-12 * (1 + Math.abs(hi));
      if (i < n - 1 && h[i + 1]! - taker.buyCostPerLot >= hi - tol) take[i] = 1;
      else if (i > 0 && h[i - 1]! - taker.sellCostPerLot >= hi - tol) take[i] = -1;
    }
  }
  return { qMax, h, bidDelta, askDelta, take };
}

function finiteOrNaN(x: number): number {
  return Number.isFinite(x) ? x : Number.NaN;
}
