import { statSync } from 'node:fs';
import type { L2Event } from '@mm/simulator';
import { DataFormatError } from '../io/DataFormatError.js';
import { type NumberedLine, readLines } from '../io/readLines.js';
import { binanceDecoder } from '../venues/binance.js';
import { LineError } from '../venues/fields.js';
import { hyperliquidDecoder } from '../venues/hyperliquid.js';
import { lobsterDecoder } from '../venues/lobster.js';
import { tardisDecoder } from '../venues/tardis.js';
import type { VenueDecoder } from '../venues/VenueDecoder.js';
import { EventOutput } from './EventOutput.js';
import { ImportCounters, type ImportSummary } from './ImportSummary.js';

export const IMPORT_FORMATS = [
  'binance-futures',
  'binance-spot',
  'hyperliquid',
  'tardis',
  'lobster',
] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export interface ImportOptions {
  format: ImportFormat;
  inputs: readonly string[];
  /** Levels per side in each book event (default 20). */
  levels?: number;
  /** Binance COIN-M contract size in quote currency (see `BinanceOptions`). */
  contractSizeQuote?: number;
  /** Called with the input bytes read so far and their total (compressed bytes for gzip). */
  onProgress?: (readBytes: number, totalBytes: number) => void;
}

/** Where reading is: the file and line a `LineError` is reported against. */
interface Cursor {
  file: string;
  line: number;
}

function lineFailure(cursor: Cursor, err: unknown): unknown {
  if (err instanceof LineError) return new DataFormatError(cursor.file, cursor.line, err.message);
  return err;
}

/**
 * Read raw venue files, rebuild the book with the venue's sequencing rules and hand each event
 * (in time order) to `sink`. Returns the summary (counts, gaps, out-of-order, crossed). Throws
 * `DataFormatError` naming the file and line for unreadable input, or for what is missing at the
 * end (e.g. a snapshot), reported at the last line read.
 */
export async function importFiles(
  options: ImportOptions,
  sink: (event: L2Event) => void,
): Promise<ImportSummary> {
  const { format, inputs } = options;
  const levels = options.levels ?? 20;
  if (!Number.isInteger(levels) || levels < 1 || levels > 5000)
    throw new RangeError(`levels must be an integer in [1, 5000], got ${levels}`);
  if (inputs.length === 0) throw new RangeError('at least one input file is needed');
  const counters = new ImportCounters();
  const out = new EventOutput(sink, counters);
  const sizes = inputs.map((f) => {
    try {
      return statSync(f).size;
    } catch (err) {
      throw new DataFormatError(f, 0, `cannot open (${(err as Error).message})`);
    }
  });
  const total = sizes.reduce((a, b) => a + b, 0);
  let readBytes = 0;
  const onBytes = options.onProgress
    ? (n: number): void => {
        readBytes += n;
        options.onProgress!(Math.min(readBytes, total), total);
      }
    : undefined;
  const cursor: Cursor = { file: inputs[0]!, line: 0 };
  const counted = async function* (file: number): AsyncGenerator<NumberedLine> {
    for await (const l of readLines(inputs[file]!, onBytes)) {
      counters.lines++;
      yield l;
    }
  };

  if (format === 'lobster') await importLobster(inputs, levels, out, cursor, counted);
  else if (format === 'tardis') await importTardis(inputs, levels, out, counters, cursor, counted);
  else {
    const decoder: VenueDecoder =
      format === 'hyperliquid'
        ? hyperliquidDecoder(levels, out, counters)
        : binanceDecoder(
            {
              market: format === 'binance-spot' ? 'spot' : 'futures',
              levels,
              ...(options.contractSizeQuote !== undefined
                ? { contractSizeQuote: options.contractSizeQuote }
                : {}),
            },
            out,
            counters,
          );
    for (let f = 0; f < inputs.length; f++) {
      cursor.file = inputs[f]!;
      cursor.line = 0;
      for await (const l of counted(f)) {
        cursor.line = l.line;
        try {
          decoder.line(l.text, f);
        } catch (err) {
          throw lineFailure(cursor, err);
        }
      }
    }
    try {
      decoder.end();
    } catch (err) {
      throw lineFailure(cursor, err);
    }
  }
  return counters.summary(format, inputs, null);
}

type Counted = (file: number) => AsyncGenerator<NumberedLine>;

/** LOBSTER: the message file and the orderbook file, row by row (names say which is which). */
async function importLobster(
  inputs: readonly string[],
  levels: number,
  out: EventOutput,
  cursor: Cursor,
  counted: Counted,
): Promise<void> {
  if (inputs.length !== 2)
    throw new DataFormatError(
      inputs[0]!,
      0,
      `lobster needs two inputs (the message file and the orderbook file), got ${inputs.length}`,
    );
  let msgIndex = 0;
  if (/orderbook/i.test(inputs[0]!) && !/orderbook/i.test(inputs[1]!)) msgIndex = 1;
  const bookIndex = 1 - msgIndex;
  const decoder = lobsterDecoder(levels, out);
  const messages = counted(msgIndex);
  const books = counted(bookIndex);
  for (;;) {
    const [m, b] = await Promise.all([messages.next(), books.next()]);
    if (m.done && b.done) break;
    if (m.done || b.done) {
      const longer = m.done ? bookIndex : msgIndex;
      const line = (m.done ? b.value : m.value)!.line;
      await Promise.all([messages.return(undefined), books.return(undefined)]);
      throw new DataFormatError(
        inputs[longer]!,
        line,
        `has more rows than ${inputs[1 - longer]!} (${line - 1}): a LOBSTER pair has one orderbook row per message`,
      );
    }
    cursor.file = inputs[msgIndex]!;
    cursor.line = m.value.line;
    try {
      decoder.row(m.value.text, b.value.text);
    } catch (err) {
      throw lineFailure(cursor, err);
    }
  }
  try {
    decoder.end();
  } catch (err) {
    throw lineFailure(cursor, err);
  }
}

/** Tardis: every file starts with its header; rows of all files merged by `local_timestamp`. */
async function importTardis(
  inputs: readonly string[],
  levels: number,
  out: EventOutput,
  counters: ImportCounters,
  cursor: Cursor,
  counted: Counted,
): Promise<void> {
  const decoder = tardisDecoder(levels, out, counters);
  const streams = inputs.map((_, f) => counted(f));
  const heads: ({ line: NumberedLine; us: number } | null)[] = [];
  const advance = async (f: number): Promise<void> => {
    for (;;) {
      const r = await streams[f]!.next();
      if (r.done) {
        heads[f] = null;
        return;
      }
      if (r.value.text.trim() === '') continue;
      cursor.file = inputs[f]!;
      cursor.line = r.value.line;
      try {
        heads[f] = { line: r.value, us: decoder.timeOf(r.value.text, f) };
      } catch (err) {
        throw lineFailure(cursor, err);
      }
      return;
    }
  };
  for (let f = 0; f < inputs.length; f++) {
    const first = await streams[f]!.next();
    cursor.file = inputs[f]!;
    cursor.line = 1;
    if (first.done) throw new DataFormatError(inputs[f]!, 1, 'empty file (no CSV header)');
    try {
      decoder.header(first.value.text, f);
    } catch (err) {
      throw lineFailure(cursor, err);
    }
    await advance(f);
  }
  for (;;) {
    let pick = -1;
    for (let f = 0; f < heads.length; f++) {
      const h = heads[f];
      if (h && (pick < 0 || h.us < heads[pick]!.us)) pick = f;
    }
    if (pick < 0) break;
    const h = heads[pick]!;
    cursor.file = inputs[pick]!;
    cursor.line = h.line.line;
    try {
      decoder.row(h.line.text, pick);
    } catch (err) {
      throw lineFailure(cursor, err);
    }
    await advance(pick);
  }
  try {
    decoder.end();
  } catch (err) {
    throw lineFailure(cursor, err);
  }
}
