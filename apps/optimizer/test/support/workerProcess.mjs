// A worker process for the crash and shutdown tests: an Optimizer from the BUILT package
// (dist) working on the `slow` test queue. Settings come from MM_TEST_* variables. It prints
// `ready` once its workers are up, stops gracefully on SIGTERM (exit 0 when every active job
// finished in time) and dies without a word on SIGKILL.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Optimizer, parseOptimizerConfig } from '../../dist/index.js';

const env = process.env;
const config = parseOptimizerConfig({
  redis: { url: env.MM_TEST_REDIS_URL, prefix: env.MM_TEST_PREFIX },
  metrics: { enabled: false },
  workers: {
    sandbox: env.MM_TEST_SANDBOX ?? 'threads',
    lockDurationMs: Number(env.MM_TEST_LOCK_MS ?? 30000),
    stalledIntervalMs: Number(env.MM_TEST_STALLED_MS ?? 30000),
    shutdownTimeoutMs: Number(env.MM_TEST_SHUTDOWN_MS ?? 10000),
  },
  results: { validForSec: 60 },
});
const logger = pino(
  { level: 'info', base: undefined },
  new Writable({
    write(chunk, _enc, cb) {
      process.stderr.write(chunk);
      cb();
    },
  }),
);
const optimizer = await Optimizer.start(config, {
  logger,
  processorFile: new URL('./testProcessor.mjs', import.meta.url).pathname,
  jobTypes: ['slow'],
  publishTypes: ['slow'],
});
process.once('SIGTERM', async () => {
  const report = await optimizer.stop('SIGTERM');
  process.stdout.write(`stopped ${JSON.stringify(report)}\n`);
  process.exit(report.timedOut ? 1 : 0);
});
process.stdout.write('ready\n');
