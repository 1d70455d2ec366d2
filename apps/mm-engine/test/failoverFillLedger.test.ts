import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  FailoverFillLedger,
  type FailoverFillLedgerOptions,
  type FailoverState,
  LedgerUnavailableError,
  ledgerRedisOptions,
} from '../src/portfolio/FailoverFillLedger.js';
import { FileFillLedger, fileLedgerPath } from '../src/portfolio/FileFillLedger.js';
import {
  decodeFillRecord,
  type FillLedger,
  fillKey,
  LedgerError,
  LedgerIndex,
  type SkippedRecord,
} from '../src/portfolio/FillLedger.js';
import { LEDGER_FIELD, ledgerKeys, RedisFillLedger } from '../src/portfolio/RedisFillLedger.js';
import type { VenueFill } from '../src/venues/Venue.js';
import { type PrivateRedis, startPrivateRedis } from './support/privateRedis.js';
import { makeFill, makeFills, uniquePrefix } from './support/redis.js';

const APPEND_TIMEOUT_MS = 150;
/** Generous: "does not wait for Redis to come back", not a speed assertion. */
const FAST_FAIL_BOUND_MS = APPEND_TIMEOUT_MS + 1500;

let redis: PrivateRedis;
let admin: Redis;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  redis = await startPrivateRedis();
  admin = new Redis(redis.url, { protocol: 2, lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => {});
  await admin.connect();
}, 20_000);

afterAll(async () => {
  admin?.disconnect();
  await redis?.dispose();
});

beforeEach(async () => {
  // a test that failed mid-outage must not leave the next one without a server
  redis.resume();
  if (!redis.running) await redis.start();
});

afterEach(async () => {
  redis.resume();
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mm-failover-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Setup {
  prefix: string;
  dir: string;
}

async function newSetup(): Promise<Setup> {
  return { prefix: uniquePrefix(), dir: await tempDir() };
}

/** A failover ledger ("a process") over its own ledger client and the setup's file. */
async function openLedger(setup: Setup, options: FailoverFillLedgerOptions = {}) {
  const client = new Redis(redis.url, ledgerRedisOptions({ maxReconnectDelayMs: 100 }));
  client.on('error', () => {});
  await client.connect();
  const states: FailoverState[] = [];
  const file = await FileFillLedger.open({ dir: setup.dir, name: 'test' });
  const ledger = new FailoverFillLedger(
    new RedisFillLedger(client, { prefix: setup.prefix }),
    file,
    {
      appendTimeoutMs: APPEND_TIMEOUT_MS,
      syncIntervalMs: 50,
      closeSyncTimeoutMs: 300,
      ...options,
      onStateChange: (state, detail) => {
        states.push(state);
        options.onStateChange?.(state, detail);
      },
    },
  );
  const close = async () => {
    await ledger.close();
    client.disconnect();
  };
  cleanups.push(close);
  return { ledger, client, states, close };
}

/** The fills in the Redis stream of `prefix`, in stream order. */
async function redisFills(prefix: string): Promise<VenueFill[]> {
  const entries = (await admin.xrange(ledgerKeys(prefix).stream, '-', '+')) as [string, string[]][];
  return entries.map(([, fields]) => {
    const decoded = decodeFillRecord(fields[fields.indexOf(LEDGER_FIELD) + 1] ?? '');
    if (!decoded.ok) throw new Error(decoded.message);
    return decoded.fill;
  });
}

/** The fills in the file of `dir`. */
async function fileFills(dir: string): Promise<VenueFill[]> {
  let text = '';
  try {
    text = await readFile(fileLedgerPath({ dir, name: 'test' }), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const decoded = decodeFillRecord(l);
      if (!decoded.ok) throw new Error(decoded.message);
      return decoded.fill;
    });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const synced = (ledger: FailoverFillLedger) => () =>
  ledger.state === 'primary' && ledger.pendingSync === 0;

async function timed<T>(op: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await op;
  return { value, ms: performance.now() - t0 };
}

describe('FailoverFillLedger against a private redis-server', () => {
  it('appends go to Redis and not to the file while Redis answers', async () => {
    const setup = await newSetup();
    const { ledger, states } = await openLedger(setup);
    expect(await ledger.load()).toEqual([]);
    const fills = makeFills(5);
    for (const f of fills) expect(await ledger.append(f)).toBe('appended');
    expect(await ledger.append(fills[0]!)).toBe('duplicate');
    expect(await redisFills(setup.prefix)).toEqual(fills);
    expect(await fileFills(setup.dir)).toEqual([]);
    expect(ledger.state).toBe('primary');
    expect(ledger.pendingSync).toBe(0);
    expect(states).toEqual([]);
    expect(ledger.lastFillTsMs('sim')).toBe(fills[4]!.tsMs);
  });

  it('a killed Redis: appends land in the file, then sync to Redis in order when it is back', async () => {
    const setup = await newSetup();
    const { ledger, states } = await openLedger(setup);
    await ledger.load();
    const fills = makeFills(8);
    for (const f of fills.slice(0, 2)) expect(await ledger.append(f)).toBe('appended');

    await redis.stop();
    for (const f of fills.slice(2, 6)) {
      const { value, ms } = await timed(ledger.append(f));
      expect(value).toBe('appended');
      expect(ms).toBeLessThan(FAST_FAIL_BOUND_MS);
    }
    expect(ledger.state).toBe('degraded');
    expect(ledger.pendingSync).toBe(4);
    expect(await fileFills(setup.dir)).toEqual(fills.slice(2, 6));
    // a fill Redis already holds is a duplicate during the outage too, and is not written
    expect(await ledger.append(fills[0]!)).toBe('duplicate');
    expect(await ledger.append(fills[3]!)).toBe('duplicate');
    expect(await fileFills(setup.dir)).toEqual(fills.slice(2, 6));

    await redis.start();
    // appended while the backlog drains: behind it, so Redis keeps the append order
    expect(await ledger.append(fills[6]!)).toBe('appended');
    await waitFor('sync', synced(ledger));
    expect(await ledger.append(fills[7]!)).toBe('appended');
    expect(states).toEqual(['degraded', 'primary']);
    expect(await redisFills(setup.prefix)).toEqual(fills);
    expect(await admin.xlen(ledgerKeys(setup.prefix).stream)).toBe(fills.length);
    expect(await admin.hlen(ledgerKeys(setup.prefix).ids)).toBe(fills.length);
  });

  it('a hung Redis: appends time out into the file; the late write is not duplicated', async () => {
    const setup = await newSetup();
    const { ledger, states } = await openLedger(setup);
    await ledger.load();
    const fills = makeFills(4);
    expect(await ledger.append(fills[0]!)).toBe('appended');

    redis.pause();
    // the first append waits out appendTimeoutMs, then goes to the file
    const first = await timed(ledger.append(fills[1]!));
    expect(first.value).toBe('appended');
    expect(first.ms).toBeGreaterThanOrEqual(APPEND_TIMEOUT_MS - 5);
    expect(first.ms).toBeLessThan(FAST_FAIL_BOUND_MS);
    expect(ledger.state).toBe('degraded');
    // degraded: the next goes straight to the file, behind the backlog
    expect(await ledger.append(fills[2]!)).toBe('appended');
    expect(await fileFills(setup.dir)).toEqual(fills.slice(1, 3));
    redis.resume();
    // the timed-out EVALSHA of fills[1] still runs on the server: the sync finds it there
    await waitFor('sync', synced(ledger));
    expect(await ledger.append(fills[3]!)).toBe('appended');
    expect(states).toEqual(['degraded', 'primary']);
    expect(await redisFills(setup.prefix)).toEqual(fills);
  });

  it('a restart of the ledger over the same Redis and file loads every fill once', async () => {
    const setup = await newSetup();
    const first = await openLedger(setup);
    await first.ledger.load();
    const fills = makeFills(6, 'a').concat(makeFills(3, 'b', 1_800_000_000_000));
    for (const f of fills.slice(0, 3)) await first.ledger.append(f);
    await redis.stop();
    for (const f of fills.slice(3)) expect(await first.ledger.append(f)).toBe('appended');
    expect(first.ledger.pendingSync).toBe(6);
    // closes while Redis is down: the last sync fails, the fills stay in the file
    await first.close();
    await redis.start();
    expect(await redisFills(setup.prefix)).toEqual(fills.slice(0, 3));

    const second = await openLedger(setup);
    expect(await second.ledger.load()).toEqual(fills);
    expect(second.ledger.lastFillTsMs('a')).toBe(fills[5]!.tsMs);
    expect(second.ledger.lastFillTsMs('b')).toBe(1_800_000_000_002);
    for (const f of fills) expect(await second.ledger.append(f)).toBe('duplicate');
    await waitFor('sync', synced(second.ledger));
    expect(second.states).toEqual(['degraded', 'primary']);
    expect(await redisFills(setup.prefix)).toEqual(fills);
    await second.close();

    // the file still holds the synced fills: loaded once
    const third = await openLedger(setup);
    expect(await third.ledger.load()).toEqual(fills);
    expect(third.ledger.pendingSync).toBe(0);
    expect(third.ledger.state).toBe('primary');
    expect(third.ledger.skipped).toEqual([]);
  });

  it('load rejects while Redis is down (it cannot know the fills Redis holds)', async () => {
    const setup = await newSetup();
    const { ledger } = await openLedger(setup);
    await redis.stop();
    await expect(ledger.load()).rejects.toThrow();
    await expect(ledger.append(makeFill())).rejects.toThrow();
    await redis.start();
    // reconnects by itself; the append retried loads first, then records
    let result: string | undefined;
    const deadline = Date.now() + 8000;
    while (result === undefined) {
      try {
        result = await ledger.append(makeFill());
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    expect(result).toBe('appended');
  });

  it('ledgerRedisOptions: a command fails fast while Redis is down; the client reconnects', async () => {
    const client = new Redis(redis.url, ledgerRedisOptions({ maxReconnectDelayMs: 100 }));
    client.on('error', () => {});
    cleanups.push(async () => client.disconnect());
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await redis.stop();
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await expect(client.ping()).rejects.toThrow();
      expect(performance.now() - t0).toBeLessThan(FAST_FAIL_BOUND_MS);
    }
    await redis.start();
    await waitFor('ready', () => client.status === 'ready');
    expect(await client.ping()).toBe('PONG');
  });

  it('property: any interleaving of appends, outages and restarts records each fill once', async () => {
    const op = fc.oneof(
      { weight: 6, arbitrary: fc.nat({ max: 11 }).map((i) => ({ kind: 'append' as const, i })) },
      { weight: 2, arbitrary: fc.constant({ kind: 'kill' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'start' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'restartLedger' as const }) },
    );
    const fillOf = (i: number) =>
      makeFill({
        fillId: `p${i}`,
        venue: i % 2 === 0 ? 'x' : 'y',
        price: 100 + i,
        tsMs: 1_700_000_000_000 + i,
      });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 16 }), async (ops) => {
        if (!redis.running) await redis.start();
        const setup = await newSetup();
        let current = await openLedger(setup);
        await current.ledger.load();
        const appendedCount = new Map<string, number>();
        const seen = new Map<string, VenueFill>();
        for (const o of ops) {
          if (o.kind === 'append') {
            const fill = fillOf(o.i);
            const key = fillKey(fill);
            seen.set(key, fill);
            if ((await current.ledger.append(fill)) === 'appended') {
              appendedCount.set(key, (appendedCount.get(key) ?? 0) + 1);
            }
          } else if (o.kind === 'kill') {
            await redis.stop();
          } else if (o.kind === 'start') {
            await redis.start();
          } else {
            await current.close();
            await redis.start();
            current = await openLedger(setup);
            const loaded = await current.ledger.load();
            expect(new Set(loaded.map(fillKey)).size).toBe(loaded.length);
            expect(new Set(loaded.map(fillKey))).toEqual(new Set(seen.keys()));
          }
        }
        await redis.start();
        await waitFor('sync', synced(current.ledger));
        await current.close();

        const keys = [...seen.keys()];
        for (const key of keys) expect(appendedCount.get(key)).toBe(1);
        const last = await openLedger(setup);
        const loaded = await last.ledger.load();
        expect(loaded.length).toBe(keys.length);
        expect(new Set(loaded.map(fillKey))).toEqual(new Set(keys));
        expect(last.ledger.pendingSync).toBe(0);
        expect(await admin.xlen(ledgerKeys(setup.prefix).stream)).toBe(keys.length);
        expect(new Set((await redisFills(setup.prefix)).map(fillKey))).toEqual(new Set(keys));
        await last.close();
      }),
      { numRuns: 6 },
    );
  }, 60_000);
});

/** An in-memory ledger whose appends can be made to fail or hang (until released). */
class FakeLedger implements FillLedger {
  readonly records: VenueFill[] = [];
  private readonly index = new LedgerIndex();
  mode: 'ok' | 'fail' | 'hang' = 'ok';
  private readonly hung: (() => void)[] = [];
  readonly skipped: readonly SkippedRecord[] = [];

  async append(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    if (this.mode === 'fail') {
      this.index.failedAppend(fill);
      throw new Error('down');
    }
    if (this.mode === 'hang') await new Promise<void>((r) => this.hung.push(r));
    if (this.records.some((f) => fillKey(f) === fillKey(fill))) {
      return this.index.resolveExisting(fill);
    }
    this.records.push(fill);
    this.index.appended(fill);
    return 'appended';
  }

  /** Lets the hung appends through (they land now). */
  release(): void {
    this.mode = 'ok';
    for (const r of this.hung.splice(0)) r();
  }

  async load(): Promise<VenueFill[]> {
    if (this.mode !== 'ok') throw new Error('down');
    for (const f of this.records) this.index.loaded(f);
    return [...this.records];
  }

  lastFillTsMs(venue: string): number | null {
    return this.index.lastFillTsMs(venue);
  }

  async close(): Promise<void> {}
}

describe('FailoverFillLedger over fake ledgers', () => {
  const open = (primary: FakeLedger, file: FakeLedger, options: FailoverFillLedgerOptions = {}) =>
    new FailoverFillLedger(primary, file, {
      appendTimeoutMs: 20,
      syncIntervalMs: 10,
      closeSyncTimeoutMs: 50,
      ...options,
    });

  it('both down: the append rejects; the retry that lands reports appended, once', async () => {
    const primary = new FakeLedger();
    const file = new FakeLedger();
    const ledger = open(primary, file);
    await ledger.load();
    primary.mode = 'hang';
    file.mode = 'fail';
    const fill = makeFill();
    await expect(ledger.append(fill)).rejects.toBeInstanceOf(LedgerUnavailableError);
    expect(ledger.state).toBe('primary');
    primary.release(); // the timed-out append lands in the primary after all
    await new Promise((r) => setTimeout(r, 5));
    file.mode = 'ok';
    expect(await ledger.append(fill)).toBe('appended');
    expect(await ledger.append(fill)).toBe('duplicate');
    expect(primary.records).toEqual([fill]);
    expect(file.records).toEqual([]);
    await ledger.close();
  });

  it('a timed-out primary append that lands late is synced once and reported once', async () => {
    const primary = new FakeLedger();
    const file = new FakeLedger();
    const ledger = open(primary, file);
    await ledger.load();
    primary.mode = 'hang';
    const fills = makeFills(3);
    for (const f of fills) expect(await ledger.append(f)).toBe('appended');
    expect(file.records).toEqual(fills);
    expect(ledger.pendingSync).toBe(3);
    primary.release();
    await waitFor('sync', synced(ledger), 2000);
    expect(primary.records).toEqual(fills);
    for (const f of fills) expect(await ledger.append(f)).toBe('duplicate');
    await ledger.close();
  });

  it('rejects bad options and invalid fills naming the field; appends after close reject', async () => {
    const build = (options: FailoverFillLedgerOptions) => () =>
      open(new FakeLedger(), new FakeLedger(), options);
    expect(build({ appendTimeoutMs: 0 })).toThrow(/appendTimeoutMs/);
    expect(build({ syncIntervalMs: Number.NaN })).toThrow(/syncIntervalMs/);
    expect(build({ closeSyncTimeoutMs: -1 })).toThrow(/closeSyncTimeoutMs/);
    expect(() => ledgerRedisOptions({ commandTimeoutMs: 0 })).toThrow(LedgerError);
    const ledger = open(new FakeLedger(), new FakeLedger());
    await expect(ledger.append(makeFill({ price: -1 }))).rejects.toMatchObject({
      code: 'INVALID_FILL',
      field: 'price',
    });
    await ledger.close();
    await expect(ledger.append(makeFill())).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(ledger.load()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
