import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeFillRecord, type SkippedRecord } from '../src/portfolio/FillLedger.js';
import {
  LEDGER_FIELD,
  ledgerKeys,
  RedisFillLedger,
  type RedisFillLedgerOptions,
} from '../src/portfolio/RedisFillLedger.js';
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

/** A prefix whose keys are deleted after the test. */
function testPrefix(): string {
  const prefix = uniquePrefix();
  cleanups.push(() => deletePrefix(admin, prefix));
  return prefix;
}

/** A ledger on its own new client (a "process"), closed after the test. */
async function openLedger(prefix: string, options: Partial<RedisFillLedgerOptions> = {}) {
  const client = await requireRedis();
  const ledger = new RedisFillLedger(client, { prefix, ...options });
  cleanups.push(() => ledger.close());
  return { ledger, client };
}

describe('RedisFillLedger against a real Redis', () => {
  it('appends to a stream and loads everything back in order after a restart', async () => {
    const prefix = testPrefix();
    const keys = ledgerKeys(prefix);
    expect(keys).toEqual({ stream: `mm:${prefix}:ledger`, ids: `mm:${prefix}:ledger:ids` });
    const fills = makeFills(5, 'a').concat(makeFills(3, 'b', 1_800_000_000_000));
    const { ledger: first } = await openLedger(prefix);
    expect(await first.load()).toEqual([]);
    for (const f of fills) expect(await first.append(f)).toBe('appended');
    expect(first.lastFillTsMs('b')).toBe(1_800_000_000_002);
    await first.close();

    const entries = (await admin.xrange(keys.stream, '-', '+')) as [string, string[]][];
    expect(entries.map(([, fields]) => fields)).toEqual(
      fills.map((f) => [LEDGER_FIELD, encodeFillRecord(f)]),
    );
    expect(await admin.hlen(keys.ids)).toBe(8);

    const { ledger: second } = await openLedger(prefix);
    expect(await second.load()).toEqual(fills);
    expect(second.skipped).toEqual([]);
    expect(second.lastFillTsMs('a')).toBe(fills[4]?.tsMs);
    expect(second.lastFillTsMs('b')).toBe(1_800_000_000_002);
    expect(second.lastFillTsMs('z')).toBeNull();
    expect(await second.append(fills[0] ?? makeFill())).toBe('duplicate');
    expect(await admin.xlen(keys.stream)).toBe(8);
  });

  it('loads in pages', async () => {
    const prefix = testPrefix();
    const { ledger } = await openLedger(prefix, { pageSize: 7 });
    const fills = makeFills(50);
    for (const f of fills) await ledger.append(f);
    expect(await ledger.load()).toEqual(fills);
    const { ledger: exact } = await openLedger(prefix, { pageSize: 25 });
    expect(await exact.load()).toEqual(fills);
  });

  it('duplicates are not written; the same id on another venue is another fill', async () => {
    const prefix = testPrefix();
    const { ledger } = await openLedger(prefix);
    const fill = makeFill();
    expect(await ledger.append(fill)).toBe('appended');
    expect(await ledger.append({ ...fill, price: 1 })).toBe('duplicate');
    expect(await ledger.append({ ...fill, venue: 'other' })).toBe('appended');
    expect(
      await Promise.all([
        ledger.append(makeFill({ fillId: 'x' })),
        ledger.append(makeFill({ fillId: 'x' })),
      ]),
    ).toEqual(['appended', 'duplicate']);
    expect(await admin.xlen(ledgerKeys(prefix).stream)).toBe(3);
  });

  it('two instances racing on the same prefix append each fill once', async () => {
    const prefix = testPrefix();
    const { ledger: one } = await openLedger(prefix);
    const { ledger: two } = await openLedger(prefix);
    const fills = makeFills(100);
    const outcomes = await Promise.all(
      fills.flatMap((f) => [one.append(f), two.append(f), one.append(f)]),
    );
    expect(outcomes.filter((o) => o === 'appended')).toHaveLength(100);
    for (let i = 0; i < 100; i++) {
      expect(outcomes.slice(3 * i, 3 * i + 3).filter((o) => o === 'appended')).toHaveLength(1);
    }
    expect(await admin.xlen(ledgerKeys(prefix).stream)).toBe(100);
    const loaded = await one.load();
    expect(new Set(loaded.map((f) => f.fillId)).size).toBe(100);
  });

  it('skips and reports corrupt entries without crashing', async () => {
    const prefix = testPrefix();
    const { stream } = ledgerKeys(prefix);
    const skipped: SkippedRecord[] = [];
    const { ledger } = await openLedger(prefix, { onSkipped: (r) => skipped.push(r) });
    const [a, b, c] = makeFills(3);
    await ledger.append(a ?? makeFill());
    const garbage = await admin.xadd(stream, '*', LEDGER_FIELD, 'not json {');
    const noField = await admin.xadd(stream, '*', 'other', 'x');
    const future = await admin.xadd(stream, '*', LEDGER_FIELD, JSON.stringify({ v: 2, ...b }));
    const bad = await admin.xadd(
      stream,
      '*',
      LEDGER_FIELD,
      JSON.stringify({ v: 1, ...b, tsMs: 'yesterday' }),
    );
    // a copy of a recorded fill written around the script
    const copy = await admin.xadd(stream, '*', LEDGER_FIELD, encodeFillRecord(a ?? makeFill()));
    await ledger.append(b ?? makeFill());
    await ledger.append(c ?? makeFill());

    expect(await ledger.load()).toEqual([a, b, c]);
    expect(skipped.map((r) => [r.code, r.at])).toEqual([
      ['INVALID_JSON', `stream id ${garbage}`],
      ['INVALID_JSON', `stream id ${noField}`],
      ['UNSUPPORTED_VERSION', `stream id ${future}`],
      ['INVALID_FILL', `stream id ${bad}`],
      ['DUPLICATE', `stream id ${copy}`],
    ]);
    expect(skipped[3]?.message).toMatch(/^tsMs: /);
    expect(ledger.skipped).toEqual(skipped);
  });

  it('rejects an invalid fill naming the field, writing nothing', async () => {
    const prefix = testPrefix();
    const { ledger } = await openLedger(prefix);
    await expect(
      ledger.append(makeFill({ price: Number.POSITIVE_INFINITY })),
    ).rejects.toMatchObject({ name: 'LedgerError', code: 'INVALID_FILL', field: 'price' });
    expect(await admin.exists(ledgerKeys(prefix).stream)).toBe(0);
  });

  it('falls back to EVAL when the script is not cached', async () => {
    const prefix = testPrefix();
    const client = await requireRedis();
    cleanups.push(async () => {
      await client.quit();
    });
    const commands: string[] = [];
    const noCache = {
      call: async (command: string, args: unknown[]) => {
        commands.push(command);
        if (command === 'EVALSHA') throw new Error('NOSCRIPT No matching script.');
        return client.call(command, args as string[]);
      },
    } as unknown as Redis;
    const ledger = new RedisFillLedger(noCache, { prefix, ownsClient: false });
    expect(await ledger.append(makeFill())).toBe('appended');
    expect(await ledger.append(makeFill())).toBe('duplicate');
    expect(commands).toEqual(['EVALSHA', 'EVAL', 'EVALSHA', 'EVAL']);
  });

  it('an append whose reply was lost, retried, is reported appended once', async () => {
    const prefix = testPrefix();
    const client = await requireRedis();
    cleanups.push(async () => {
      await client.quit();
    });
    let loseReply = true;
    const lossy = {
      call: async (command: string, args: unknown[]) => {
        const reply = await client.call(command, args as string[]);
        if (loseReply && command.startsWith('EVAL')) throw new Error('Connection is closed.');
        return reply;
      },
    } as unknown as Redis;
    const ledger = new RedisFillLedger(lossy, { prefix, ownsClient: false });
    const fill = makeFill();
    await expect(ledger.append(fill)).rejects.toThrow(/closed/);
    loseReply = false;
    expect(await ledger.append(fill)).toBe('appended');
    expect(await ledger.append(fill)).toBe('duplicate');
    const { ledger: other } = await openLedger(prefix);
    expect(await other.append(fill)).toBe('duplicate');
    expect(await other.load()).toEqual([fill]);
  });

  it('validates options; close quits an owned client; closed ledgers refuse work', async () => {
    const client = await requireRedis();
    cleanups.push(async () => {
      if (client.status !== 'end') await client.quit();
    });
    expect(() => new RedisFillLedger(client, { prefix: 'has space' })).toThrow(/prefix/);
    expect(() => new RedisFillLedger(client, { prefix: 'p', pageSize: 0 })).toThrow(/pageSize/);
    const prefix = testPrefix();
    const ledger = new RedisFillLedger(client, { prefix });
    const ended = new Promise((resolve) => client.once('end', resolve));
    await ledger.close();
    await ledger.close();
    await ended;
    expect(client.status).toBe('end');
    await expect(ledger.append(makeFill())).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(ledger.load()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
