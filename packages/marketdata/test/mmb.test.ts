import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { L2Event, PriceLevel } from '@mm/simulator';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventWriter, DataFormatError, readEvents, readMmb } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mm-mmb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Strictly ordered levels, best first: prices from a tick grid or arbitrary doubles. */
const side = (isBid: boolean) =>
  fc
    .uniqueArray(
      fc.oneof(
        fc.integer({ min: -1e6, max: 1e9 }).map((n) => n / 100),
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
      ),
      {
        maxLength: 30,
      },
    )
    .chain((prices) =>
      fc
        .array(
          fc.oneof(
            fc.integer({ min: 0, max: 1e7 }).map((n) => n / 1000),
            fc.double({ min: 0, max: 1e6, noNaN: true }),
          ),
          {
            minLength: prices.length,
            maxLength: prices.length,
          },
        )
        .map((sizes): PriceLevel[] => {
          const sorted = [...prices].sort((a, b) => (isBid ? b - a : a - b));
          return sorted.map((p, i) => [p === 0 ? 0 : p, sizes[i]!]);
        }),
    );

const event: fc.Arbitrary<L2Event> = fc.oneof(
  fc.record({
    t: fc.double({ min: 0, max: 2e9, noNaN: true }),
    type: fc.constant('book' as const),
    bids: side(true),
    asks: side(false),
  }),
  fc.record({
    t: fc.double({ min: 0, max: 2e9, noNaN: true }),
    type: fc.constant('trade' as const),
    px: fc.oneof(
      fc.integer({ min: 1, max: 1e8 }).map((n) => n / 10),
      fc.double({ min: 1e-9, max: 1e9, noNaN: true }),
    ),
    sz: fc.oneof(
      fc.integer({ min: 1, max: 1e8 }).map((n) => n / 1e4),
      fc.double({ min: 1e-12, max: 1e9, noNaN: true }),
    ),
    side: fc.constantFrom('buy' as const, 'sell' as const),
  }),
);

function write(path: string, events: readonly L2Event[]): void {
  const w = createEventWriter(path);
  for (const e of events) w.write(e);
  w.commit();
}

describe('.mmb', () => {
  it('reads back exactly the events written (tick-grid and arbitrary doubles)', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), (events) => {
        const path = join(dir, `p${n++}.mmb`);
        write(path, events);
        const back = [...readMmb(path)];
        rmSync(path);
        // -0 is written as 0 (an integer on the grid)
        expect(back).toEqual(events.map((e) => JSON.parse(JSON.stringify(e)) as L2Event));
      }),
    );
  });

  it('streams a file larger than its 1 MiB read buffer', { timeout: 60_000 }, () => {
    const events: L2Event[] = [];
    for (let i = 0; i < 30_000; i++) {
      const mid = 60_000 + 0.1 * Math.round(50 * Math.sin(i / 100));
      events.push({
        t: 1.7e9 + i * 0.01,
        type: 'book',
        bids: Array.from(
          { length: 20 },
          (_, j): PriceLevel => [Math.round((mid - 0.05 - 0.1 * j) * 100) / 100, (j + 1) / 1000],
        ),
        asks: Array.from(
          { length: 20 },
          (_, j): PriceLevel => [Math.round((mid + 0.05 + 0.1 * j) * 100) / 100, (j + 2) / 1000],
        ),
      });
    }
    const path = join(dir, 'big.mmb');
    write(path, events);
    expect(readFileSync(path).length).toBeGreaterThan(2 << 20);
    let i = 0;
    let differ = 0;
    for (const e of readEvents(path))
      if (JSON.stringify(e) !== JSON.stringify(events[i++])) differ++;
    expect(i).toBe(events.length);
    expect(differ).toBe(0);
  });

  it('a truncated file names the record', () => {
    const path = join(dir, 't.mmb');
    write(path, [
      { t: 1, type: 'trade', px: 100.5, sz: 2, side: 'buy' },
      { t: 2, type: 'book', bids: [[100, 1]], asks: [[101, 2]] },
    ]);
    const whole = readFileSync(path);
    writeFileSync(path, whole.subarray(0, whole.length - 2));
    expect(() => [...readMmb(path)]).toThrow(DataFormatError);
    expect(() => [...readMmb(path)]).toThrow(/record 2|line 2/);
  });
});
