import { type ChildProcess, spawn } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createQueues, type OptimizerQueues } from '../src/queue/createQueues.js';
import { progressView } from '../src/queue/listJobs.js';
import { waitForJob } from '../src/queue/waitForJob.js';
import {
  deletePrefix,
  REDIS_URL,
  requireRedis,
  sleep,
  uniquePrefix,
  until,
} from './support/redis.js';

const WORKER_SCRIPT = new URL('./support/workerProcess.mjs', import.meta.url).pathname;

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/** A worker process running the built optimizer on the `slow` test queue. */
function spawnWorker(prefix: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [WORKER_SCRIPT], {
    env: {
      ...process.env,
      MM_TEST_REDIS_URL: REDIS_URL,
      MM_TEST_PREFIX: prefix,
      MM_TEST_LOCK_MS: '1000',
      MM_TEST_STALLED_MS: '400',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err += String(d);
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += String(d);
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before ready: ${err}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, pid: child.pid ?? -1, ready, exited, output: () => `${out}\n${err}` };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Assets of the `params` the slow test job returns (published by the worker processes). */
const params = { assets: [{ asset: 'BTC', sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 4 }] };

describe('worker processes (built optimizer in child processes, real Redis)', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const children: WorkerProcess[] = [];
  const queueSets: OptimizerQueues<'slow'>[] = [];

  beforeAll(async () => {
    redis = await requireRedis();
  });
  afterEach(async () => {
    for (const w of children.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await w.exited;
    }
    for (const q of queueSets.splice(0)) await q.close();
  });
  afterAll(async () => {
    for (const p of prefixes) await deletePrefix(redis, p);
    redis.disconnect();
  });

  const setup = () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const queues = createQueues<'slow'>({ url: REDIS_URL, prefix, types: ['slow'] });
    queueSets.push(queues);
    return { prefix, queues };
  };
  const start = (prefix: string, env?: Record<string, string>) => {
    const w = spawnWorker(prefix, env);
    children.push(w);
    return w;
  };
  const completedEvents = async (prefix: string, jobId: string) => {
    const entries = await redis.xrange(`mm:${prefix}:bull:slow:events`, '-', '+');
    return entries.filter(([, f]) => {
      const at = (k: string) => f[f.indexOf(k) + 1];
      return at('event') === 'completed' && at('jobId') === jobId;
    }).length;
  };

  for (const sandbox of ['threads', 'processes'] as const) {
    it(`a worker killed mid-job (${sandbox}): the job is retried elsewhere, completes and publishes once`, async () => {
      const { prefix, queues } = setup();
      const a = start(prefix, { MM_TEST_SANDBOX: sandbox });
      await a.ready;
      const key = `crash-${sandbox}`;
      await queues.get('slow').add('slow', { key, ms: 2000, steps: 20, params }, { jobId: key });
      // wait until the job is well under way in worker A
      await until(
        async () => {
          const job = await queues.get('slow').getJob(key);
          return (progressView(job?.progress)?.fraction ?? 0) >= 0.15;
        },
        30_000,
        'job progress in worker A',
      );
      const pids = await redis.lrange(`mm:${prefix}:test:pids:${key}`, 0, -1);
      expect(pids).toHaveLength(1);
      const sandboxPid = Number(pids[0]);
      expect(sandboxPid === a.pid).toBe(sandbox === 'threads');

      a.child.kill('SIGKILL');
      expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
      // a child-process sandbox does not outlive its worker
      await until(() => !alive(sandboxPid), 5000, 'the orphaned sandbox to exit');
      expect(await queues.get('slow').getJobState(key)).toBe('active');

      const b = start(prefix, { MM_TEST_SANDBOX: sandbox });
      await b.ready;
      const outcome = await waitForJob(queues, 'slow', key, { timeoutMs: 15_000 });
      expect(outcome).toMatchObject({ state: 'completed', result: { runs: 2 } });
      const job = await queues.get('slow').getJob(key);
      expect(job?.attemptsMade).toBe(1); // a stall is not a failed attempt
      expect(job?.stalledCounter).toBe(1);
      expect(await completedEvents(prefix, key)).toBe(1);
      // published exactly once, by worker B
      await until(
        async () => (await redis.xlen(`mm:${prefix}:params`)) >= 1,
        5000,
        'the params message',
      );
      await sleep(200);
      expect(await redis.xlen(`mm:${prefix}:params`)).toBe(1);
      expect(await redis.get(`mm:${prefix}:published:slow:${key}`)).toBe(String(job?.timestamp));

      b.child.kill('SIGTERM');
      expect((await b.exited).code).toBe(0);
    }, 60_000);
  }

  it('SIGTERM lets the active job finish, publishes its result and exits 0', async () => {
    const { prefix, queues } = setup();
    const w = start(prefix, { MM_TEST_SHUTDOWN_MS: '10000' });
    await w.ready;
    await queues
      .get('slow')
      .add('slow', { key: 'term', ms: 1200, steps: 12, params }, { jobId: 'term' });
    await until(
      async () =>
        (progressView((await queues.get('slow').getJob('term'))?.progress)?.fraction ?? 0) > 0,
      30_000,
      'the job to start',
    );
    w.child.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit, w.output()).toEqual({ code: 0, signal: null });
    expect(w.output()).toContain('stopped {"reason":"SIGTERM","timedOut":false}');

    const job = await queues.get('slow').getJob('term');
    expect(await job?.getState()).toBe('completed');
    expect(job?.returnvalue).toMatchObject({ runs: 1, pid: w.pid });
    expect(await redis.xlen(`mm:${prefix}:params`)).toBe(1);
    // the stopped worker took nothing new: a job added now waits
    await queues.get('slow').add('slow', { key: 'after', ms: 1 }, { jobId: 'after' });
    await sleep(300);
    expect(await queues.get('slow').getJobState('after')).toBe('waiting');
  }, 60_000);

  it('past the shutdown timeout, SIGTERM cancels the active job: the attempt fails and is retried', async () => {
    const { prefix, queues } = setup();
    const w = start(prefix, { MM_TEST_SHUTDOWN_MS: '300' });
    await w.ready;
    await queues
      .get('slow')
      .add('slow', { key: 'long', ms: 20_000, steps: 200, params }, { jobId: 'long' });
    await until(
      async () =>
        (progressView((await queues.get('slow').getJob('long'))?.progress)?.fraction ?? 0) > 0,
      30_000,
      'the job to start',
    );
    const signalledAt = Date.now();
    w.child.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit, w.output()).toEqual({ code: 1, signal: null });
    // cancelled, not run to its end: the job alone takes 20 s (a margin a loaded machine keeps)
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(w.output()).toContain('"timedOut":true');
    const job = await queues.get('slow').getJob('long');
    expect(job?.failedReason).toBe('cancelled: the worker shut down');
    expect(job?.attemptsMade).toBe(1);
    // retried with backoff: delayed now, then waiting for another worker
    expect(await job?.getState()).toBe('delayed');
    expect(await redis.xlen(`mm:${prefix}:params`)).toBe(0);
  }, 60_000);
});
