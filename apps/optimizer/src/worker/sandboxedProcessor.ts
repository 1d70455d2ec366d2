/**
 * The module BullMQ loads in each sandbox (a worker thread, or a child process) from its BUILT
 * path, `dist/worker/sandboxedProcessor.js`: its default export runs one job. CPU-heavy work
 * therefore never blocks the worker's event loop (lock renewal, stalled checks, shutdown).
 */
import { parseJobData } from '../jobs/jobSchemas.js';
import { runJob } from '../processors/index.js';
import { exitWithParent, makeSandboxedProcessor } from './processJob.js';

exitWithParent();

export default makeSandboxedProcessor(
  (type, data, ctx) => runJob(type as Parameters<typeof runJob>[0], data, ctx),
  (type, data) => parseJobData(type, data),
);
