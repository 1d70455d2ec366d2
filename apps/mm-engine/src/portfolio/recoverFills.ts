import type { VenueFill } from '../venues/Venue.js';
import { type FillLedger, LedgerError } from './FillLedger.js';
import { Portfolio } from './Portfolio.js';

/** What recovery needs of a venue (a `Venue` is one). */
export interface RecoveryVenue {
  readonly name: string;
  /** The venue's fills since `sinceMs` (epoch ms). */
  fillsSince(sinceMs: number): Promise<VenueFill[]>;
}

export interface RecoverFillsOptions {
  ledger: FillLedger;
  /** The venues to ask for fills missed while the engine was down. */
  venues: readonly RecoveryVenue[];
  /** How far before the last recorded fill of a venue to ask from, ms (default 60 000). */
  marginMs?: number;
  /**
   * Where to ask from (epoch ms) for a venue without any recorded fill; `null` (default) does not
   * ask such a venue.
   */
  sinceMsWhenEmpty?: number | null;
  /** Called for each venue fill the ledger rejects as invalid (it is skipped). */
  onInvalid?: (venue: string, error: LedgerError) => void;
}

/** Counts of one recovery. */
export interface RecoverFillsResult {
  /** The portfolio rebuilt from the ledger and the recovered fills. */
  portfolio: Portfolio;
  /** Fills loaded from the ledger. */
  loaded: number;
  /** Venue fills missing from the ledger, appended and applied now. */
  recovered: number;
  /** Venue fills the ledger already held (skipped). */
  duplicates: number;
  /** Ledger records skipped on load as unreadable (not counting duplicate records). */
  corrupt: number;
  /** Venue fills rejected by validation (skipped, passed to `onInvalid`). */
  invalid: number;
  /** Venues whose `fillsSince` rejected, with the error; their missed fills are not recovered. */
  failedVenues: { venue: string; error: unknown }[];
}

/**
 * The restart routine: loads the ledger into a fresh `Portfolio`, then asks each venue for its
 * fills since its last recorded fill minus `marginMs`, appends each (oldest first; duplicates
 * skipped) and applies those appended. Idempotent: a second run recovers nothing. Run it before
 * the live fill stream is applied (buffer live fills meanwhile; the ledger dedupes them).
 * A ledger error other than an invalid fill (storage down) rejects the whole recovery.
 */
export async function recoverFills(options: RecoverFillsOptions): Promise<RecoverFillsResult> {
  const { ledger } = options;
  const marginMs = options.marginMs ?? 60_000;
  if (!(Number.isFinite(marginMs) && marginMs >= 0)) {
    throw new RangeError(`marginMs: expected a finite number >= 0, got ${marginMs}`);
  }
  const sinceMsWhenEmpty = options.sinceMsWhenEmpty ?? null;

  const portfolio = new Portfolio();
  const fills = await ledger.load();
  for (const fill of fills) portfolio.applyFill(fill);
  const result: RecoverFillsResult = {
    portfolio,
    loaded: fills.length,
    recovered: 0,
    duplicates: 0,
    corrupt: ledger.skipped.filter((r) => r.code !== 'DUPLICATE').length,
    invalid: 0,
    failedVenues: [],
  };

  for (const source of options.venues) {
    const venue = source.name;
    const last = ledger.lastFillTsMs(venue);
    const sinceMs = last === null ? sinceMsWhenEmpty : Math.max(0, last - marginMs);
    if (sinceMs === null) continue;
    let venueFills: VenueFill[];
    try {
      venueFills = await source.fillsSince(sinceMs); // a method: keep `this`
    } catch (error) {
      result.failedVenues.push({ venue, error });
      continue;
    }
    const ordered = venueFills
      .map((fill, i) => ({ fill, i }))
      .sort((a, b) => a.fill.tsMs - b.fill.tsMs || a.i - b.i)
      .map((x) => x.fill);
    for (const fill of ordered) {
      if (fill.venue !== venue) {
        result.invalid += 1;
        options.onInvalid?.(
          venue,
          new LedgerError('INVALID_FILL', 'venue', `expected ${JSON.stringify(venue)}`),
        );
        continue;
      }
      let outcome: 'appended' | 'duplicate';
      try {
        outcome = await ledger.append(fill);
      } catch (e) {
        if (e instanceof LedgerError && e.code === 'INVALID_FILL') {
          result.invalid += 1;
          options.onInvalid?.(venue, e);
          continue;
        }
        throw e;
      }
      if (outcome === 'duplicate') {
        result.duplicates += 1;
      } else {
        portfolio.applyFill(fill);
        result.recovered += 1;
      }
    }
  }
  return result;
}
