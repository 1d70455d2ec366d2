import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The optimizer's metrics as agreed for issue 6 (apps/optimizer serves them on port 9465), besides
 * its Node.js process metrics (`collectDefaultMetrics` with the prefix `mm_optimizer_`).
 *
 * TODO(lead): `@mm/optimizer` (written concurrently) exports `Optimizer` and
 * `createOptimizerMetrics`, but infra does not list it among its dependencies. Once it does, read
 * these names from `createOptimizerMetrics().registry` (as the tests do for the engine with
 * `createEngineMetrics()`), start the real optimizer in test/prometheus.test.ts instead of
 * `startOptimizerStandIn`, and delete this file. Label values below follow
 * apps/optimizer/src/metrics/optimizerMetrics.ts as of this writing.
 */
export const OPTIMIZER_METRICS = [
  { name: 'mm_optimizer_queue_jobs', type: 'gauge', labels: ['queue', 'state'] },
  { name: 'mm_optimizer_job_duration_seconds', type: 'histogram', labels: ['queue'] },
  { name: 'mm_optimizer_jobs_completed_total', type: 'counter', labels: ['queue'] },
  { name: 'mm_optimizer_jobs_failed_total', type: 'counter', labels: ['queue', 'reason'] },
  { name: 'mm_optimizer_heuristic_gap_ratio', type: 'gauge', labels: ['asset'] },
  { name: 'mm_optimizer_results_published_total', type: 'counter', labels: ['type'] },
] as const;

/** Prefix of the optimizer's Node.js process metrics. */
export const OPTIMIZER_DEFAULT_METRICS_PREFIX = 'mm_optimizer_';

/** The optimizer's BullMQ queues. */
export const OPTIMIZER_QUEUES = ['grid-search', 'solve', 'calibrate', 'backtest'] as const;

/** As apps/optimizer/src/metrics/optimizerMetrics.ts (QUEUE_STATES, FAILURE_REASONS, buckets). */
const STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused', 'prioritized'];
const DURATION_BUCKETS_SEC = [
  0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 600,
];

export interface OptimizerStandIn {
  /** Base URL; scrape `${url}/metrics`. */
  url: string;
  close(): Promise<void>;
}

/**
 * A stand-in for ONLY the optimizer's metrics endpoint: every `tickMs` each queue finishes a job
 * (durations cycling through a fixed list, every fifth job failing), publishes results and moves
 * its gauges, so that every optimizer panel has data. Text exposition format, no dependencies.
 */
export async function startOptimizerStandIn(
  options: { assets: readonly string[]; tickMs?: number } = { assets: ['BTC'] },
): Promise<OptimizerStandIn> {
  const durationsSec = [0.02, 0.3, 0.8, 2.5, 7];
  const state = OPTIMIZER_QUEUES.map((queue) => ({
    queue,
    jobs: 0,
    completed: 0,
    failed: new Map<string, number>(),
    buckets: DURATION_BUCKETS_SEC.map(() => 0),
    sumSec: 0,
    count: 0,
  }));
  const published = new Map<string, number>([
    ['solve', 0],
    ['calibrate', 0],
  ]);
  const timer = setInterval(() => {
    for (const q of state) {
      q.jobs++;
      const d = durationsSec[q.jobs % durationsSec.length]!;
      DURATION_BUCKETS_SEC.forEach((le, i) => {
        if (d <= le) q.buckets[i]!++;
      });
      q.sumSec += d;
      q.count++;
      if (q.jobs % 5 === 0) {
        const reason = q.jobs % 10 === 0 ? 'error' : 'unrecoverable';
        q.failed.set(reason, (q.failed.get(reason) ?? 0) + 1);
      } else {
        q.completed++;
        if (q.queue === 'solve' || q.queue === 'calibrate')
          published.set(q.queue, (published.get(q.queue) ?? 0) + 1);
      }
    }
  }, options.tickMs ?? 100);
  timer.unref();

  const render = (): string => {
    const lines: string[] = [];
    const head = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    head('mm_optimizer_queue_jobs', 'gauge', 'Jobs per queue and state (stand-in)');
    for (const q of state)
      for (const [i, s] of STATES.entries())
        lines.push(`mm_optimizer_queue_jobs{queue="${q.queue}",state="${s}"} ${(q.jobs + i) % 4}`);
    head('mm_optimizer_job_duration_seconds', 'histogram', 'Job duration, seconds (stand-in)');
    for (const q of state) {
      for (const [i, le] of DURATION_BUCKETS_SEC.entries())
        lines.push(
          `mm_optimizer_job_duration_seconds_bucket{le="${le}",queue="${q.queue}"} ${q.buckets[i]}`,
        );
      lines.push(
        `mm_optimizer_job_duration_seconds_bucket{le="+Inf",queue="${q.queue}"} ${q.count}`,
      );
      lines.push(`mm_optimizer_job_duration_seconds_sum{queue="${q.queue}"} ${q.sumSec}`);
      lines.push(`mm_optimizer_job_duration_seconds_count{queue="${q.queue}"} ${q.count}`);
    }
    head('mm_optimizer_jobs_completed_total', 'counter', 'Jobs completed (stand-in)');
    for (const q of state)
      lines.push(`mm_optimizer_jobs_completed_total{queue="${q.queue}"} ${q.completed}`);
    head('mm_optimizer_jobs_failed_total', 'counter', 'Jobs failed (stand-in)');
    for (const q of state)
      for (const [reason, n] of q.failed)
        lines.push(`mm_optimizer_jobs_failed_total{queue="${q.queue}",reason="${reason}"} ${n}`);
    head('mm_optimizer_heuristic_gap_ratio', 'gauge', 'Heuristic gap (stand-in)');
    for (const [i, asset] of options.assets.entries())
      lines.push(`mm_optimizer_heuristic_gap_ratio{asset="${asset}"} ${0.01 * (i + 1)}`);
    head('mm_optimizer_results_published_total', 'counter', 'Results published (stand-in)');
    for (const [type, n] of published)
      lines.push(`mm_optimizer_results_published_total{type="${type}"} ${n}`);
    const cpu = process.cpuUsage();
    head('mm_optimizer_process_cpu_seconds_total', 'counter', 'CPU time, seconds (stand-in)');
    lines.push(`mm_optimizer_process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`);
    head('mm_optimizer_process_resident_memory_bytes', 'gauge', 'Resident memory (stand-in)');
    lines.push(`mm_optimizer_process_resident_memory_bytes ${process.memoryUsage().rss}`);
    return `${lines.join('\n')}\n`;
  };

  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(render());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
