import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOptimizerMetrics,
  JOB_DURATION_BUCKETS_SEC,
  queueDepths,
} from '../src/metrics/optimizerMetrics.js';
import { Optimizer } from '../src/Optimizer.js';
import { enqueueJob } from '../src/queue/enqueue.js';
import { waitForJob } from '../src/queue/waitForJob.js';
import { memoryLogger, optimizerConfigFor } from './support/configs.js';
import { deletePrefix, requireRedis, uniquePrefix, until } from './support/redis.js';

/** Sum of the samples of `name` whose labels include `labels` (NaN when there is none). */
function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : Number.NaN;
}

describe('optimizer metrics', () => {
  it('registers the documented names, labels and buckets on their own registry', async () => {
    const metrics = createOptimizerMetrics();
    let paused = false;
    const counts = { waiting: 3, active: 1, delayed: 2, completed: 7, failed: 1, prioritized: 0 };
    metrics.watchQueues([
      ['solve', { getJobCounts: async () => counts, isPaused: async () => paused }],
    ]);
    metrics.jobCompleted('solve', 0.3);
    metrics.jobFailed('solve', 'unrecoverable');
    metrics.jobFailed('solve', 'stalled');
    metrics.heuristicGap('BTC', 0.04);
    metrics.heuristicGap('ETH', Number.NaN); // ignored
    metrics.resultPublished('solve');
    const text = await metrics.registry.metrics();
    expect(metricValue(text, 'mm_optimizer_queue_jobs', { queue: 'solve', state: 'waiting' })).toBe(
      3,
    );
    expect(metricValue(text, 'mm_optimizer_queue_jobs', { queue: 'solve', state: 'paused' })).toBe(
      0,
    );
    expect(
      metricValue(text, 'mm_optimizer_queue_jobs', { queue: 'solve', state: 'completed' }),
    ).toBe(7);
    expect(metricValue(text, 'mm_optimizer_job_duration_seconds_count', { queue: 'solve' })).toBe(
      1,
    );
    expect(
      metricValue(text, 'mm_optimizer_job_duration_seconds_bucket', { queue: 'solve', le: '0.5' }),
    ).toBe(1);
    expect(
      metricValue(text, 'mm_optimizer_job_duration_seconds_bucket', { queue: 'solve', le: '600' }),
    ).toBe(1);
    expect(metricValue(text, 'mm_optimizer_jobs_completed_total', { queue: 'solve' })).toBe(1);
    expect(
      metricValue(text, 'mm_optimizer_jobs_failed_total', {
        queue: 'solve',
        reason: 'unrecoverable',
      }),
    ).toBe(1);
    expect(
      metricValue(text, 'mm_optimizer_jobs_failed_total', { queue: 'solve', reason: 'stalled' }),
    ).toBe(1);
    expect(
      metricValue(text, 'mm_optimizer_jobs_failed_total', { queue: 'solve', reason: 'error' }),
    ).toBe(0);
    expect(metricValue(text, 'mm_optimizer_heuristic_gap_ratio', { asset: 'BTC' })).toBe(0.04);
    expect(text).not.toContain('asset="ETH"');
    expect(metricValue(text, 'mm_optimizer_results_published_total', { type: 'solve' })).toBe(1);
    expect(text).toMatch(/^mm_optimizer_process_cpu_user_seconds_total /m);
    expect(JOB_DURATION_BUCKETS_SEC[0]).toBe(0.01);
    expect(JOB_DURATION_BUCKETS_SEC.at(-1)).toBe(600);

    // a paused queue: its waiting jobs count as paused
    paused = true;
    expect(
      await queueDepths({ getJobCounts: async () => counts, isPaused: async () => true }),
    ).toMatchObject({
      waiting: 0,
      paused: 3,
    });
    const again = await metrics.registry.metrics();
    expect(metricValue(again, 'mm_optimizer_queue_jobs', { queue: 'solve', state: 'paused' })).toBe(
      3,
    );
    // two registries do not clash
    expect(() => createOptimizerMetrics()).not.toThrow();
  });

  it('a scrape that cannot read Redis in time keeps the last depths', async () => {
    const metrics = createOptimizerMetrics({ countsTimeoutMs: 50, processMetrics: false });
    let hang = false;
    metrics.watchQueues([
      [
        'solve',
        {
          getJobCounts: () => (hang ? new Promise(() => {}) : Promise.resolve({ waiting: 2 })),
          isPaused: async () => false,
        },
      ],
    ]);
    expect(
      metricValue(await metrics.registry.metrics(), 'mm_optimizer_queue_jobs', {
        state: 'waiting',
      }),
    ).toBe(2);
    hang = true;
    const started = Date.now();
    const text = await metrics.registry.metrics();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(metricValue(text, 'mm_optimizer_queue_jobs', { state: 'waiting' })).toBe(2);
  });

  describe('served by a running optimizer (real Redis, sandboxed workers)', () => {
    let redis: Redis;
    let prefix: string;
    let optimizer: Optimizer;
    const log = memoryLogger('info');

    beforeAll(async () => {
      redis = await requireRedis();
      prefix = uniquePrefix();
      optimizer = await Optimizer.start(
        optimizerConfigFor(prefix, {
          metrics: { enabled: true, port: 0 },
          workers: { types: ['solve', 'grid-search'] },
        }),
        { logger: log.logger },
      );
    });
    afterAll(async () => {
      await optimizer?.stop();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });

    it('shows queue depths, durations, failures, the heuristic gap and publications over HTTP', async () => {
      const { queues } = optimizer;
      const solve = await enqueueJob(queues, 'solve', {
        assets: [{ asset: 'BTC', sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 4 }],
      });
      const grid = await enqueueJob(queues, 'grid-search', {
        market: { sigma: 0.5, A: 20, k: 2, midPrice: 100 },
        objective: { gamma: 0.1 },
        qMaxLots: 4,
        horizonSec: 20,
        paths: 4,
      });
      await queues.get('solve').add('solve', { assets: [] }, { jobId: 'bad' });
      // no worker for backtests in this process: it waits
      await queues.get('backtest').add('backtest', {}, { jobId: 'waits' });
      expect(await waitForJob(queues, 'solve', solve.jobId, { timeoutMs: 15_000 })).toMatchObject({
        state: 'completed',
      });
      expect(
        await waitForJob(queues, 'grid-search', grid.jobId, { timeoutMs: 30_000 }),
      ).toMatchObject({
        state: 'completed',
      });
      expect(await waitForJob(queues, 'solve', 'bad', { timeoutMs: 15_000 })).toMatchObject({
        state: 'failed',
      });
      const url = `${optimizer.metricsUrl}/metrics`;
      let text = '';
      await until(
        async () => {
          text = await (await fetch(url)).text();
          return metricValue(text, 'mm_optimizer_results_published_total', { type: 'solve' }) === 1;
        },
        5000,
        'the publication metric',
      );
      const res = await fetch(url);
      expect(res.headers.get('content-type')).toMatch(/text\/plain/);
      const q = (queue: string, state: string) =>
        metricValue(text, 'mm_optimizer_queue_jobs', { queue, state });
      expect(q('solve', 'completed')).toBe(1);
      expect(q('solve', 'failed')).toBe(1);
      expect(q('grid-search', 'completed')).toBe(1);
      expect(q('backtest', 'waiting')).toBe(1);
      expect(q('calibrate', 'waiting')).toBe(0);
      expect(metricValue(text, 'mm_optimizer_job_duration_seconds_count', { queue: 'solve' })).toBe(
        1,
      );
      expect(
        metricValue(text, 'mm_optimizer_job_duration_seconds_sum', { queue: 'grid-search' }),
      ).toBeGreaterThan(0);
      expect(metricValue(text, 'mm_optimizer_jobs_completed_total', { queue: 'grid-search' })).toBe(
        1,
      );
      expect(
        metricValue(text, 'mm_optimizer_jobs_failed_total', {
          queue: 'solve',
          reason: 'unrecoverable',
        }),
      ).toBe(1);
      const gap = metricValue(text, 'mm_optimizer_heuristic_gap_ratio', { asset: 'adhoc' });
      expect(Number.isFinite(gap)).toBe(true);
      expect(metricValue(text, 'mm_optimizer_process_resident_memory_bytes')).toBeGreaterThan(0);
      // and the logs say so
      const records = log.records();
      expect(records.some((r) => r.msg === 'parameters published' && r.jobId === solve.jobId)).toBe(
        true,
      );
      expect(
        records.some(
          (r) =>
            r.msg === 'job failed' && r.reason === 'unrecoverable' && r.field === 'data.assets',
        ),
      ).toBe(true);
    }, 45_000);
  });
});
