import type { L2BookEvent, L2Event, L2TradeEvent } from '@mm/simulator';
import type { ImportCounters } from './ImportSummary.js';

/**
 * Where decoders put events: keeps times non-decreasing (a time that goes back is counted as
 * out of order and clamped), drops crossed or one-sided-empty books (counted), and counts events.
 */
export class EventOutput {
  private lastSec = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sink: (event: L2Event) => void,
    private readonly counters: ImportCounters,
  ) {}

  book(event: L2BookEvent): void {
    const bid = event.bids[0];
    const ask = event.asks[0];
    if (bid && ask && bid[0] >= ask[0]) {
      this.counters.crossed++;
      return;
    }
    this.counters.bookEvents++;
    this.put(event);
  }

  trade(tSec: number, px: number, sz: number, side: 'buy' | 'sell'): void {
    this.counters.tradeEvents++;
    const e: L2TradeEvent = { t: tSec, type: 'trade', px, sz, side };
    this.put(e);
  }

  private put(event: L2Event): void {
    const c = this.counters;
    let e = event;
    if (e.t < this.lastSec) {
      c.outOfOrder++;
      e = { ...e, t: this.lastSec };
    }
    this.lastSec = e.t;
    c.events++;
    c.firstSec ??= e.t;
    c.lastSec = e.t;
    this.sink(e);
  }
}
