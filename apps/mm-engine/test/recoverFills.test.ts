import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileFillLedger } from '../src/portfolio/FileFillLedger.js';
import type { FillLedger } from '../src/portfolio/FillLedger.js';
import { Portfolio } from '../src/portfolio/Portfolio.js';
import { LEDGER_FIELD, ledgerKeys, RedisFillLedger } from '../src/portfolio/RedisFillLedger.js';
import { type RecoveryVenue, recoverFills } from '../src/portfolio/recoverFills.js';
import type { VenueFill } from '../src/venues/Venue.js';
import { deletePrefix, makeFill, makeFills, requireRedis, uniquePrefix } from './support/redis.js';

let admin: Redis;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  admin = await requireRedis();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await admin?.quit();
});

/** A ledger store: `open()` is one process's ledger instance on it (a restart opens another). */
interface Store {
  open(): Promise<FillLedger>;
  /** Writes an unreadable record straight into the storage. */
  corrupt(): Promise<void>;
}

async function fileStore(): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'mm-recover-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return {
    open: async () => {
      const ledger = await FileFillLedger.open({ dir, name: 'engine' });
      cleanups.push(() => ledger.close());
      return ledger;
    },
    corrupt: () => appendFile(join(dir, 'fills-engine.jsonl'), 'garbage\n'),
  };
}

async function redisStore(): Promise<Store> {
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(admin, prefix));
  return {
    open: async () => {
      const ledger = new RedisFillLedger(await requireRedis(), { prefix });
      cleanups.push(() => ledger.close());
      return ledger;
    },
    corrupt: async () => {
      await admin.xadd(ledgerKeys(prefix).stream, '*', LEDGER_FIELD, 'garbage');
    },
  };
}

/** Fake venues over one history: `fillsSince` returns their fills at or after `sinceMs`, newest first. */
function venueHistory(fills: readonly VenueFill[]) {
  const asked: { venue: string; sinceMs: number }[] = [];
  class FakeVenue implements RecoveryVenue {
    constructor(readonly name: string) {}
    async fillsSince(sinceMs: number) {
      asked.push({ venue: this.name, sinceMs });
      return fills.filter((f) => f.venue === this.name && f.tsMs >= sinceMs).reverse();
    }
  }
  const venues = (...names: string[]) => names.map((n) => new FakeVenue(n));
  return { venues, asked };
}

const applyAll = (fills: readonly VenueFill[]) => {
  const p = new Portfolio();
  for (const f of fills) p.applyFill(f);
  return p;
};

const T0 = 1_700_000_000_000;

/** Same positions (per venue too) and the same total P&L at a mark, up to float noise. */
function expectSamePortfolio(got: Portfolio, want: Portfolio) {
  expect(got.assets().sort()).toEqual(want.assets().sort());
  for (const asset of want.assets()) {
    expect(got.positionBase(asset)).toBeCloseTo(want.positionBase(asset), 9);
    for (const venue of Object.keys(want.venuePositions())) {
      expect(got.venuePositionBase(venue, asset)).toBeCloseTo(
        want.venuePositionBase(venue, asset),
        9,
      );
    }
    const pnl = (p: Portfolio) => p.realized(asset) + p.unrealized(asset, 150);
    expect(pnl(got)).toBeCloseTo(pnl(want), 6);
  }
}

describe.each([
  ['file', fileStore],
  ['redis', redisStore],
])('recoverFills with the %s ledger', (_kind, makeStore) => {
  it('after a crash, appends exactly the fills the venue reported but the ledger missed', async () => {
    const store = await makeStore();
    // one fill a second on each venue
    const a = makeFills(20, 'a', T0).map((f, i) => ({ ...f, tsMs: T0 + i * 1000 }));
    const b = makeFills(10, 'b', T0).map((f, i) => ({ ...f, tsMs: T0 + i * 1000 + 500 }));
    // session 1 recorded a[0..14] except a[12] (its write was in flight), and b[0..4]; then crashed
    const recorded = [...a.slice(0, 15).filter((_, i) => i !== 12), ...b.slice(0, 5)];
    const before = await store.open();
    for (const f of recorded) expect(await before.append(f)).toBe('appended');
    await before.close();

    const venue = venueHistory([...a, ...b]);
    const ledger = await store.open();
    const result = await recoverFills({
      ledger,
      venues: venue.venues('a', 'b'),
      marginMs: 3000,
    });
    expect(venue.asked).toEqual([
      { venue: 'a', sinceMs: T0 + 14_000 - 3000 },
      { venue: 'b', sinceMs: T0 + 4500 - 3000 },
    ]);
    // a asked from a[11]: a[11], a[13], a[14] known, a[12] and a[15..19] missing;
    // b asked from b[1]: b[1..4] known, b[5..9] missing
    expect(result).toMatchObject({
      loaded: recorded.length,
      recovered: 6 + 5,
      duplicates: 3 + 4,
      corrupt: 0,
      invalid: 0,
      failedVenues: [],
    });
    const all = [...a, ...b];
    expectSamePortfolio(result.portfolio, applyAll(all));
    await ledger.close();

    // the ledger now holds every fill once
    const check = await store.open();
    const stored = await check.load();
    expect(stored).toHaveLength(all.length);
    expect(new Set(stored.map((f) => `${f.venue}:${f.fillId}`)).size).toBe(all.length);
    expect(check.lastFillTsMs('a')).toBe(T0 + 19_000);
    await check.close();

    // recovering again changes nothing
    const again = await recoverFills({
      ledger: await store.open(),
      venues: venue.venues('a', 'b'),
      marginMs: 3000,
    });
    expect(again).toMatchObject({ loaded: all.length, recovered: 0, duplicates: 4 + 4 });
    expect(again.portfolio.venuePositions()).toEqual(result.portfolio.venuePositions());
    expect(again.portfolio.realized()).toBe(result.portfolio.realized());
  });

  it('venues without a recorded fill are asked from sinceMsWhenEmpty, or not at all', async () => {
    const store = await makeStore();
    const fills = makeFills(3, 'new', T0);
    const venue = venueHistory(fills);
    const skipped = await recoverFills({
      ledger: await store.open(),
      venues: venue.venues('new'),
    });
    expect(skipped).toMatchObject({ loaded: 0, recovered: 0 });
    expect(venue.asked).toEqual([]);
    const asked = await recoverFills({
      ledger: await store.open(),
      venues: venue.venues('new'),
      sinceMsWhenEmpty: T0 - 10,
    });
    expect(asked).toMatchObject({ loaded: 0, recovered: 3, duplicates: 0 });
    expect(asked.portfolio.position('BTC').fills).toBe(3);
  });

  it('reports corrupt records, invalid venue fills and failing venues, and goes on', async () => {
    const store = await makeStore();
    const first = await store.open();
    await first.append(makeFill({ venue: 'a', fillId: 'a0', tsMs: T0 }));
    await first.append(makeFill({ venue: 'down', fillId: 'd0', tsMs: T0 }));
    await first.close();
    await store.corrupt();
    const invalid: string[] = [];
    const aFills = [
      makeFill({ venue: 'a', fillId: 'a1', tsMs: T0 + 2, price: Number.NaN }),
      makeFill({ venue: 'elsewhere', fillId: 'a2', tsMs: T0 + 3 }),
      makeFill({ venue: 'a', fillId: 'a3', tsMs: T0 + 1 }),
      makeFill({ venue: 'a', fillId: 'a0', tsMs: T0 }),
    ];
    const result = await recoverFills({
      ledger: await store.open(),
      venues: [
        { name: 'a', fillsSince: async () => aFills },
        {
          name: 'down',
          fillsSince: async () => {
            throw new Error('503');
          },
        },
      ],
      onInvalid: (venue, e) => invalid.push(`${venue} ${e.field}`),
    });
    expect(result).toMatchObject({
      loaded: 2,
      recovered: 1,
      duplicates: 1,
      corrupt: 1,
      invalid: 2,
    });
    expect(invalid.sort()).toEqual(['a price', 'a venue']);
    expect(result.failedVenues).toEqual([{ venue: 'down', error: new Error('503') }]);
    expect(result.portfolio.venuePositionBase('a', 'BTC')).toBe(1);
    expect(result.portfolio.venuePositionBase('down', 'BTC')).toBe(0.5);
  });
});
