import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseEngineConfig } from '@mm/config';
import { streamNames } from '@mm/contracts';
import { createLogger } from '@mm/telemetry';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/Engine.js';
import { type PrivateRedis, startPrivateRedis } from '../support/privateRedis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * A Redis outage while the engine trades (its own redis-server, persistent, killed and
 * restarted on the same port): quoting goes on, fills go to the local backlog file, and once
 * Redis is back the backlog reaches the ledger stream, the bus reconnects by itself, and no fill
 * is lost or counted twice.
 */
describe('engine through a Redis outage', () => {
  let redis: PrivateRedis;
  let dir: string;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    dir = await mkdtemp(join(tmpdir(), 'mm-outage-'));
  });
  afterAll(async () => {
    await redis?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps quoting on the last good parameters, loses no fill, and reconnects by itself', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _e, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    const prefix = 'outage';
    const model = { sigma: 0.02, A: 8, k: 50, gamma: 0.5 };
    const config = parseEngineConfig({
      assets: ['A', 'B'].map((symbol) => ({
        symbol,
        lotSizeBase: 1,
        tickSize: 0.01,
        qMaxLots: 10,
        policy: 'exact',
        model,
      })),
      venues: [{ name: 'sim', kind: 'sim', seed: 5, bookIntervalMs: 20 }],
      risk: {
        positionLimitLots: 10,
        portfolioNotionalLimit: 1e6,
        maxOrdersPerSec: 500,
        staleDataTimeoutMs: 1000,
        priceBandBps: 500,
      },
      redis: { url: redis.url, prefix, connectTimeoutMs: 1000 },
      metrics: { enabled: false },
      ledger: { dir },
      snapshotIntervalMs: 100,
    });
    const engine = await Engine.start(config, {
      logger: createLogger({ name: 'mm-engine', level: 'info', destination }),
    });
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => {});
    const ledgerKey = `mm:${prefix}:ledger`;
    const quoting = () =>
      engine.status().assets.every((a) => a.quotes.every((q) => q.bid !== null || q.ask !== null));
    try {
      expect(engine.transportKind).toBe('redis');
      await until(() => engine.status().fills >= 5, 10_000, 'fills before the outage');

      await redis.stop();
      const fillsAtOutage = engine.status().fills;
      await until(
        () => engine.status().fills >= fillsAtOutage + 10,
        15_000,
        'fills during the outage',
      );
      // Quoting went on: not killed, both sides quoted, fills still recorded (in the backlog).
      expect(engine.status().killed).toBe(false);
      expect(quoting()).toBe(true);
      expect(lines.some((l) => l.includes('fills go to the local backlog file'))).toBe(true);

      await redis.start();
      await client.connect();
      await until(
        () => lines.some((l) => l.includes('backlog synced to Redis')),
        15_000,
        'the backlog synced',
      );
      // The bus reconnected: snapshots flow again.
      const snapshots = streamNames(prefix).snapshots;
      const before = await client.xlen(snapshots);
      await until(
        async () => (await client.xlen(snapshots)) > before,
        10_000,
        'snapshots after the outage',
      );
    } finally {
      const report = await engine.stop('test');
      expect(report.leftoverOrders).toBe(0);
    }
    // Every fill the engine applied is in the Redis ledger exactly once.
    expect(await client.xlen(ledgerKey)).toBe(engine.status().fills);
    expect(await client.hlen(`${ledgerKey}:ids`)).toBe(engine.status().fills);
    client.disconnect();
  }, 90_000);
});
