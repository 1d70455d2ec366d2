import { parentPort, workerData } from 'node:worker_threads';
import { runJob } from '../processors/index.js';

/**
 * One embedded job in a worker thread (the engine's event loop never runs the computation):
 * `workerData` is `{ type, data, nowMs }`; posts `{ kind: 'progress', fraction }` messages, then
 * `{ kind: 'done', result }` or `{ kind: 'failed', message, field? }`.
 */
const { type, data, nowMs } = workerData as { type: string; data: unknown; nowMs: number };
const port = parentPort;
if (port) {
  runJob(type as never, data, {
    nowMs,
    progress: (fraction: number) => {
      port.postMessage({ kind: 'progress', fraction });
    },
  })
    .then((result) => port.postMessage({ kind: 'done', result }))
    .catch((e: unknown) => {
      const error = e as { message?: string; field?: string };
      port.postMessage({
        kind: 'failed',
        message: error.message ?? String(e),
        ...(error.field ? { field: error.field } : {}),
      });
    });
}
