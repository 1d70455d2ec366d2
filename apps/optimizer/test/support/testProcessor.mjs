// Test-only sandboxed processor (plain ESM, loaded by BullMQ in a worker thread or child
// process): the built plumbing (`dist/worker/processJob.js`) with the real job types plus a
// `slow` test type that sleeps in steps, reports progress, counts its starts in Redis and
// returns `params` (so that its results are published when the publisher is told to).
import { parseJobData } from '../../dist/jobs/jobSchemas.js';
import { runJob } from '../../dist/processors/index.js';
import { exitWithParent, makeSandboxedProcessor } from '../../dist/worker/processJob.js';

exitWithParent();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `slow` data: `{ key: string, ms: number >= 0, steps?: int, failTimes?: int, params?: object }`. */
function parseSlow(data) {
  if (typeof data !== 'object' || data === null)
    return { ok: false, field: 'data', message: 'expected an object' };
  if (typeof data.key !== 'string' || data.key === '')
    return { ok: false, field: 'data.key', message: 'expected a non-empty string' };
  if (typeof data.ms !== 'number' || !(data.ms >= 0))
    return {
      ok: false,
      field: 'data.ms',
      message: `expected a number >= 0, got ${JSON.stringify(data.ms)}`,
    };
  return { ok: true, data };
}

export default makeSandboxedProcessor(
  async (type, data, ctx) => {
    if (type !== 'slow') return runJob(type, data, ctx);
    const runs = await ctx.redis.incr(`mm:${ctx.prefix}:test:runs:${data.key}`);
    await ctx.redis.rpush(`mm:${ctx.prefix}:test:pids:${data.key}`, String(process.pid));
    const steps = data.steps ?? 10;
    for (let i = 1; i <= steps; i++) {
      await sleep(data.ms / steps);
      await ctx.progress(i / steps, `step ${i}/${steps}`);
    }
    if ((data.failTimes ?? 0) >= runs) throw new Error(`slow job failing on run ${runs}`);
    return {
      key: data.key,
      runs,
      pid: process.pid,
      ...(data.params ? { params: { ...data.params, validUntil: ctx.nowMs + 60_000 } } : {}),
    };
  },
  (type, data) => (type === 'slow' ? parseSlow(data) : parseJobData(type, data)),
);
