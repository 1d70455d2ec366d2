import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type L2Event, parseL2Line } from '../l2/L2Event.js';

/**
 * Stream the events of an L2 JSON-lines file (or any readable stream of its text), one line at
 * a time through `node:readline`: memory stays bounded whatever the file's size. Blank lines are
 * skipped; a bad line throws `L2FormatError` naming its line number and field.
 */
export async function* readL2Events(source: string | Readable): AsyncGenerator<L2Event> {
  const input =
    typeof source === 'string'
      ? createReadStream(source, { encoding: 'utf8', highWaterMark: 1 << 16 })
      : source;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.length === 0 || line.trim().length === 0) continue;
      yield parseL2Line(line, lineNumber);
    }
  } finally {
    lines.close();
    if (typeof source === 'string') input.destroy();
  }
}
