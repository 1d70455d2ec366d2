import type { Side } from '@mm/hjb-core';
import type { BookView } from '../book/BookModel.js';

/**
 * Market order flow against one resting lot: market orders arrive as a Poisson process and
 * reach our quote with a probability falling with its distance from the mid, so the quote
 * fills at rate `lambda(d)` (thinning: arrival rate times reach probability).
 */
export interface FillModel {
  readonly name: string;
  /** Fill rate of one lot resting `deltaPrice` (price units, >= 0 behind the mid) on `side`; fills per second. */
  ratePerSec(side: Side, deltaPrice: number, book: BookView): number;
}

/**
 * How a rate becomes a probability over an interval `tau` (seconds):
 * - `exact`: Poisson arrivals, `P = 1 - exp(-lambda tau)`;
 * - `firstOrder`: Avellaneda-Stoikov (2008, section 4), `P = min(1, lambda tau)`.
 */
export type FillProbability = 'exact' | 'firstOrder';

/** Probability of at least one fill over `tauSec` at `ratePerSec` under `mode`. */
export function fillProbability(mode: FillProbability, ratePerSec: number, tauSec: number): number {
  const x = ratePerSec * tauSec;
  if (mode === 'firstOrder') return Math.min(x, 1);
  return -Math.expm1(-x);
}
