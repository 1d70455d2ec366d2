import type { L2Event } from '@mm/simulator';
import { type MarketOrder, MarketOrderGrouper, type TouchState } from './MarketOrderGrouper.js';
import { MidGrid } from './MidGrid.js';

/** What one pass over an asset's events keeps for calibration. */
export interface AssetRecord {
  grid: MidGrid;
  orders: MarketOrder[];
  /** Smallest positive gap between adjacent book levels, price units (`NaN`: none seen). */
  tickPrice: number;
  /** Time-weighted mean of best ask - best bid over the two-sided book, price units. */
  meanSpreadPrice: number;
  startSec: number;
  endSec: number;
  bookEvents: number;
  tradeEvents: number;
}

/** Round away the float noise of a difference of decimal prices (0.0999999999 -> 0.1). */
function cleanTick(x: number): number {
  return Number(x.toPrecision(8));
}

/** One pass over events (time order): mid grid, market orders (sweeps grouped), tick, spread. */
export function recordAsset(
  events: Iterable<L2Event>,
  sampleSec: number,
  sweepGapSec: number,
): AssetRecord {
  const grid = new MidGrid(sampleSec);
  const orders: MarketOrder[] = [];
  const grouper = new MarketOrderGrouper(sweepGapSec, (o) => orders.push(o));
  let touch: TouchState | null = null;
  let tick = Number.POSITIVE_INFINITY;
  let spreadTime = 0;
  let spreadSec = 0;
  let lastBookSec = Number.NaN;
  let spread = Number.NaN;
  let startSec = Number.NaN;
  let endSec = Number.NaN;
  let bookEvents = 0;
  let tradeEvents = 0;
  for (const e of events) {
    if (Number.isNaN(startSec)) startSec = e.t;
    endSec = e.t;
    if (e.type === 'book') {
      bookEvents++;
      for (const side of [e.bids, e.asks])
        for (let i = 1; i < side.length; i++) {
          const gap = Math.abs(side[i]![0] - side[i - 1]![0]);
          if (gap > 0 && gap < tick) tick = gap;
        }
      const bid = e.bids[0];
      const ask = e.asks[0];
      if (!Number.isNaN(spread)) {
        spreadTime += spread * (e.t - lastBookSec);
        spreadSec += e.t - lastBookSec;
      }
      if (bid && ask) {
        const mid = 0.5 * (bid[0] + ask[0]);
        touch = { mid, bestBid: bid[0], bestAsk: ask[0] };
        spread = ask[0] - bid[0];
        lastBookSec = e.t;
        grid.update(e.t, mid);
      } else spread = Number.NaN;
    } else {
      tradeEvents++;
      grid.advance(e.t);
      if (touch) grouper.print(e.t, e.side, e.px, e.sz, touch);
    }
  }
  grouper.flush();
  return {
    grid,
    orders,
    tickPrice: Number.isFinite(tick) ? cleanTick(tick) : Number.NaN,
    meanSpreadPrice: spreadSec > 0 ? spreadTime / spreadSec : Number.NaN,
    startSec,
    endSec,
    bookEvents,
    tradeEvents,
  };
}
