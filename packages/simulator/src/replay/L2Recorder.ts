import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { checkL2Event, formatL2Event, type L2Event, type PriceLevel } from '../l2/L2Event.js';

/** Writes market data in the L2 JSON-lines format (see `L2Event.ts` and the README). */
export interface L2Recorder {
  /** A book snapshot at `tSec`: levels `[price, size]`, best first. */
  recordBook(tSec: number, bids: readonly PriceLevel[], asks: readonly PriceLevel[]): void;
  /** A market order at `tSec`; `side` is the aggressor's. */
  recordTrade(tSec: number, px: number, sz: number, side: 'buy' | 'sell'): void;
  /** Any event of the format. */
  record(event: L2Event): void;
  /** Lines written so far. */
  readonly lines: number;
  /** Resolves once buffered lines are below the stream's high-water mark (await it in fast loops). */
  drained(): Promise<void>;
  /** Flush and close the file; rejects with the first write error, if any. */
  close(): Promise<void>;
}

/** Options of `createL2Recorder`. */
export interface L2RecorderOptions {
  /** Append to an existing file instead of truncating it (default false). */
  append?: boolean;
}

/**
 * A recorder writing to `path`. Each event is checked (an invalid one throws `L2FormatError`
 * naming the field) and written as one line; times must not go backwards (a `RangeError`).
 */
export function createL2Recorder(path: string, options: L2RecorderOptions = {}): L2Recorder {
  const out = createWriteStream(path, { flags: options.append ? 'a' : 'w', encoding: 'utf8' });
  let error: Error | null = null;
  out.on('error', (err) => {
    error ??= err;
  });
  let lines = 0;
  let lastT = Number.NEGATIVE_INFINITY;
  let closed = false;
  const write = (event: L2Event): void => {
    if (closed) throw new Error('L2 recorder is closed');
    if (error) throw error;
    checkL2Event(event);
    if (event.t < lastT) throw new RangeError(`t must not go backwards: ${event.t} after ${lastT}`);
    lastT = event.t;
    out.write(`${formatL2Event(event)}\n`);
    lines++;
  };
  return {
    recordBook(t, bids, asks) {
      write({ t, type: 'book', bids, asks });
    },
    recordTrade(t, px, sz, side) {
      write({ t, type: 'trade', px, sz, side });
    },
    record: write,
    get lines() {
      return lines;
    },
    async drained() {
      if (error) throw error;
      if (out.writableNeedDrain) await once(out, 'drain');
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve, reject) => {
        out.end((err?: Error | null) => {
          const e = error ?? err ?? null;
          if (e) reject(e);
          else resolve();
        });
      });
    },
  };
}

/** Write `events` to `path` as JSON lines (truncating it); resolves to the number of lines. */
export async function writeL2File(
  path: string,
  events: Iterable<L2Event> | AsyncIterable<L2Event>,
): Promise<number> {
  const recorder = createL2Recorder(path);
  try {
    for await (const e of events) {
      recorder.record(e);
      if (recorder.lines % 256 === 0) await recorder.drained();
    }
  } finally {
    await recorder.close();
  }
  return recorder.lines;
}
