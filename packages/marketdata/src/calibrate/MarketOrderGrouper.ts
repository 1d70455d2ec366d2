/** One market order: the prints of one sweep grouped. */
export interface MarketOrder {
  /** Time of its first print, seconds. */
  tSec: number;
  side: 'buy' | 'sell';
  /** Prints grouped into it. */
  prints: number;
  /** Total size, base units. */
  sizeBase: number;
  /** How far from the mid before the order its worst print went, price units (>= 0). */
  depthPrice: number;
  /** Its worst print was beyond the best opposite quote before the order (it swept a level). */
  beyondTouch: boolean;
}

/** The book before an order: mid and best quotes, price units. */
export interface TouchState {
  mid: number;
  bestBid: number;
  bestAsk: number;
}

/**
 * Groups trade prints into market orders: a print joins the open order when it has the same
 * aggressor side and comes at most `sweepGapSec` after the order's previous print (a sweep
 * through several levels arrives as one print per level). The order's depth is measured from the
 * mid before its first print: `worst price - mid` for a buy, `mid - worst price` for a sell
 * (clamped at 0: a print inside a stale spread).
 */
export class MarketOrderGrouper {
  private open: {
    tSec: number;
    lastSec: number;
    side: 'buy' | 'sell';
    prints: number;
    sizeBase: number;
    worstPx: number;
    before: TouchState;
  } | null = null;

  constructor(
    private readonly sweepGapSec: number,
    private readonly emit: (order: MarketOrder) => void,
  ) {
    if (!(sweepGapSec >= 0) || !Number.isFinite(sweepGapSec))
      throw new RangeError(`sweepGapSec must be finite and >= 0, got ${sweepGapSec}`);
  }

  /** A print at `tSec`; `before` is the book before it (used when it opens an order). */
  print(tSec: number, side: 'buy' | 'sell', px: number, sz: number, before: TouchState): void {
    const o = this.open;
    if (o && o.side === side && tSec - o.lastSec <= this.sweepGapSec) {
      o.lastSec = tSec;
      o.prints++;
      o.sizeBase += sz;
      o.worstPx = side === 'buy' ? Math.max(o.worstPx, px) : Math.min(o.worstPx, px);
      return;
    }
    this.flush();
    this.open = { tSec, lastSec: tSec, side, prints: 1, sizeBase: sz, worstPx: px, before };
  }

  /** Close the open order (at the end of the data). */
  flush(): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    const { mid, bestBid, bestAsk } = o.before;
    const buy = o.side === 'buy';
    const depth = buy ? o.worstPx - mid : mid - o.worstPx;
    const eps = 1e-9 * Math.abs(mid);
    this.emit({
      tSec: o.tSec,
      side: o.side,
      prints: o.prints,
      sizeBase: o.sizeBase,
      depthPrice: Math.max(0, depth),
      beyondTouch: buy ? o.worstPx > bestAsk + eps : o.worstPx < bestBid - eps,
    });
  }
}
