import { OrderBook } from '../book/OrderBook.js';
import type { EventOutput } from '../import/EventOutput.js';
import type { ImportCounters } from '../import/ImportSummary.js';
import { arr, LineError, num, obj, recorderLine } from './fields.js';
import type { VenueDecoder } from './VenueDecoder.js';

/**
 * Binance's order-book sequencing (https://developers.binance.com, "How to manage a local order
 * book correctly"). Futures (USDT-M and COIN-M): drop diffs with `u < lastUpdateId`; the first
 * applied diff has `U <= lastUpdateId <= u`; then each diff's `pu` equals the previous `u`.
 * Spot: drop diffs with `u <= lastUpdateId`; the first applied has `U <= lastUpdateId + 1 <= u`;
 * then each `U` equals the previous `u + 1`.
 */
export type BinanceMarket = 'futures' | 'spot';

export interface BinanceOptions {
  market: BinanceMarket;
  /** Levels per side written with each book event. */
  levels: number;
  /**
   * COIN-M (inverse) contract size in quote currency (USD per contract). Sizes are then
   * converted to base units (`contracts * size / price`). Default: none for USDT-M and spot; for
   * a COIN-M symbol (`BTCUSD_PERP`, with `_`) Binance's sizes, 100 for BTCUSD and 10 otherwise.
   */
  contractSizeQuote?: number;
}

/** Diffs kept while waiting for a snapshot (older ones are dropped, counted `beforeSnapshot`). */
const MAX_BUFFERED_DIFFS = 100_000;

interface Diff {
  tSec: number;
  first: number; // U
  last: number; // u
  prev: number; // pu (futures), NaN for spot
  bids: unknown[];
  asks: unknown[];
}

export function binanceDecoder(
  options: BinanceOptions,
  out: EventOutput,
  counters: ImportCounters,
): VenueDecoder {
  const futures = options.market === 'futures';
  const book = new OrderBook();
  let snapshotId: number | null = null; // lastUpdateId of the snapshot in use
  let started = false; // a diff has been applied since the snapshot
  let prevU = Number.NaN;
  let buffered: Diff[] = [];
  // bookTicker tops newer than the book, compared once the next diff shows no change came between
  let tops: { u: number; bid: number; ask: number }[] = [];
  let contractSize: number | null = options.contractSizeQuote ?? null;
  let sizeOf: ((c: number, px: number) => number) | undefined;
  counters.topUsed = true;

  const setSymbol = (symbol: unknown): void => {
    if (sizeOf || typeof symbol !== 'string') return;
    if (contractSize === null && futures && symbol.includes('_'))
      contractSize = symbol.startsWith('BTCUSD') ? 100 : 10;
    if (contractSize !== null) {
      const cs = contractSize;
      sizeOf = (c, px) => (c * cs) / px;
    }
  };
  if (contractSize !== null) setSymbol('');

  const levelsInto = (side: 'bids' | 'asks', levels: unknown[], field: string): void => {
    const s = side === 'bids' ? book.bids : book.asks;
    for (let i = 0; i < levels.length; i++) {
      const l = arr(levels[i], `${field}[${i}]`);
      const px = num(l[0], `${field}[${i}][0] (price)`);
      const sz = num(l[1], `${field}[${i}][1] (size)`);
      if (sz < 0) throw new LineError(`${field}[${i}][1] (size) must be >= 0`);
      s.set(px, sz);
    }
  };

  const emitBook = (tSec: number): void => {
    out.book(book.snapshot(tSec, options.levels, sizeOf));
  };

  const check = (bid: number, ask: number): void => {
    counters.topChecked++;
    if (book.bids.best() === bid && book.asks.best() === ask) counters.topMatched++;
  };

  const invalidate = (): void => {
    counters.gaps++;
    tops = [];
    snapshotId = null;
    started = false;
    buffered = [];
  };

  const apply = (d: Diff, tSec: number): void => {
    const id = snapshotId!;
    if (!started) {
      if (futures ? d.last < id : d.last <= id) {
        counters.skip('staleDiffs');
        return;
      }
      if (futures ? d.first > id : d.first > id + 1) {
        invalidate(); // the diffs that would bridge the snapshot are missing
        return;
      }
      started = true;
    } else if (futures ? d.prev !== prevU : d.first !== prevU + 1) {
      if (d.last <= prevU) {
        counters.outOfOrder++; // an old or repeated diff
        return;
      }
      invalidate();
      return;
    }
    // a top with prevU <= u < U of this diff saw the book as it is now (no update in between)
    for (const top of tops) if (top.u < d.first) check(top.bid, top.ask);
    tops = [];
    levelsInto('bids', d.bids, 'b');
    levelsInto('asks', d.asks, 'a');
    prevU = d.last;
    emitBook(tSec);
  };

  const onSnapshot = (m: Record<string, unknown>, tSec: number): void => {
    setSymbol(m.symbol);
    book.clear();
    levelsInto('bids', arr(m.bids, 'bids'), 'bids');
    levelsInto('asks', arr(m.asks, 'asks'), 'asks');
    snapshotId = num(m.lastUpdateId, 'lastUpdateId');
    started = false;
    prevU = Number.NaN;
    tops = [];
    emitBook(tSec);
    const pending = buffered;
    buffered = [];
    for (const d of pending) if (snapshotId !== null) apply(d, Math.max(d.tSec, tSec));
  };

  const onDiff = (m: Record<string, unknown>, tSec: number): void => {
    setSymbol(m.s);
    const d: Diff = {
      tSec,
      first: num(m.U, 'U'),
      last: num(m.u, 'u'),
      prev: futures ? num(m.pu, 'pu') : Number.NaN,
      bids: arr(m.b, 'b'),
      asks: arr(m.a, 'a'),
    };
    if (snapshotId === null) {
      buffered.push(d);
      if (buffered.length > MAX_BUFFERED_DIFFS) {
        buffered.shift();
        counters.skip('beforeSnapshot');
      }
      return;
    }
    apply(d, tSec);
  };

  const onTrade = (m: Record<string, unknown>, tSec: number): void => {
    setSymbol(m.s);
    if (m.X !== undefined && m.X !== 'MARKET') {
      counters.skip('nonMarketTrades'); // liquidations by the insurance fund, ADL
      return;
    }
    const px = num(m.p, 'p');
    const qty = num(m.q, 'q');
    if (typeof m.m !== 'boolean') throw new LineError('m (buyer is maker) must be true or false');
    if (!(qty > 0)) throw new LineError('q must be > 0');
    if (snapshotId === null) {
      counters.skip('beforeSnapshot');
      return;
    }
    out.trade(tSec, px, sizeOf ? sizeOf(qty, px) : qty, m.m ? 'sell' : 'buy');
  };

  const onBookTicker = (m: Record<string, unknown>): void => {
    const u = num(m.u, 'u');
    const bid = num(m.b, 'b');
    const ask = num(m.a, 'a');
    if (snapshotId === null || !started || u < prevU) return;
    if (u === prevU) check(bid, ask);
    else if (tops.length < MAX_BUFFERED_DIFFS) tops.push({ u, bid, ask });
  };

  return {
    line(text) {
      if (text.trim() === '') return;
      const { tSec, json } = recorderLine(text);
      const root = obj(json, 'message');
      const m = 'data' in root && 'stream' in root ? obj(root.data, 'data') : root;
      if ('lastUpdateId' in m) return onSnapshot(m, tSec);
      const e = m.e;
      if (e === 'depthUpdate') return onDiff(m, tSec);
      if (e === 'trade' || e === 'aggTrade') return onTrade(m, tSec);
      if (e === 'bookTicker' || (e === undefined && 'u' in m && 'b' in m && 'a' in m))
        return onBookTicker(m);
      counters.skip(`unknown:${typeof e === 'string' ? e : 'message'}`);
    },
    end() {
      if (snapshotId === null && counters.bookEvents === 0)
        throw new LineError(
          'no depth snapshot ({"lastUpdateId":...}) in the input: the book cannot be rebuilt',
        );
      if (buffered.length > 0) counters.skip('afterLastGap', buffered.length);
    },
  };
}
