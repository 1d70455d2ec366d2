import type { Rng } from '../rng/Rng.js';

/** What fill models and policies read from a book: the touch and the imbalance. */
export interface BookView {
  /** Best bid, price units. */
  readonly bestBidPrice: number;
  /** Best ask, price units. */
  readonly bestAskPrice: number;
  /** `Vbid / (Vbid + Vask)` over the top levels, in [0, 1]; 0.5 is balanced (and the default). */
  readonly imbalance: number;
}

/**
 * A synthetic book that follows a mid: an immutable model that starts mutable paths. Level
 * arrays hold `levelCount` levels per side, best first (bids descending, asks ascending); sizes
 * in base units.
 */
export interface BookModel {
  readonly name: string;
  start(midPrice: number, rng: Rng): BookPath;
}

/** One path of a synthetic book. */
export interface BookPath extends BookView {
  bestBidPrice: number;
  bestAskPrice: number;
  imbalance: number;
  readonly levelCount: number;
  readonly bidPrices: Float64Array;
  readonly bidSizes: Float64Array;
  readonly askPrices: Float64Array;
  readonly askSizes: Float64Array;
  /** Re-centre on `midPrice` and evolve sizes over `dtSec`. */
  update(midPrice: number, dtSec: number, rng: Rng): void;
  /** A market order of `sizeBase` took liquidity at the touch of `side` ('bid' = a sell hit it). */
  consume(side: 'bid' | 'ask', sizeBase: number): void;
}

/** `(bestAsk - bestBid)`, price units. */
export function spreadOf(book: BookView): number {
  return book.bestAskPrice - book.bestBidPrice;
}
