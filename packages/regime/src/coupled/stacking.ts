import { type QuoteTable, quoteTableFromValues, terminalValues } from '@mm/hjb-core';
import type { RegimeCoupledProblem } from './RegimeCoupledProblem.js';

/** Interleave per-regime value vectors into the stacked `y[i * R + r] = h_r[i]`. */
export function stackValues(perRegime: readonly ArrayLike<number>[], levels: number): Float64Array {
  const R = perRegime.length;
  const y = new Float64Array(levels * R);
  perRegime.forEach((h, r) => {
    for (let i = 0; i < levels; i++) y[i * R + r] = h[i]!;
  });
  return y;
}

/** Regime `r`'s values out of the stacked vector. */
export function regimeValues(y: ArrayLike<number>, regimes: number, r: number): Float64Array {
  const levels = y.length / regimes;
  const h = new Float64Array(levels);
  for (let i = 0; i < levels; i++) h[i] = y[i * regimes + r]!;
  return h;
}

/** One quote table per regime from the stacked values (hjb-core's per-problem quotes). */
export function regimeTables(coupled: RegimeCoupledProblem, y: ArrayLike<number>): QuoteTable[] {
  const R = coupled.problems.length;
  return coupled.problems.map((p, r) => quoteTableFromValues(p, regimeValues(y, R, r)));
}

/** The stacked terminal values `h_r(T, q)`. */
export function stackedTerminalValues(coupled: RegimeCoupledProblem): Float64Array {
  const levels = 2 * coupled.problems[0]!.qMax + 1;
  return stackValues(coupled.problems.map(terminalValues), levels);
}
