import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { L2Event } from '@mm/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFormatError, type ImportFormat, importFiles, importToFile } from '../src/index.js';
import { BTC, FIXTURES } from './paths.js';

const dir = mkdtempSync(join(tmpdir(), 'mm-md-fix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = (name: string) => join(FIXTURES, name);

async function collect(format: ImportFormat, inputs: string[]) {
  const events: L2Event[] = [];
  const summary = await importFiles({ format, inputs }, (e) => events.push(e));
  return { events, summary };
}

describe('formats from their public documentation (small fixtures)', () => {
  it('binance-spot: U/u sequencing, a repeat is out of order, a jump is a gap', async () => {
    const { events, summary } = await collect('binance-spot', [fx('binance_spot.txt')]);
    // snapshot, 161-163, 164-165 applied; 157-160 stale (u <= lastUpdateId); 164-165 again out of
    // order; 170-172 skips 166-169: a gap, the book waits for a new snapshot
    expect(summary.bookEvents).toBe(3);
    expect(summary.skipped.staleDiffs).toBe(1);
    expect(summary.outOfOrder).toBe(1);
    expect(summary.gaps).toBe(1);
    expect(summary.tradeEvents).toBe(1);
    expect(summary.topOfBookChecks).toEqual({ checked: 1, matched: 1 });
    const last = events.filter((e) => e.type === 'book').at(-1)!;
    expect(last).toMatchObject({
      bids: [
        [100.1, 0.5],
        [100, 1],
        [99.9, 3],
      ],
      asks: [
        [100.2, 1.6],
        [100.3, 5],
      ],
    });
    expect(events.find((e) => e.type === 'trade')).toMatchObject({
      px: 100.2,
      sz: 0.4,
      side: 'buy',
    });
  });

  it('binance-futures COIN-M: contracts of 100 USD converted to BTC', async () => {
    const { events, summary } = await collect('binance-futures', [fx('binance_coinm.txt')]);
    expect(summary.bookEvents).toBe(3);
    expect(summary.gaps).toBe(0);
    const book = events[1]!;
    if (book.type !== 'book') throw new Error('expected a book');
    expect(book.bids[0]![1]).toBeCloseTo((12 * 100) / 50_000, 12);
    const trade = events.find((e) => e.type === 'trade');
    expect(trade).toMatchObject({ px: 50_000.1, side: 'buy' });
    if (trade?.type === 'trade') expect(trade.sz).toBeCloseTo((5 * 100) / 50_000.1, 12);
  });

  it('tardis: book and trades merged by local_timestamp, gzip or not, snapshot resets', async () => {
    for (const trades of ['tardis_trades.csv', 'tardis_trades.csv.gz']) {
      const { events, summary } = await collect('tardis', [fx('tardis_book.csv'), fx(trades)]);
      expect(summary.bookEvents).toBe(4);
      expect(summary.tradeEvents).toBe(2);
      expect(summary.skipped.unknownSideTrades).toBe(1);
      expect(events.map((e) => e.type)).toEqual(['book', 'trade', 'book', 'trade', 'book', 'book']);
      expect(events[2]).toMatchObject({
        t: 1585699209.960548,
        bids: [
          [6442.5, 5000],
          [6442, 700],
        ],
      });
      expect(events.at(-1)).toMatchObject({ bids: [[6449, 20]], asks: [[6450, 10]] });
    }
  });

  it('lobster: a book per message, executions as trades (aggressor opposite the order)', async () => {
    const { events, summary } = await collect('lobster', [
      fx('AAPL_2012-06-21_34200000_57600000_message_2.csv'),
      fx('AAPL_2012-06-21_34200000_57600000_orderbook_2.csv'),
    ]);
    expect(summary.bookEvents).toBe(5);
    expect(summary.tradeEvents).toBe(1);
    expect(events[3]).toEqual({
      t: 34200.20178146,
      type: 'trade',
      px: 585.33,
      sz: 10,
      side: 'sell',
    });
    expect(events.at(-1)).toMatchObject({
      bids: [
        [585.33, 8],
        [585.3, 40],
      ],
      asks: [
        [585.93, 100],
        [585.94, 200],
      ],
    });
  });
});

describe('bad input: exit-2 errors name the file and line, no output file left', () => {
  const lines = readFileSync(fx('binance_spot.txt'), 'utf8').split('\n');

  async function failsAt(
    format: ImportFormat,
    inputs: string[],
    file: string,
    line: number,
    text: RegExp,
  ) {
    const output = join(dir, `out-${Math.random().toString(36).slice(2)}.mmb`);
    const err = await importToFile({ format, inputs }, output).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).file).toBe(file);
    expect((err as DataFormatError).line).toBe(line);
    expect((err as Error).message).toMatch(text);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }

  it('a truncated gzip', async () => {
    const whole = readFileSync(BTC);
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, whole.subarray(0, 200_000));
    const err = await importToFile(
      { format: 'binance-futures', inputs: [cut] },
      join(dir, 'x.mmb'),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as DataFormatError).file).toBe(cut);
    expect((err as DataFormatError).line).toBeGreaterThan(1000);
    expect((err as Error).message).toMatch(/truncated gzip/);
    expect(existsSync(join(dir, 'x.mmb'))).toBe(false);
  });

  it('a line that is not JSON (gzip)', async () => {
    const bad = join(dir, 'bad.gz');
    const copy = [...lines];
    copy[4] = '1700000000120000000 {"stream": nope';
    writeFileSync(bad, gzipSync(copy.join('\n')));
    await failsAt('binance-spot', [bad], bad, 5, /not JSON/);
  });

  it('no snapshot', async () => {
    const bad = join(dir, 'nosnap.txt');
    writeFileSync(bad, `${lines.filter((l) => l && !l.includes('lastUpdateId')).join('\n')}\n`);
    await failsAt('binance-spot', [bad], bad, 8, /no depth snapshot/);
  });

  it('a LOBSTER pair with different row counts', async () => {
    const msg = fx('AAPL_2012-06-21_34200000_57600000_message_2.csv');
    await failsAt(
      'lobster',
      [msg, fx('AAPL_2012-06-21_34200000_57600000_orderbook_short.csv')],
      msg,
      5,
      /more rows/,
    );
  });

  it('a field of the wrong type names the field', async () => {
    const bad = join(dir, 'field.txt');
    const copy = [...lines];
    copy[2] = copy[2]!.replace('"U":161', '"U":"x"');
    writeFileSync(bad, copy.join('\n'));
    await failsAt('binance-spot', [bad], bad, 3, /U must be a number/);
  });
});
