import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type OptimizerQueues } from '../src/queue/createQueues.js';
import { bullJobId, enqueueJob, InvalidJobDataError } from '../src/queue/enqueue.js';
import { listJobs, progressView } from '../src/queue/listJobs.js';
import { bullPrefix, publishedKey, queueNameFor } from '../src/queue/queueNames.js';
import { waitForJob } from '../src/queue/waitForJob.js';
import { deletePrefix, keysOf, REDIS_URL, requireRedis, uniquePrefix } from './support/redis.js';

const solveData = {
  assets: [{ asset: 'BTC', sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 4 }],
  validForSec: 120,
};

describe('queue names', () => {
  it('puts BullMQ under mm:{prefix}:bull with one queue per job type', () => {
    expect(bullPrefix('prod')).toBe('mm:prod:bull');
    expect(queueNameFor('grid-search')).toBe('grid-search');
    expect(publishedKey('prod', 'solve', 'solve.abc')).toBe('mm:prod:published:solve:solve.abc');
    expect(() => bullPrefix('')).toThrow(/prefix/);
    expect(() => bullPrefix('a b')).toThrow(/prefix/);
  });

  it('maps ids BullMQ would refuse onto accepted ones, one to one', () => {
    expect(bullJobId('solve.0123abcd')).toBe('solve.0123abcd');
    expect(bullJobId('a:b')).toBe('a_b');
    expect(bullJobId('12345')).toBe('id-12345');
  });
});

describe('queues against the real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let queues: OptimizerQueues;

  beforeAll(async () => {
    redis = await requireRedis();
  });
  afterEach(async () => {
    await queues?.close();
    await deletePrefix(redis, prefix);
  });
  afterAll(() => redis.disconnect());

  const open = () => {
    prefix = uniquePrefix();
    queues = createQueues({ url: REDIS_URL, prefix });
    return queues;
  };

  it('opens one queue per job type with retries, backoff and bounded retention', async () => {
    open();
    expect(queues.types).toEqual(['grid-search', 'solve', 'calibrate', 'backtest']);
    const solve = queues.get('solve');
    expect(solve.name).toBe('solve');
    expect(solve.opts.prefix).toBe(`mm:${prefix}:bull`);
    expect(solve.defaultJobOptions).toMatchObject({
      attempts: 3,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
    expect(() => queues.get('nope' as 'solve')).toThrow(/type: no queue for job type 'nope'/);
  });

  it('the same request twice is one job (idempotent id); the second call returns the first', async () => {
    open();
    const first = await enqueueJob(queues, 'solve', solveData);
    // same data, keys in another order, defaults spelled out
    const reordered = {
      validForSec: 120,
      assets: [{ qMax: 4, gamma: 0.1, k: 2, A: 1, sigma: 0.5, asset: 'BTC', quoteSizeLots: 1 }],
    };
    const second = await enqueueJob(queues, 'solve', reordered);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.jobId).toBe(first.jobId);
    expect(second.job.timestamp).toBe(first.job.timestamp);
    expect(await queues.get('solve').getJobCounts('waiting')).toEqual({ waiting: 1 });
    // concurrent requests: still one job
    const other = { ...solveData, validForSec: 60 };
    const both = await Promise.all([
      enqueueJob(queues, 'solve', other),
      enqueueJob(queues, 'solve', other),
    ]);
    expect(both[0].jobId).toBe(both[1].jobId);
    expect(await queues.get('solve').getJobCounts('waiting')).toEqual({ waiting: 2 });
    // jobs are stored with their defaults applied
    expect(first.job.data).toMatchObject({ assets: [{ quoteSizeLots: 1 }] });
  });

  it('bad data is refused before it reaches a queue, naming the field', async () => {
    open();
    const bad = { ...solveData, assets: [{ ...solveData.assets[0], k: 'two' }] };
    const err = await enqueueJob(queues, 'solve', bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidJobDataError);
    expect(err).toMatchObject({ field: 'data.assets[0].k', code: 'INVALID_JOB_DATA' });
    expect((err as Error).message).toMatch(/^invalid solve job data: data\.assets\[0\]\.k: /);
    const unknown = await enqueueJob(queues, 'solve', { ...solveData, extra: 1 }).catch(
      (e: unknown) => e,
    );
    expect(unknown).toMatchObject({ field: 'data.extra' });
    expect(await keysOf(redis, prefix)).toEqual([]);
  });

  it('lists counts by state and the most recent jobs; waitForJob rejects for a missing job and on timeout', async () => {
    open();
    const solve = queues.get('solve');
    const a = await enqueueJob(queues, 'solve', solveData);
    await enqueueJob(queues, 'solve', { ...solveData, validForSec: 30 });
    // finish one job by hand (no worker): take it and complete it
    const taken = await solve.getJob(a.jobId);
    await taken?.updateProgress({ fraction: 0.5, note: 'half' });
    const [listing] = await listJobs(queues, { limit: 5, types: ['solve'] });
    expect(listing?.queue).toBe('solve');
    expect(listing?.counts).toMatchObject({ waiting: 2, active: 0, failed: 0, paused: 0 });
    expect(listing?.jobs).toHaveLength(2);
    const shown = listing?.jobs.find((j) => j.id === a.jobId);
    expect(shown).toMatchObject({
      name: 'solve',
      state: 'waiting',
      progress: { fraction: 0.5, note: 'half' },
      attemptsMade: 0,
      durationSec: null,
      failedReason: null,
    });
    // a paused queue's waiting jobs are reported as paused
    await solve.pause();
    const [paused] = await listJobs(queues, { limit: 5, types: ['solve'] });
    expect(paused?.counts).toMatchObject({ waiting: 0, paused: 2 });
    expect(paused?.jobs.every((j) => j.state === 'paused')).toBe(true);
    await solve.resume();

    await expect(waitForJob(queues, 'solve', 'nope', { timeoutMs: 1000 })).rejects.toThrow(
      /job nope not found in queue solve/,
    );
    await expect(waitForJob(queues, 'solve', a.jobId, { timeoutMs: 300 })).rejects.toThrow(
      /still waiting after 300 ms/,
    );
  });

  it('reads progress stored as {fraction, note} or as a percentage', () => {
    expect(progressView({ fraction: 0.25, note: 'x' })).toEqual({ fraction: 0.25, note: 'x' });
    expect(progressView(40)).toEqual({ fraction: 0.4 });
    expect(progressView('junk')).toBeNull();
    expect(progressView(undefined)).toBeNull();
  });
});
