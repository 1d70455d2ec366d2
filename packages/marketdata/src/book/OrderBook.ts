import type { L2BookEvent } from '@mm/simulator';
import { BookSide } from './BookSide.js';

/** A price-level book (both sides) rebuilt from snapshots and diffs. */
export class OrderBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  /** Best bid at or above best ask (an empty side is never crossed). */
  crossed(): boolean {
    return this.bids.best() >= this.asks.best();
  }

  /** Both sides have a level. */
  twoSided(): boolean {
    return this.bids.depth > 0 && this.asks.depth > 0;
  }

  /** The top `levels` of each side as an L2 book event at `tSec`. */
  snapshot(
    tSec: number,
    levels: number,
    size?: (sizeUnits: number, price: number) => number,
  ): L2BookEvent {
    return {
      t: tSec,
      type: 'book',
      bids: this.bids.top(levels, size),
      asks: this.asks.top(levels, size),
    };
  }
}
