import { type SyntheticBookParams, syntheticBook } from '../book/syntheticBook.js';
import { arithmeticBrownian } from '../mid/arithmeticBrownian.js';
import type { MidModel } from '../mid/MidModel.js';
import { createRng } from '../rng/xoshiro128.js';
import type { L2Event, PriceLevel } from './L2Event.js';

/** A synthetic market written in the L2 replay format. */
export interface SyntheticL2Config {
  seed: number;
  /** Length of the stream, seconds. */
  durationSec: number;
  /** A book snapshot every this many seconds. */
  bookIntervalSec: number;
  /** Mid at t = 0, price units. */
  initialMidPrice: number;
  /** The mid process (stepped once per book interval). */
  midModel: MidModel;
  book: SyntheticBookParams;
  /** Market orders per second (Poisson). */
  tradeRatePerSec: number;
  /** Mean market order size, base units (exponential sizes). */
  meanTradeSizeBase: number;
  /** Decimals of printed sizes (default 3). */
  sizeDecimals?: number;
}

/**
 * Events of a synthetic market, in time order: a book snapshot every `bookIntervalSec` (the
 * synthetic L2 book around the mid), and between snapshots market orders arriving as a Poisson
 * process at the touch, buying with probability equal to the book imbalance (a bid-heavy book
 * is lifted more often, as in the book-aware fill model), each taking its size out of the touch.
 * Pure and seeded: the same config gives the same events.
 */
export function* generateSyntheticL2(config: SyntheticL2Config): Generator<L2Event> {
  const { seed, durationSec, bookIntervalSec, initialMidPrice, midModel } = config;
  const { tradeRatePerSec, meanTradeSizeBase } = config;
  if (!(durationSec > 0) || !Number.isFinite(durationSec))
    throw new RangeError(`durationSec must be finite and > 0, got ${durationSec}`);
  if (!(bookIntervalSec > 0) || !Number.isFinite(bookIntervalSec))
    throw new RangeError(`bookIntervalSec must be finite and > 0, got ${bookIntervalSec}`);
  if (!(tradeRatePerSec >= 0) || !Number.isFinite(tradeRatePerSec))
    throw new RangeError(`tradeRatePerSec must be finite and >= 0, got ${tradeRatePerSec}`);
  if (!(meanTradeSizeBase > 0) || !Number.isFinite(meanTradeSizeBase))
    throw new RangeError(`meanTradeSizeBase must be finite and > 0, got ${meanTradeSizeBase}`);
  const decimals = config.sizeDecimals ?? 3;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 12)
    throw new RangeError(`sizeDecimals must be an integer in [0, 12], got ${decimals}`);
  const minSize = 10 ** -decimals;
  const roundSize = (x: number): number => Math.max(minSize, Number(x.toFixed(decimals)));
  const roundTime = (t: number): number => Number(t.toFixed(6));

  const midRng = createRng(seed, 0);
  const bookRng = createRng(seed, 1);
  const flowRng = createRng(seed, 2);
  const mid = midModel.start(initialMidPrice, midRng);
  const book = syntheticBook(config.book).start(initialMidPrice, bookRng);
  const snapshot = (t: number): L2Event => {
    const bids: PriceLevel[] = [];
    const asks: PriceLevel[] = [];
    for (let i = 0; i < book.levelCount; i++) {
      bids.push([book.bidPrices[i]!, roundSize(book.bidSizes[i]!)]);
      asks.push([book.askPrices[i]!, roundSize(book.askSizes[i]!)]);
    }
    return { t: roundTime(t), type: 'book', bids, asks };
  };

  const steps = Math.round(durationSec / bookIntervalSec);
  let nextTradeSec =
    tradeRatePerSec > 0 ? flowRng.exponential() / tradeRatePerSec : Number.POSITIVE_INFINITY;
  yield snapshot(0);
  for (let n = 1; n <= steps; n++) {
    const end = n * bookIntervalSec;
    while (nextTradeSec < end) {
      const buy = flowRng.uniform() < book.imbalance;
      const size = roundSize(meanTradeSizeBase * flowRng.exponential());
      const px = buy ? book.bestAskPrice : book.bestBidPrice;
      yield { t: roundTime(nextTradeSec), type: 'trade', px, sz: size, side: buy ? 'buy' : 'sell' };
      book.consume(buy ? 'ask' : 'bid', size);
      nextTradeSec += flowRng.exponential() / tradeRatePerSec;
    }
    book.update(mid.step(bookIntervalSec, midRng.normal(), midRng), bookIntervalSec, bookRng);
    yield snapshot(end);
  }
}

/** The settings of `data/sample-l2.jsonl` (regenerate with `pnpm --filter @mm/simulator sample`). */
export const SAMPLE_L2_CONFIG: SyntheticL2Config = {
  seed: 20260401,
  durationSec: 300,
  bookIntervalSec: 0.25,
  initialMidPrice: 100,
  midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0.01 }),
  book: { tickPrice: 0.01, levels: 5, meanSizeBase: 5, sizeTimescaleSec: 5 },
  tradeRatePerSec: 3,
  meanTradeSizeBase: 1,
};
