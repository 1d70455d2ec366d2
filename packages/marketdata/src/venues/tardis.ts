import { OrderBook } from '../book/OrderBook.js';
import type { EventOutput } from '../import/EventOutput.js';
import type { ImportCounters } from '../import/ImportSummary.js';
import { columnsOf, splitCsv } from './csv.js';
import { LineError, num } from './fields.js';

/**
 * Tardis.dev CSV datasets (https://docs.tardis.dev/downloadable-csv-files):
 * `incremental_book_L2` (`exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount`:
 * `amount` is the new size at the level, 0 removes it; rows with the same `local_timestamp` are
 * one message; `is_snapshot=true` after `false` rows means the book was reset) and `trades`
 * (`exchange,symbol,timestamp,local_timestamp,id,side,price,amount`: `side` is the aggressor's,
 * `unknown` is skipped). Timestamps are microseconds since the epoch; events use
 * `local_timestamp`. Several files are merged in time order by the import driver.
 */
export type TardisKind = 'book' | 'trades';

const BOOK_COLUMNS = ['local_timestamp', 'is_snapshot', 'side', 'price', 'amount'] as const;
const TRADE_COLUMNS = ['local_timestamp', 'side', 'price', 'amount'] as const;

export interface TardisDecoder {
  /** The kind of file a header line announces (a `LineError` if neither). */
  header(text: string, input: number): TardisKind;
  /** The `local_timestamp` of a data row, microseconds (for merging files in time order). */
  timeOf(text: string, input: number): number;
  row(text: string, input: number): void;
  end(): void;
}

export function tardisDecoder(
  levels: number,
  out: EventOutput,
  counters: ImportCounters,
): TardisDecoder {
  const book = new OrderBook();
  const kinds: TardisKind[] = [];
  const bookCols: Record<number, Record<(typeof BOOK_COLUMNS)[number], number>> = {};
  const tradeCols: Record<number, Record<(typeof TRADE_COLUMNS)[number], number>> = {};
  let groupUs = Number.NaN; // local_timestamp of the message being assembled
  let groupOpen = false;
  let lastWasSnapshot = false;
  let seenBook = false;

  const flush = (): void => {
    if (!groupOpen) return;
    groupOpen = false;
    if (book.twoSided()) out.book(book.snapshot(groupUs / 1e6, levels));
    else counters.skip('oneSidedBook');
  };

  const bookRow = (f: string[], input: number): void => {
    const c = bookCols[input]!;
    const us = num(f[c.local_timestamp], 'local_timestamp');
    const snap = f[c.is_snapshot] === 'true';
    if (f[c.is_snapshot] !== 'true' && f[c.is_snapshot] !== 'false')
      throw new LineError(`is_snapshot must be true or false, got "${f[c.is_snapshot]}"`);
    if (groupOpen && (us !== groupUs || snap !== lastWasSnapshot)) flush();
    if (snap && !lastWasSnapshot) book.clear(); // a new snapshot: the book was reset
    lastWasSnapshot = snap;
    const side = f[c.side];
    if (side !== 'bid' && side !== 'ask')
      throw new LineError(`side must be "bid" or "ask", got "${side}"`);
    const px = num(f[c.price], 'price');
    const sz = num(f[c.amount], 'amount');
    if (sz < 0) throw new LineError('amount must be >= 0');
    (side === 'bid' ? book.bids : book.asks).set(px, sz);
    groupUs = us;
    groupOpen = true;
    seenBook = true;
  };

  const tradeRow = (f: string[], input: number): void => {
    flush();
    const c = tradeCols[input]!;
    const us = num(f[c.local_timestamp], 'local_timestamp');
    const side = f[c.side];
    const px = num(f[c.price], 'price');
    const sz = num(f[c.amount], 'amount');
    if (side !== 'buy' && side !== 'sell') {
      if (side === 'unknown') {
        counters.skip('unknownSideTrades');
        return;
      }
      throw new LineError(`side must be "buy", "sell" or "unknown", got "${side}"`);
    }
    if (!(sz > 0)) throw new LineError('amount must be > 0');
    if (!seenBook) {
      counters.skip('beforeBook');
      return;
    }
    out.trade(us / 1e6, px, sz, side);
  };

  return {
    header(text, input) {
      const cols = splitCsv(text).map((x) => x.trim());
      if (cols.includes('is_snapshot')) {
        bookCols[input] = columnsOf(text, BOOK_COLUMNS);
        kinds[input] = 'book';
      } else if (cols.includes('id') && cols.includes('side')) {
        tradeCols[input] = columnsOf(text, TRADE_COLUMNS);
        kinds[input] = 'trades';
      } else
        throw new LineError(
          'header is neither incremental_book_L2 (with is_snapshot) nor trades (with id, side)',
        );
      return kinds[input]!;
    },
    timeOf(text, input) {
      const f = splitCsv(text);
      const c = kinds[input] === 'book' ? bookCols[input]! : tradeCols[input]!;
      return num(f[c.local_timestamp], 'local_timestamp');
    },
    row(text, input) {
      if (text.trim() === '') return;
      const f = splitCsv(text);
      if (kinds[input] === 'book') bookRow(f, input);
      else tradeRow(f, input);
    },
    end() {
      flush();
      if (!seenBook) throw new LineError('no incremental_book_L2 rows in the input');
    },
  };
}
