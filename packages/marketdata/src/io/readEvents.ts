import { closeSync, openSync, readSync } from 'node:fs';
import { type L2Event, L2FormatError, parseL2Line } from '@mm/simulator';
import { isMmb, readMmb } from '../mmb/readMmb.js';
import { DataFormatError } from './DataFormatError.js';

const CHUNK_BYTES = 1 << 20;

/**
 * Stream the lines of an L2 JSON-lines file synchronously in 1 MiB chunks (memory bounded by a
 * chunk plus the longest line). A bad line throws `DataFormatError` naming the file and line.
 */
export function* readL2Lines(path: string): Generator<L2Event> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(CHUNK_BYTES);
    let carry = '';
    let line = 0;
    for (;;) {
      const got = readSync(fd, buf, 0, CHUNK_BYTES, null);
      const text = carry + buf.toString('utf8', 0, got);
      // keep a partial last line (and a split UTF-8 character: JSON-lines here is ASCII)
      const last = got === 0 ? text.length : text.lastIndexOf('\n') + 1;
      let start = 0;
      while (start < last) {
        let nl = text.indexOf('\n', start);
        if (nl < 0 || nl >= last) nl = last;
        const s =
          text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
        line++;
        start = nl + 1;
        if (s.length === 0 || s.trim().length === 0) continue;
        try {
          yield parseL2Line(s, line);
        } catch (err) {
          if (err instanceof L2FormatError)
            throw new DataFormatError(path, line, err.message.replace(/^line \d+: /, ''));
          throw err;
        }
      }
      carry = text.slice(last);
      if (got === 0) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** The events of an imported file: `.mmb` (by its header) or L2 JSON lines, streamed. */
export function readEvents(path: string): Generator<L2Event> {
  let binary: boolean;
  try {
    binary = isMmb(path);
  } catch (err) {
    throw new DataFormatError(path, 0, `cannot open (${(err as Error).message})`);
  }
  return binary ? readMmb(path) : readL2Lines(path);
}
