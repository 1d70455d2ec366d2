import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchCase, Collected, RunOptions } from '../harness.js';
import type { OptimizerLoadResult, ThroughputResult } from '../optimizerLoad.js';

// The optimizer's jobs through BullMQ on the local Redis: worker processes running
// `Optimizer.start` from dist (as `mm optimizer` does), jobs enqueued by `enqueueJob`, timed from
// the queue's resume to the last job's end (optimizerLoad.ts, run in a child process once per
// --quick setting; it spawns the worker processes and deletes its Redis keys at the end).

const GROUP = 'optimizer';

const runs = new Map<boolean, OptimizerLoadResult | Error>();

function loadRun(quick: boolean): OptimizerLoadResult | Error {
  const known = runs.get(quick);
  if (known) return known;
  const script = fileURLToPath(new URL('../optimizerLoad.js', import.meta.url));
  const child = spawnSync(process.execPath, [script, '--json', ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 900_000,
  });
  let result: OptimizerLoadResult | Error;
  try {
    if (child.status !== 0) {
      const lines = child.stderr.trim().split('\n');
      throw new Error(lines.find((l) => /Error|error/.test(l)) ?? lines[0] ?? '');
    }
    result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as OptimizerLoadResult;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    result = new Error(
      `optimizer load child failed (exit ${child.status}${child.signal ? `, ${child.signal}` : ''}; is Redis running at 127.0.0.1:6379?): ${why}`,
    );
  }
  runs.set(quick, result);
  return result;
}

const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** Jobs per second over every timed batch (total jobs / total wall time). */
function jobsPerSec(t: ThroughputResult): number {
  const jobs = t.batches.reduce((s, b) => s + b.jobs, 0);
  const wall = t.batches.reduce((s, b) => s + b.wallSec, 0);
  return jobs / wall;
}

function find(r: OptimizerLoadResult, kind: 'trivial' | 'grid', workers: number) {
  return r.throughput.find((t) => t.kind === kind && t.workers === workers);
}

function common(r: OptimizerLoadResult): string {
  return `local Redis, sandboxed worker threads, concurrency 1 per job type per process; load avg ${fixed(r.loadAvg1mBefore, 2)} before, ${fixed(r.loadAvg1m, 2)} after the run on ${r.cpus} CPUs`;
}

function throughputCase(kind: 'trivial' | 'grid', workers: 1 | 2): BenchCase {
  const what =
    kind === 'trivial'
      ? 'trivial job (solve, 1 asset, qMax 1)'
      : 'grid-search job (10 candidates x 20 paths x 300 steps)';
  return {
    group: GROUP,
    name: `${what} through BullMQ, ${workers} worker process${workers === 1 ? '' : 'es'}, per job`,
    throughputUnit: 'jobs/s',
    setup: (options: RunOptions): Collected => {
      const r = loadRun(options.quick);
      if (r instanceof Error) return { samplesNs: [], verify: () => r.message };
      const t = find(r, kind, workers);
      if (!t) return { samplesNs: [], verify: () => `no ${kind} x ${workers} run` };
      const rate = jobsPerSec(t);
      const one = find(r, kind, 1);
      const ratio =
        workers === 2 && one
          ? `; scaling 2 vs 1 worker processes: x${fixed(rate / jobsPerSec(one), 2)} (${fixed(jobsPerSec(one), 1)} -> ${fixed(rate, 1)} jobs/s)`
          : '';
      const batches = t.batches
        .map(
          (b) =>
            `${b.jobs} jobs in ${fixed(b.wallSec, 2)} s = ${fixed(b.jobsPerSec, 1)} jobs/s (per worker ${b.perWorker.join('/')}; processing p50 ${b.processingMs.p50} ms p90 ${b.processingMs.p90} ms)`,
        )
        .join('; ');
      return {
        // one sample per timed batch: its wall time per job
        samplesNs: t.batches.map((b) => (b.wallSec * 1e9) / b.jobs),
        note:
          `${fixed(rate, 1)} jobs/s over ${t.batches.length} batch${t.batches.length === 1 ? '' : 'es'} ` +
          `after ${t.warmupJobs} warm-up jobs; queue paused while enqueuing, timed from resume to the ` +
          `last job's end; ${batches}${ratio}` +
          `${kind === 'trivial' ? '; results published to the bus as in production' : ''}; ${common(r)}`,
        verify: () => {
          if (r.leftoverKeys > 0) return `${r.leftoverKeys} Redis keys left after cleanup`;
          if (workers === 2 && t.batches.some((b) => b.perWorker.length < 2))
            return 'only one of the two worker processes took jobs';
          return undefined;
        },
      };
    },
  };
}

const bigGridCase: BenchCase = {
  group: GROUP,
  name: '1,000-candidate grid search, one job, 1 worker process, wall time',
  setup: (options: RunOptions): Collected => {
    const r = loadRun(options.quick);
    if (r instanceof Error) return { samplesNs: [], verify: () => r.message };
    const b = r.bigGrid;
    return {
      samplesNs: [b.processingSec * 1e9],
      note:
        `${b.candidates} candidates (heuristic and grid policies x ${b.candidates / 2} half spreads) + ` +
        `the exact policy, ${b.paths} paths x ${b.stepsPerPath} steps each ` +
        `(${(b.simulatedSteps / 1e6).toFixed(1)} M simulated steps, ${fixed(b.stepsPerSec / 1e6, 2)} M steps/s); ` +
        `job processing ${fixed(b.processingSec, 1)} s, enqueue to completed ${fixed(b.endToEndSec, 1)} s; ` +
        common(r),
      verify: () => (r.leftoverKeys > 0 ? `${r.leftoverKeys} Redis keys left` : undefined),
    };
  },
};

export const optimizerCases: BenchCase[] = [
  throughputCase('trivial', 1),
  throughputCase('trivial', 2),
  throughputCase('grid', 1),
  throughputCase('grid', 2),
  bigGridCase,
];
