import { requireNonNegative } from '../mid/MidModel.js';
import type { BookModel, BookPath } from './BookModel.js';

/** A book with no depth: the touch at `mid -+ halfSpreadPrice`, imbalance 0.5. */
export interface FlatBookParams {
  /** Half the market spread, price units (0: taker trades at the mid, as in Avellaneda-Stoikov). */
  halfSpreadPrice: number;
}

/** The default book: a constant spread around the mid, no levels, balanced. */
export function flatBook(params: FlatBookParams = { halfSpreadPrice: 0 }): BookModel {
  const half = params.halfSpreadPrice;
  requireNonNegative('halfSpreadPrice', half);
  const empty = new Float64Array(0);
  return {
    name: 'flat',
    start(midPrice: number): BookPath {
      return {
        bestBidPrice: midPrice - half,
        bestAskPrice: midPrice + half,
        imbalance: 0.5,
        levelCount: 0,
        bidPrices: empty,
        bidSizes: empty,
        askPrices: empty,
        askSizes: empty,
        update(mid: number): void {
          this.bestBidPrice = mid - half;
          this.bestAskPrice = mid + half;
        },
        consume(): void {},
      };
    },
  };
}
