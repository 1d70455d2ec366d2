import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { L2Event } from '@mm/simulator';
import { afterAll, describe, expect, it } from 'vitest';
import { importFiles, importToFile, readEvents } from '../src/index.js';
import { BTC, ETH, HYPERLIQUID } from './paths.js';

const dir = mkdtempSync(join(tmpdir(), 'mm-md-real-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(format: 'binance-futures' | 'hyperliquid', input: string) {
  const events: L2Event[] = [];
  const summary = await importFiles({ format, inputs: [input] }, (e) => events.push(e));
  return { events, summary };
}

describe('import of the recordings in data/real', () => {
  it('BTCUSDT: counts, no gap, never crossed, best bid/ask equal to bookTicker', async () => {
    const { events, summary } = await collect('binance-futures', BTC);
    // data/real/README: 1 snapshot, 6,551 diffs, 66,089 bookTicker, 21,313 trades (93,954 lines)
    expect(summary.lines).toBe(93_954);
    // 6,551 diffs: 4 older than the snapshot (u < lastUpdateId) are dropped, the rest applied,
    // plus the snapshot itself
    expect(summary.skipped).toEqual({ beforeSnapshot: 5, staleDiffs: 4 });
    expect(summary.bookEvents).toBe(1 + 6551 - 4);
    // 21,313 prints less the 5 received before the snapshot
    expect(summary.tradeEvents).toBe(21_313 - 5);
    expect(summary.events).toBe(events.length);
    expect(summary.gaps).toBe(0);
    expect(summary.outOfOrder).toBe(0);
    expect(summary.crossed).toBe(0);
    expect(summary.topOfBookChecks!.checked).toBeGreaterThan(100);
    expect(summary.topOfBookChecks!.matched).toBe(summary.topOfBookChecks!.checked);
    let prevT = 0;
    for (const e of events) {
      expect(e.t).toBeGreaterThanOrEqual(prevT);
      prevT = e.t;
      if (e.type === 'book') expect(e.bids[0]![0]).toBeLessThan(e.asks[0]![0]);
    }
    // README: the mid fell from about 61,800 to 61,660 over the window
    const books = events.filter((e) => e.type === 'book');
    const mid = (e: (typeof books)[number]) => 0.5 * (e.bids[0]![0] + e.asks[0]![0]);
    expect(Math.abs(mid(books[0]!) - 61_800)).toBeLessThan(20);
    expect(Math.abs(mid(books.at(-1)!) - 61_660)).toBeLessThan(20);
  });

  it('ETHUSDT: counts and a clean book', async () => {
    const { summary } = await collect('binance-futures', ETH);
    expect(summary.lines).toBe(74_655);
    expect(summary.bookEvents).toBe(6582);
    expect(summary.tradeEvents).toBe(14_075);
    expect(summary.gaps + summary.outOfOrder + summary.crossed).toBe(0);
    expect(summary.topOfBookChecks!.matched).toBe(summary.topOfBookChecks!.checked);
  });

  it('Hyperliquid: 46 books, the trades replayed on subscribe skipped', async () => {
    const { events, summary } = await collect('hyperliquid', HYPERLIQUID);
    expect(summary.lines).toBe(55);
    expect(summary.bookEvents).toBe(46);
    expect(summary.skipped.staleTrades).toBe(30);
    expect(summary.tradeEvents).toBe(34);
    for (const e of events) if (e.type === 'book') expect(e.bids).toHaveLength(20);
  });

  it('.mmb and JSON lines hold the same events, about 5x smaller', async () => {
    const a = await importToFile({ format: 'binance-futures', inputs: [BTC] }, join(dir, 'b.mmb'));
    const b = await importToFile(
      { format: 'binance-futures', inputs: [BTC] },
      join(dir, 'b.jsonl'),
    );
    expect(a.events).toBe(b.events);
    const fromBinary = [...readEvents(join(dir, 'b.mmb'))];
    const fromText = [...readEvents(join(dir, 'b.jsonl'))];
    expect(fromBinary).toHaveLength(a.events);
    expect(fromBinary).toEqual(fromText);
  });
});
