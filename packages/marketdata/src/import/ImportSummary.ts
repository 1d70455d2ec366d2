/** What an import read, wrote and found wrong, reported at the end (`mm data import --json`). */
export interface ImportSummary {
  format: string;
  inputs: string[];
  output: string | null;
  /** Input lines read (all files). */
  lines: number;
  /** Events written: one per message (a book update or a trade print). */
  events: number;
  bookEvents: number;
  tradeEvents: number;
  /** Receive time of the first and last events written, seconds since the epoch (null: none). */
  firstSec: number | null;
  lastSec: number | null;
  /** Sequence gaps: an update that does not follow the previous one (book invalid until the next snapshot). */
  gaps: number;
  /** Messages older than one already applied (dropped), and receive times that went back (clamped). */
  outOfOrder: number;
  /** Book updates that left the book crossed (best bid >= best ask): not written. */
  crossed: number;
  /** Messages read but not written, by reason (e.g. `beforeSnapshot`, `staleDiffs`). */
  skipped: Record<string, number>;
  /** Best bid/ask checks of the rebuilt book against the venue's top-of-book stream (Binance `bookTicker`). */
  topOfBookChecks: { checked: number; matched: number } | null;
}

/** Counters the venue decoders update; `summaryOf` turns them into an `ImportSummary`. */
export class ImportCounters {
  lines = 0;
  events = 0;
  bookEvents = 0;
  tradeEvents = 0;
  firstSec: number | null = null;
  lastSec: number | null = null;
  gaps = 0;
  outOfOrder = 0;
  crossed = 0;
  readonly skipped: Record<string, number> = {};
  topChecked = 0;
  topMatched = 0;
  topUsed = false;

  skip(reason: string, n = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + n;
  }

  summary(format: string, inputs: readonly string[], output: string | null): ImportSummary {
    return {
      format,
      inputs: [...inputs],
      output,
      lines: this.lines,
      events: this.events,
      bookEvents: this.bookEvents,
      tradeEvents: this.tradeEvents,
      firstSec: this.firstSec,
      lastSec: this.lastSec,
      gaps: this.gaps,
      outOfOrder: this.outOfOrder,
      crossed: this.crossed,
      skipped: { ...this.skipped },
      topOfBookChecks: this.topUsed ? { checked: this.topChecked, matched: this.topMatched } : null,
    };
  }
}
