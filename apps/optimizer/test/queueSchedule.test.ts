import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Optimizer } from '../src/Optimizer.js';
import { createQueues } from '../src/queue/createQueues.js';
import { upsertSchedules } from '../src/queue/schedule.js';
import { engineConfigFor, memoryLogger, optimizerConfigFor } from './support/configs.js';
import { deletePrefix, REDIS_URL, requireRedis, uniquePrefix } from './support/redis.js';

const gridData = {
  market: { sigma: 0.5, A: 1, k: 2, midPrice: 100 },
  objective: { gamma: 0.1 },
  horizonSec: 10,
  paths: 2,
};

/** Jobs of a queue that are pending or done (not yet run ones and run ones). */
async function jobCount(q: ReturnType<ReturnType<typeof createQueues>['get']>): Promise<number> {
  const c = await q.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
  return Object.values(c).reduce((a, b) => a + b, 0);
}

describe('repeatable schedules (job schedulers on the real Redis)', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(async () => {
    redis = await requireRedis();
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
  });

  it('two optimizers starting at once, and a restart, leave one scheduler and one job each', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const config = optimizerConfigFor(prefix, {
      workers: { enabled: false },
      engineConfig: '/unused/engine.yaml',
      schedule: {
        validation: { everySec: 60, data: { horizonSec: 10, paths: 2 } },
        calibration: { everySec: 120, windowSec: 600 },
        solve: { everySec: 30 },
      },
    });
    const engineConfig = engineConfigFor(prefix);
    const { logger } = memoryLogger('warn');
    const [a, b] = await Promise.all([
      Optimizer.start(config, { logger, engineConfig }),
      Optimizer.start(config, { logger, engineConfig }),
    ]);
    const queues = createQueues({ url: REDIS_URL, prefix });
    try {
      const grid = queues.get('grid-search');
      const schedulers = await grid.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
        ['validation-BTC', 60_000],
        ['validation-ETH', 60_000],
      ]);
      expect(await jobCount(grid)).toBe(2);
      expect(await queues.get('solve').getJobSchedulersCount()).toBe(1);
      expect(await jobCount(queues.get('solve'))).toBe(1);
      expect(await queues.get('calibrate').getJobSchedulersCount()).toBe(1);
      expect(await jobCount(queues.get('calibrate'))).toBe(1);

      // the derived job data: the engine's model per asset, the config's overrides on top
      const btc = (await grid.getJobs(['waiting', 'delayed'])).find(
        (j) => j.repeatJobKey === 'validation-BTC',
      );
      expect(btc?.name).toBe('grid-search');
      expect(btc?.data).toMatchObject({
        market: { sigma: 0.5, A: 1, k: 2, midPrice: 100, tickSize: 0.01 },
        objective: { gamma: 0.1 },
        qMaxLots: 4,
        horizonSec: 10,
        paths: 2,
      });
      const [solveJob] = await queues.get('solve').getJobs(['waiting', 'delayed']);
      expect(solveJob?.data).toMatchObject({
        assets: [
          { asset: 'BTC', sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 4 },
          // qMax capped at the engine's position limit (5 < qMaxLots 6)
          { asset: 'ETH', sigma: 0.05, A: 2, k: 20, gamma: 1, qMax: 5 },
        ],
        validForSec: 300,
      });
      const [calJob] = await queues.get('calibrate').getJobs(['waiting', 'delayed']);
      expect(calJob?.data).toMatchObject({ prefix, lookbackSec: 600, assets: ['BTC', 'ETH'] });

      await Promise.all([a.stop(), b.stop()]);
      // a restart upserts again: still one scheduler and one job each
      const c = await Optimizer.start(config, { logger, engineConfig });
      expect(await grid.getJobSchedulersCount()).toBe(2);
      expect(await jobCount(grid)).toBe(2);
      expect(await jobCount(queues.get('solve'))).toBe(1);
      await c.stop();

      // a schedule disabled in the config is removed
      const disabled = optimizerConfigFor(prefix, {
        workers: { enabled: false },
        engineConfig: '/unused/engine.yaml',
        schedule: { solve: { enabled: false }, validation: { enabled: false } },
      });
      const d = await Optimizer.start(disabled, { logger, engineConfig });
      expect(d.schedule.removed.filter((r) => r.existed).map((r) => r.id)).toEqual([
        'validation-BTC',
        'validation-ETH',
        'solve',
      ]);
      await d.stop();
      expect(await grid.getJobSchedulersCount()).toBe(0);
      expect(await queues.get('solve').getJobSchedulersCount()).toBe(0);
      expect(await queues.get('calibrate').getJobSchedulersCount()).toBe(1);
    } finally {
      await a.stop();
      await b.stop();
      await queues.close();
    }
  });

  it('upsertSchedules is idempotent and refuses bad ids', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const queues = createQueues({ url: REDIS_URL, prefix });
    try {
      const job = { id: 'validation', type: 'grid-search' as const, everyMs: 5000, data: gridData };
      const first = await upsertSchedules(queues, [job]);
      const again = await upsertSchedules(queues, [job]);
      expect(first.upserted[0]?.nextJobId).toMatch(/^repeat:validation:\d+$/);
      expect(again.upserted[0]?.everyMs).toBe(5000);
      expect(await queues.get('grid-search').getJobSchedulersCount()).toBe(1);
      expect(await jobCount(queues.get('grid-search'))).toBe(1);
      await expect(upsertSchedules(queues, [{ ...job, id: 'a:b' }])).rejects.toThrow(/schedule id/);
    } finally {
      await queues.close();
    }
  });
});
