import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataFormatError } from './DataFormatError.js';

/** One line of a text file with its 1-based number. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/** Whether the file starts with the gzip magic bytes `1f 8b` (the extension is not trusted). */
export function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes as a stream, gunzipped when it is gzip. */
function openText(path: string): { input: Readable; raw: Readable } {
  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  if (!isGzip(path)) return { input: raw, raw };
  return { input: raw.pipe(createGunzip()), raw };
}

/**
 * Stream the lines of a text file, gzip or not (detected from its first bytes), with memory
 * bounded by the longest line. `onBytes` is told each chunk of file bytes read (for progress). A read or decompression error (e.g. a truncated gzip) throws
 * `DataFormatError` naming the file and the line where reading stopped.
 */
export async function* readLines(
  path: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<NumberedLine> {
  let opened: { input: Readable; raw: Readable };
  try {
    opened = openText(path);
  } catch (err) {
    throw new DataFormatError(path, 0, `cannot open (${(err as Error).message})`);
  }
  const { input, raw } = opened;
  let failure: Error | null = null;
  const onError = (err: Error): void => {
    failure ??= err;
  };
  raw.on('error', onError);
  if (onBytes) raw.on('data', (chunk: Buffer | string) => onBytes(chunk.length));
  input.on('error', onError);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  try {
    const it = lines[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<string>;
      try {
        next = await it.next();
      } catch (err) {
        failure ??= err as Error;
        break;
      }
      if (next.done) break;
      n++;
      yield { text: next.value, line: n };
    }
    // readline may end before the stream reports its error: wait for the stream to settle
    if (!failure && !input.readableEnded && !input.destroyed)
      await new Promise<void>((resolve) => {
        input.once('end', resolve);
        input.once('close', resolve);
        input.once('error', () => resolve());
      });
    if (failure) throw failure;
  } catch (err) {
    if (err instanceof DataFormatError) throw err;
    const e = err as NodeJS.ErrnoException;
    const what =
      e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message) ? 'truncated gzip' : e.message;
    throw new DataFormatError(path, n + 1, `unreadable (${what})`);
  } finally {
    lines.close();
    input.destroy();
    raw.destroy();
  }
}
