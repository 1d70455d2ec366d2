import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createL2Recorder,
  formatL2Event,
  generateSyntheticL2,
  type L2Event,
  readL2Events,
  replayL2,
  replayL2Async,
  SAMPLE_L2_CONFIG,
  writeL2File,
} from '../src/index.js';
import { quote } from './support/policies.js';

const SAMPLE = fileURLToPath(new URL('../data/sample-l2.jsonl', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mm-simulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(source: AsyncIterable<L2Event>): Promise<L2Event[]> {
  const out: L2Event[] = [];
  for await (const e of source) out.push(e);
  return out;
}

describe('data/sample-l2.jsonl', () => {
  it('is exactly what the simulator generates from SAMPLE_L2_CONFIG (regenerate: pnpm sample)', () => {
    const expected = `${[...generateSyntheticL2(SAMPLE_L2_CONFIG)].map(formatL2Event).join('\n')}\n`;
    const text = readFileSync(SAMPLE, 'utf8');
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    expect(text.split('\n').length - 1).toBeLessThan(3000);
  });

  it('streams through readL2Events into the replay with the same result as in memory', async () => {
    const policy = {
      decide: (s: { marketSpreadPrice: number }) =>
        quote(s.marketSpreadPrice / 2, s.marketSpreadPrice / 2),
    };
    const streamed = await replayL2Async(readL2Events(SAMPLE), { policy, seed: 3 });
    const inMemory = replayL2(generateSyntheticL2(SAMPLE_L2_CONFIG), { policy, seed: 3 });
    expect(streamed).toEqual(inMemory);
    expect(streamed.events).toBe(2159);
  });
});

describe('readL2Events', () => {
  it('reads any readable stream, skips blank lines, names the line of a bad event', async () => {
    const text =
      '{"t":0,"type":"trade","px":1,"sz":1,"side":"buy"}\n\n  \r\n{"t":1,"type":"trade","px":1,"sz":0,"side":"buy"}\n';
    const got: L2Event[] = [];
    await expect(
      (async () => {
        for await (const e of readL2Events(Readable.from([text]))) got.push(e);
      })(),
    ).rejects.toThrow(/line 4: sz must be/);
    expect(got).toHaveLength(1);
  });

  it('stops reading and closes the file when the consumer stops early', async () => {
    let n = 0;
    for await (const _ of readL2Events(SAMPLE)) if (++n === 3) break;
    expect(n).toBe(3);
  });
});

describe('createL2Recorder', () => {
  it('writes books and trades that read back as the same events', async () => {
    const path = join(dir, 'recorded.jsonl');
    const rec = createL2Recorder(path);
    rec.recordBook(
      1.5,
      [
        [99.5, 2],
        [99.4, 1],
      ],
      [[100.5, 3]],
    );
    rec.recordTrade(1.75, 100.5, 0.25, 'buy');
    rec.record({ t: 2, type: 'book', bids: [], asks: [[100.4, 1]] });
    expect(rec.lines).toBe(3);
    await rec.close();
    expect(await collect(readL2Events(path))).toEqual([
      {
        t: 1.5,
        type: 'book',
        bids: [
          [99.5, 2],
          [99.4, 1],
        ],
        asks: [[100.5, 3]],
      },
      { t: 1.75, type: 'trade', px: 100.5, sz: 0.25, side: 'buy' },
      { t: 2, type: 'book', bids: [], asks: [[100.4, 1]] },
    ]);
    // appending continues the file
    const more = createL2Recorder(path, { append: true });
    more.recordTrade(3, 100.4, 1, 'buy');
    await more.close();
    expect(await collect(readL2Events(path))).toHaveLength(4);
  });

  it('rejects invalid events, time going backwards, and writes after close', async () => {
    const rec = createL2Recorder(join(dir, 'bad.jsonl'));
    rec.recordTrade(5, 1, 1, 'sell');
    expect(() => rec.recordTrade(4, 1, 1, 'sell')).toThrow(/backwards/);
    expect(() =>
      rec.recordBook(
        6,
        [
          [1, 1],
          [2, 1],
        ],
        [],
      ),
    ).toThrow(/bids\[1\]\[0\]/);
    expect(() => rec.recordTrade(7, 1, -1, 'buy')).toThrow(/sz must be/);
    await rec.close();
    expect(() => rec.recordTrade(8, 1, 1, 'buy')).toThrow(/closed/);
    expect(readFileSync(join(dir, 'bad.jsonl'), 'utf8').split('\n')).toHaveLength(2);
  });

  it('reports a file it cannot open on close', async () => {
    const rec = createL2Recorder(join(dir, 'no-such-dir', 'x.jsonl'));
    await expect(rec.close()).rejects.toThrow(/ENOENT/);
  });

  it('writeL2File writes a generator (with backpressure) and reports the line count', async () => {
    const path = join(dir, 'gen.jsonl');
    const config = { ...SAMPLE_L2_CONFIG, durationSec: 60 };
    const n = await writeL2File(path, generateSyntheticL2(config));
    const back = await collect(readL2Events(path));
    expect(back).toHaveLength(n);
    expect(back).toEqual([...generateSyntheticL2(config)]);
    writeFileSync(path, ''); // an empty file is an empty stream
    expect(await collect(readL2Events(path))).toEqual([]);
  });
});
