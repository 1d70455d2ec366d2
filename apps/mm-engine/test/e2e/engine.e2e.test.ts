import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type EngineConfig, parseEngineConfig } from '@mm/config';
import { BusKey, createCodec, ENVELOPE_VERSION, STREAM_FIELD, streamNames } from '@mm/contracts';
import { createLogger } from '@mm/telemetry';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/Engine.js';
import { metricValue, until } from '../support/e2e.js';
import { deletePrefix, requireRedis, uniquePrefix } from '../support/redis.js';

/**
 * The whole engine in real time: three assets on two simulated venues sharing one market, the
 * real Redis (unique prefix), metrics on a free port. Fill rates are raised (A = 8/s) so a few
 * seconds give dozens of fills.
 */
function e2eConfig(prefix: string, redisUrl: string, ledgerDir: string): EngineConfig {
  const asset = (symbol: string, lotSizeBase: number, tickSize: number, model: object) => ({
    symbol,
    lotSizeBase,
    tickSize,
    qMaxLots: 6,
    policy: 'exact',
    model,
  });
  return parseEngineConfig({
    assets: [
      asset('BTC', 0.001, 0.5, { sigma: 6, A: 8, k: 0.111, gamma: 0.004 }),
      asset('ETH', 0.01, 0.05, { sigma: 0.3, A: 8, k: 2.2, gamma: 0.08 }),
      {
        ...asset('SOL', 0.5, 0.005, { sigma: 0.015, A: 8, k: 44, gamma: 1.6 }),
        policy: 'heuristic',
      },
    ],
    venues: [
      {
        name: 'sim-a',
        kind: 'sim',
        seed: 11,
        marketSeed: 5,
        bookIntervalMs: 20,
        latencyMs: 1,
        makerFeeBps: -0.5,
        initialMidPrice: { BTC: 60000, ETH: 3000, SOL: 150 },
      },
      {
        name: 'sim-b',
        kind: 'sim',
        seed: 12,
        marketSeed: 5,
        bookIntervalMs: 20,
        latencyMs: 3,
        initialMidPrice: { BTC: 60000, ETH: 3000, SOL: 150 },
      },
    ],
    risk: {
      positionLimitLots: 4,
      portfolioNotionalLimit: 100_000,
      maxOrdersPerSec: 200,
      staleDataTimeoutMs: 1000,
      priceBandBps: 100,
    },
    replaceToleranceTicks: 1,
    // an explicit redis section requires Redis; the embedded case below allows the fallback
    redis: {
      url: redisUrl,
      prefix,
      connectTimeoutMs: 500,
      required: redisUrl !== 'redis://127.0.0.1:1',
    },
    metrics: { port: 0 },
    ledger: { dir: ledgerDir },
    snapshotIntervalMs: 200,
    reconcileIntervalMs: 500,
  });
}

/** Log lines kept in memory (JSON), to check what was logged and that no secret was. */
function memoryLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: createLogger({ name: 'mm-engine', level: 'debug', destination }), lines };
}

const quoting = (engine: Engine) =>
  engine.status().assets.every((a) => a.quotes.every((q) => q.bid !== null || q.ask !== null));
const flat = (engine: Engine) =>
  engine.status().assets.every((a) => a.quotes.every((q) => q.bid === null && q.ask === null));

describe('engine end to end (simulated venues, real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let dir: string;

  beforeAll(async () => {
    redis = await requireRedis();
    prefix = uniquePrefix();
    dir = await mkdtemp(join(tmpdir(), 'mm-e2e-'));
  });

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('quotes every asset on both venues, fills within limits, obeys the kill switch and parameter checks, and shuts down flat; a restart recovers the inventory', async () => {
    const { logger, lines } = memoryLogger();
    const config = e2eConfig(prefix, 'redis://127.0.0.1:6379', dir);
    // The deployment's bus key (MM_BUS_KEY): parameter updates below are signed with it.
    const busKey = BusKey.fromText('engine-e2e-test-bus-key-0123456789', 'test');
    const { encode } = createCodec(undefined, { key: busKey });
    const engine = await Engine.start(config, { logger, busKey });
    expect(engine.transportKind).toBe('redis');

    // Quotes on every leg, then fills.
    await until(() => quoting(engine), 5000, 'quotes on every asset and venue');
    await until(() => engine.status().fills >= 20, 15_000, '20 fills');
    const status = engine.status();
    for (const a of status.assets) {
      expect(Math.abs(a.inventoryLots)).toBeLessThanOrEqual(4 + 1 + 1e-9); // limit + one clip in flight per extra venue
      expect(Number.isFinite(a.realizedQuote)).toBe(true);
    }

    // Metrics are served and fed.
    const metrics = await (await fetch(`${engine.metricsUrl}/metrics`)).text();
    expect(metricValue(metrics, 'mm_tick_to_quote_seconds_count')).toBeGreaterThan(100);
    expect(metricValue(metrics, 'mm_fills_total')).toBeGreaterThanOrEqual(20);
    // The inventory gauge is refreshed every snapshot (200 ms): within the limit, a whole lot.
    const btcGauge = metricValue(metrics, 'mm_inventory_lots', { asset: 'BTC' });
    expect(Math.abs(btcGauge)).toBeLessThanOrEqual(5);
    expect(Number.isInteger(btcGauge)).toBe(true);

    // Fills reached the ledger stream and the bus; snapshots are published.
    const names = streamNames(prefix);
    // Fills keep arriving: the ledger holds at least those counted before (equality after stop).
    const counted = engine.status().fills;
    expect(await redis.xlen(`mm:${prefix}:ledger`)).toBeGreaterThanOrEqual(counted);
    await until(async () => (await redis.xlen(names.snapshots)) > 0, 2000, 'a snapshot');
    expect(await redis.xlen(names.fills)).toBeGreaterThan(0);

    // A poisoned parameter update (in the contract's bounds, 1000x the configured A) is rejected.
    const poisoned = encode({
      v: ENVELOPE_VERSION,
      type: 'params',
      ts: Date.now(),
      source: 'test',
      payload: {
        assets: [{ asset: 'BTC', sigma: 6, A: 8000, k: 0.111, gamma: 0.004, qMax: 4 }],
        validUntil: Date.now() + 60_000,
      },
    });
    expect(poisoned.ok).toBe(true);
    if (poisoned.ok) await redis.xadd(names.params, '*', STREAM_FIELD, poisoned.raw);
    await redis.xadd(
      names.params,
      '*',
      STREAM_FIELD,
      '{"v":1,"type":"params","payload":"garbage"}',
    );
    const good = encode({
      v: ENVELOPE_VERSION,
      type: 'params',
      ts: Date.now(),
      source: 'test',
      payload: {
        assets: [{ asset: 'ETH', sigma: 0.35, A: 8, k: 2.2, gamma: 0.08, qMax: 4 }],
        validUntil: Date.now() + 60_000,
      },
    });
    if (good.ok) await redis.xadd(names.params, '*', STREAM_FIELD, good.raw);
    await until(
      () => lines.some((l) => l.includes('parameter update applied')),
      3000,
      'the good update',
    );
    const after = await (await fetch(`${engine.metricsUrl}/metrics`)).text();
    expect(
      metricValue(after, 'mm_parameter_updates_total', { asset: 'BTC', result: 'rejected' }),
    ).toBe(1);
    expect(
      metricValue(after, 'mm_parameter_updates_total', { asset: 'ETH', result: 'applied' }),
    ).toBe(1);
    expect(lines.some((l) => l.includes('payload.assets[0].A'))).toBe(true);
    expect(metricValue(after, 'mm_bus_messages_rejected_total')).toBeGreaterThanOrEqual(1);

    // Kill switch through the Redis key: every order is canceled, then quoting resumes.
    await redis.set(`mm:${prefix}:kill`, 'e2e test');
    await until(() => flat(engine) && engine.status().killed, 3000, 'every quote pulled');
    await redis.del(`mm:${prefix}:kill`);
    await until(() => quoting(engine), 3000, 'quotes back after the kill switch');

    // Graceful shutdown: nothing left open; every fill durable.
    const report = await engine.stop('test');
    expect(report.leftoverOrders).toBe(0);
    const finalInventory = engine.status().assets.map((a) => a.inventoryLots);
    const ledgerLength = await redis.xlen(`mm:${prefix}:ledger`);
    expect(ledgerLength).toBe(report.fillsRecorded);

    // Restart on the same prefix: the inventory is rebuilt from the ledger, nothing counted twice.
    const second = await Engine.start(config, { logger });
    try {
      const restored = second.status().assets.map((a) => a.inventoryLots);
      for (let i = 0; i < restored.length; i++)
        expect(restored[i]).toBeCloseTo(finalInventory[i]!, 9);
      expect(await redis.xlen(`mm:${prefix}:ledger`)).toBe(ledgerLength);
    } finally {
      expect((await second.stop('test')).leftoverOrders).toBe(0);
    }
  }, 60_000);

  it('runs embedded without Redis: in-process transport, file ledger, said once at start-up', async () => {
    const { logger, lines } = memoryLogger();
    // Port 1 refuses connections: the engine falls back at once.
    const config = e2eConfig('embedded', 'redis://127.0.0.1:1', dir);
    const engine = await Engine.start(config, { logger });
    try {
      expect(engine.transportKind).toBe('in-process');
      expect(lines.filter((l) => l.includes('embedded mode')).length).toBe(1);
      await until(() => engine.status().fills >= 5, 15_000, '5 fills');
    } finally {
      const report = await engine.stop('test');
      expect(report.leftoverOrders).toBe(0);
    }
    const file = await readFile(join(dir, 'fills-embedded.jsonl'), 'utf8');
    expect(file.trim().split('\n').length).toBe(engine.status().fills);
  }, 60_000);
});
