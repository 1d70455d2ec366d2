import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEngineConfig } from '@mm/config';
import { Engine } from '@mm/engine';
import { enqueueJob, Optimizer } from '@mm/optimizer';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger, optimizerConfigFor } from '../apps/optimizer/test/support/configs.js';
import {
  deletePrefix,
  REDIS_URL,
  requireRedis,
  sleep,
  uniquePrefix,
} from '../apps/optimizer/test/support/redis.js';

/**
 * The whole loop through Redis: an engine trades on a simulated venue (whose true market is the
 * asset's configured model) and records snapshots and fills; a calibration job reads them back,
 * its models go to a solve job, and the solve's parameters are published to the engine, which
 * checks them and applies them.
 */
describe('calibration loop: engine -> Redis -> calibrate -> solve -> Redis -> engine', () => {
  let redis: Redis;
  let prefix: string;
  let dir: string;
  beforeAll(async () => {
    redis = await requireRedis();
    prefix = uniquePrefix();
    dir = await mkdtemp(join(tmpdir(), 'mm-loop-'));
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('calibrated parameters reach the engine and are applied', async () => {
    const engineLog = memoryLogger('info');
    const model = { sigma: 0.05, A: 6, k: 20, gamma: 1 };
    const engineConfig = parseEngineConfig({
      assets: [
        { symbol: 'X', lotSizeBase: 1, tickSize: 0.001, qMaxLots: 6, policy: 'exact', model },
      ],
      venues: [
        { name: 'sim', kind: 'sim', seed: 9, bookIntervalMs: 20, initialMidPrice: { X: 10 } },
      ],
      risk: {
        positionLimitLots: 6,
        portfolioNotionalLimit: 1e6,
        maxOrdersPerSec: 500,
        staleDataTimeoutMs: 2000,
        priceBandBps: 2000,
      },
      redis: { url: REDIS_URL, prefix, connectTimeoutMs: 1000 },
      metrics: { enabled: false },
      ledger: { dir },
      snapshotIntervalMs: 50,
    });
    const startMs = Date.now();
    const engine = await Engine.start(engineConfig, { logger: engineLog.logger });
    const optLog = memoryLogger('info');
    let optimizer: Optimizer | undefined;
    try {
      // Enough fills (>= 30 at the default minimum) and increments for the intensity fit.
      const deadline = Date.now() + 30_000;
      while (engine.status().fills < 80 && Date.now() < deadline) await sleep(50);
      expect(engine.status().fills).toBeGreaterThanOrEqual(80);
      optimizer = await Optimizer.start(optimizerConfigFor(prefix), {
        logger: optLog.logger,
        engineConfig,
        busKey: engine.busKey, // one deployment, one key
      });
      await enqueueJob(optimizer.queues, 'calibrate', {
        prefix,
        sinceMs: startMs,
        untilMs: Date.now(),
        assets: ['X'],
      });
      const applied = () => engineLog.lines.some((l) => l.includes('parameter update applied'));
      const until = Date.now() + 40_000;
      while (!applied() && Date.now() < until) await sleep(100);
      const records = optLog.records();
      expect(records.some((r) => r.msg === 'calibrated models sent to the solver')).toBe(true);
      expect(records.some((r) => r.msg === 'parameters published')).toBe(true);
      expect(applied()).toBe(true);
      const update = engineLog.records().find((r) => r.msg === 'parameter update applied') as {
        params: typeof model;
      };
      // The simulated market is the configured model: the calibration lands near it.
      expect(update.params.sigma / model.sigma).toBeGreaterThan(0.8);
      expect(update.params.sigma / model.sigma).toBeLessThan(1.25);
      expect(update.params.k / model.k).toBeGreaterThan(0.5);
      expect(update.params.k / model.k).toBeLessThan(2);
      expect(update.params.gamma).toBe(model.gamma);
    } finally {
      await optimizer?.stop('test');
      await engine.stop('test');
    }
  }, 90_000);
});
