import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type OptimizerQueues } from '../src/queue/createQueues.js';
import { enqueueJob } from '../src/queue/enqueue.js';
import type { ProgressView } from '../src/queue/listJobs.js';
import { waitForJob } from '../src/queue/waitForJob.js';
import { createWorkers, defaultProcessorFile } from '../src/worker/createWorkers.js';
import { deletePrefix, REDIS_URL, requireRedis, uniquePrefix, until } from './support/redis.js';

const TEST_PROCESSOR = new URL('./support/testProcessor.mjs', import.meta.url).pathname;

/** A tiny real solve: one asset, small inventory grid. */
const solveData = {
  assets: [{ asset: 'BTC', sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 4 }],
  validForSec: 120,
};

describe('sandboxed workers (built dist processor, real Redis)', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  const fresh = () => {
    const p = uniquePrefix();
    prefixes.push(p);
    return p;
  };

  beforeAll(async () => {
    redis = await requireRedis();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
  });

  it('runs the processor from dist/worker/sandboxedProcessor.js', () => {
    const file = defaultProcessorFile();
    expect(file.endsWith('/dist/worker/sandboxedProcessor.js')).toBe(true);
    expect(existsSync(file)).toBe(true);
  });

  for (const sandbox of ['threads', 'processes'] as const) {
    it(`round trip of a solve job in ${sandbox}: progress, result, no retry`, async () => {
      const prefix = fresh();
      const queues = createQueues({ url: REDIS_URL, prefix });
      const workers = createWorkers({ url: REDIS_URL, prefix, types: ['solve'], sandbox });
      cleanups.push(
        () => queues.close(),
        () => workers.close(5000),
      );

      const { jobId, duplicate } = await enqueueJob(queues, 'solve', solveData);
      expect(duplicate).toBe(false);
      expect(jobId).toMatch(/^solve\.[0-9a-f]{24}$/);
      const progress: ProgressView[] = [];
      const outcome = await waitForJob(queues, 'solve', jobId, {
        onProgress: (p) => progress.push(p),
        timeoutMs: 15_000,
      });
      expect(outcome.state).toBe('completed');
      if (outcome.state !== 'completed') return;
      const result = outcome.result as {
        params: { assets: Array<{ asset: string; A: number }>; validUntil: number };
        paramsValid: boolean;
      };
      expect(result.paramsValid).toBe(true);
      expect(result.params.assets).toEqual([
        expect.objectContaining({ asset: 'BTC', sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 4 }),
      ]);
      expect(result.params.validUntil).toBeGreaterThan(Date.now() + 100_000);
      expect(outcome.durationSec).toBeGreaterThanOrEqual(0);
      // progress went through job.updateProgress as {fraction, note} (the last report may race
      // the completion event, so only the stored value is certain)
      const job = await queues.get('solve').getJob(jobId);
      expect(job?.progress).toEqual({ fraction: 1, note: expect.any(String) });
      expect(job?.attemptsMade).toBe(1);
      expect(progress.every((p) => p.fraction >= 0 && p.fraction <= 1)).toBe(true);
      // waiting for a job that is already done answers at once
      await expect(waitForJob(queues, 'solve', jobId, { timeoutMs: 2000 })).resolves.toEqual(
        outcome,
      );
      // keys live under the BullMQ prefix mm:{prefix}:bull
      expect(await redis.exists(`mm:${prefix}:bull:solve:${jobId}`)).toBe(1);
    });
  }

  it('bad data reaching a worker fails at once as unrecoverable, naming the field', async () => {
    const prefix = fresh();
    const queues = createQueues({ url: REDIS_URL, prefix });
    const workers = createWorkers({ url: REDIS_URL, prefix, types: ['solve', 'grid-search'] });
    cleanups.push(
      () => queues.close(),
      () => workers.close(5000),
    );
    const failures: Array<{ name: string; message: string }> = [];
    for (const w of workers.workers.values()) {
      w.on('failed', (_job, err) => failures.push({ name: err.name, message: err.message }));
    }

    // added behind enqueueJob's back (another client, an old producer)
    const bad = { ...solveData, assets: [{ ...solveData.assets[0], sigma: -1 }] };
    await queues.get('solve').add('solve', bad, { jobId: 'bad-solve' });
    // a job whose name is no job type at all
    await queues.get('grid-search').add('no-such-type', {}, { jobId: 'bad-type' });

    const solveOutcome = await waitForJob(queues, 'solve', 'bad-solve', { timeoutMs: 10_000 });
    const typeOutcome = await waitForJob(queues, 'grid-search', 'bad-type', { timeoutMs: 10_000 });
    expect(solveOutcome).toMatchObject({ state: 'failed', attemptsMade: 1 });
    if (solveOutcome.state === 'failed') {
      expect(solveOutcome.failedReason).toMatch(/data\.assets\[0\]\.sigma/);
    }
    expect(typeOutcome).toMatchObject({ state: 'failed', attemptsMade: 1 });
    if (typeOutcome.state === 'failed') expect(typeOutcome.failedReason).toMatch(/\btype\b/);
    // 3 attempts were allowed: none was retried
    const job = await queues.get('solve').getJob('bad-solve');
    expect(job?.opts.attempts).toBe(3);
    expect(job?.attemptsMade).toBe(1);
    await until(() => failures.length === 2, 2000, 'failed events');
    expect(failures.map((f) => f.name)).toEqual(['UnrecoverableError', 'UnrecoverableError']);
  });

  it('an error in a job is retried with backoff and the job then completes', async () => {
    const prefix = fresh();
    const queues = createQueues<'slow'>({
      url: REDIS_URL,
      prefix,
      types: ['slow'],
      jobs: { backoffMs: 50 },
    });
    const workers = createWorkers<'slow'>({
      url: REDIS_URL,
      prefix,
      types: ['slow'],
      processorFile: TEST_PROCESSOR,
    });
    cleanups.push(
      () => queues.close(),
      () => workers.close(5000),
    );
    const attempts: number[] = [];
    workers.workers.get('slow')?.on('failed', (job) => attempts.push(job?.attemptsMade ?? -1));

    await queues
      .get('slow')
      .add('slow', { key: 'retry', ms: 10, steps: 1, failTimes: 2 }, { jobId: 'retry' });
    const outcome = await waitForJob(queues as OptimizerQueues<'slow'>, 'slow', 'retry', {
      timeoutMs: 10_000,
    });
    expect(outcome).toMatchObject({ state: 'completed', result: { runs: 3 } });
    expect(attempts).toEqual([1, 2]);
    const job = await queues.get('slow').getJob('retry');
    expect(job?.attemptsMade).toBe(3);
  });
});
