import type { Side } from '@mm/hjb-core';
import type { BookView } from '../book/BookModel.js';
import type { FillModel } from './FillModel.js';

/** The seed's book-aware model (docs/math.md §3). */
export interface BookAwareFillsParams {
  /** Fill rate at the touch for a balanced book, fills per second (seed default 1). */
  lambda0PerSec: number;
  /** Decay per price unit beyond the market half spread. */
  betaPerPrice: number;
}

/**
 * `lambda_b(d) = lambda0 2(1 - I) exp(-beta max(d - s/2, 0))` (`2I` for the ask), with the spread
 * `s` and imbalance `I` (clamped to [0, 1]) read from the book at each call: the rate of
 * `@mm/hjb-core`'s `BookAwareIntensity.ratePerSec` for that book (a test checks they agree),
 * computed in place because the book changes every step.
 */
export function bookAwareFills(params: BookAwareFillsParams): FillModel {
  const { lambda0PerSec, betaPerPrice } = params;
  if (!(lambda0PerSec >= 0) || !Number.isFinite(lambda0PerSec))
    throw new RangeError(`lambda0PerSec must be >= 0, got ${lambda0PerSec}`);
  if (!(betaPerPrice > 0) || !Number.isFinite(betaPerPrice))
    throw new RangeError(`betaPerPrice must be > 0, got ${betaPerPrice}`);
  return {
    name: 'book-aware',
    ratePerSec(side: Side, deltaPrice: number, book: BookView): number {
      const half = Math.max(0, (book.bestAskPrice - book.bestBidPrice) / 2);
      const imbalance = Math.min(1, Math.max(0, book.imbalance));
      const touch = lambda0PerSec * 2 * (side === 'bid' ? 1 - imbalance : imbalance);
      const beyond = deltaPrice - half;
      return beyond > 0 ? touch * Math.exp(-betaPerPrice * beyond) : touch;
    },
  };
}
