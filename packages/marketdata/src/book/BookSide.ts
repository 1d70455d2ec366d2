import type { PriceLevel } from '@mm/simulator';

/**
 * One side of a price-level order book: prices kept sorted best first (bids descending, asks
 * ascending) with their sizes. `set` with size 0 removes the level. Binary search plus splice:
 * O(log n) to find, O(n) to insert or remove, fine for the few thousand levels a venue sends.
 */
export class BookSide {
  private readonly prices: number[] = [];
  private readonly sizes: number[] = [];

  /** `isBid`: bids (best = highest price) or asks (best = lowest). */
  constructor(readonly isBid: boolean) {}

  get depth(): number {
    return this.prices.length;
  }

  /** Best price (`NaN` if empty). */
  best(): number {
    return this.prices.length > 0 ? this.prices[0]! : Number.NaN;
  }

  /** Size at the best price (`NaN` if empty). */
  bestSize(): number {
    return this.sizes.length > 0 ? this.sizes[0]! : Number.NaN;
  }

  clear(): void {
    this.prices.length = 0;
    this.sizes.length = 0;
  }

  /** Set the size at `price` (price units, base or contract units); 0 removes the level. */
  set(price: number, size: number): void {
    const i = this.indexOf(price);
    const found = i < this.prices.length && this.prices[i] === price;
    if (size === 0) {
      if (found) {
        this.prices.splice(i, 1);
        this.sizes.splice(i, 1);
      }
    } else if (found) this.sizes[i] = size;
    else {
      this.prices.splice(i, 0, price);
      this.sizes.splice(i, 0, size);
    }
  }

  /** The best `n` levels as `[price, size]`, sizes mapped by `size` (e.g. contracts to base). */
  top(n: number, size?: (sizeUnits: number, price: number) => number): PriceLevel[] {
    const m = Math.min(n, this.prices.length);
    const out: PriceLevel[] = new Array(m);
    for (let i = 0; i < m; i++) {
      const px = this.prices[i]!;
      out[i] = [px, size ? size(this.sizes[i]!, px) : this.sizes[i]!];
    }
    return out;
  }

  /** First index whose price is not better than `price` (the insertion point). */
  private indexOf(price: number): number {
    let lo = 0;
    let hi = this.prices.length;
    const bid = this.isBid;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = this.prices[mid]!;
      if (bid ? p > price : p < price) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
