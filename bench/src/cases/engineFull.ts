import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  FULL_ASSETS,
  type FullLoadResult,
  type LoadMode,
  NOMINAL_UPDATES_PER_SEC,
} from '../engineFullLoad.js';
import type { BenchCase, Collected, RunOptions, Target } from '../harness.js';

// The whole engine (`Engine.start`): one simulated venue stepping 10 assets' books every 1 ms,
// exact GLFT policies, order manager, fills, the file ledger and the in-process bus (Redis is
// pointed at a closed port), run in a child process by engineFullLoad.ts. Where engine.ts times
// bare pipelines on pre-generated books, these cases time the assembled engine on its venue.

const GROUP = 'engineFull';
/** Timed seconds and warm-up seconds per run (full run, --quick). */
const SECONDS = { full: 5, quick: 1.5 };
const WARMUP_SEC = { full: 1, quick: 0.5 };

const TICK_TO_QUOTE: Target = { label: 'p99 < 200 us', maxP99Ns: 200_000 };
const THROUGHPUT: Target = {
  label: '>= 100k updates/s (median <= 10 us per update)',
  maxMedianNs: 10_000,
};

const ENGINE = `Engine + 1 sim venue, ${FULL_ASSETS} assets x 1 ms books`;

/** Each mode's run per --quick: a case reads its own run once. */
const runs = new Map<string, FullLoadResult | Error>();

/**
 * Run `engineFullLoad.js` in a child process (its own heap and event loop); read its JSON line.
 * `portfolio: 'multi'` runs the portfolio load (cases/portfolioEngine.ts).
 */
export function fullRun(
  mode: LoadMode,
  quick: boolean,
  portfolio: 'none' | 'multi' = 'none',
): FullLoadResult | Error {
  const key = `${mode}:${quick}:${portfolio}`;
  const known = runs.get(key);
  if (known) return known;
  const script = fileURLToPath(new URL('../engineFullLoad.js', import.meta.url));
  const seconds = quick ? SECONDS.quick : SECONDS.full;
  const warmup = quick ? WARMUP_SEC.quick : WARMUP_SEC.full;
  const child = spawnSync(
    process.execPath,
    [
      script,
      '--mode',
      mode,
      '--seconds',
      String(seconds),
      '--warmup',
      String(warmup),
      '--portfolio',
      portfolio,
      '--json',
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 180_000 },
  );
  let result: FullLoadResult | Error;
  try {
    if (child.status !== 0) throw new Error(child.stderr.trim().split('\n')[0] ?? '');
    result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as FullLoadResult;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    result = new Error(`engine load child (${mode}) failed (exit ${child.status}): ${why}`);
  }
  runs.set(key, result);
  return result;
}

export const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

/** Order actions, fills and what the run ran on, for the notes. */
export function activity(r: FullLoadResult): string {
  const actions = Object.entries(r.orderActions)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return (
    `${actions || 'no'} order actions, ${r.fills} fills, ${r.ordersRejected} rejected; ` +
    `${r.transport} bus + temp file ledger (Redis unreachable); ` +
    `${r.warnings} warning log lines; load avg ${fixed(r.loadAvg1m, 2)} on ${r.cpus} CPUs`
  );
}

/** Problems that make a run not measure what its case says (any mode). */
export function runProblem(r: FullLoadResult): string | undefined {
  if (r.transport !== 'in-process') return `transport ${r.transport}, expected in-process`;
  if (r.pipelineRestarts > 0) return `${r.pipelineRestarts} pipeline restarts`;
  if (r.badBooks > 0) return `${r.badBooks} books rejected by the reducer`;
  if (r.updates !== r.bookUpdatesMetric)
    return `${r.updates} tick-to-quote samples but ${r.bookUpdatesMetric} book updates counted`;
  if (Object.keys(r.orderActions).length === 0) return 'no order action while timing';
  if (r.leftoverOrders > 0) return `${r.leftoverOrders} orders left open after stop`;
  return undefined;
}

function latencyCase(mode: 'timers' | 'paced'): BenchCase {
  const how =
    mode === 'timers'
      ? "the venue's 1 ms step on a Node timer (asyncScheduler, as the engine runs)"
      : "the venue's step run by a setImmediate loop at each new ms, the rest on asyncScheduler";
  /** Delivered rate below this share of the nominal 10,000/s: the run is flagged. */
  const minShare = mode === 'timers' ? 0.5 : 0.95;
  return {
    group: GROUP,
    name: `tick-to-quote, ${ENGINE}, ${mode === 'timers' ? 'Node timers' : 'paced steps'}, real time`,
    target: TICK_TO_QUOTE,
    setup: (options: RunOptions): Collected => {
      const r = fullRun(mode, options.quick);
      if (r instanceof Error) return { samplesNs: [], verify: () => r.message };
      const rate = r.updates / r.elapsedSec;
      const gap = r.stepGapMs;
      const step = r.stepDurationMs;
      return {
        samplesNs: r.tickToQuoteNs,
        note:
          `book arrival in the engine to the end of the synchronous pipeline (order manager ` +
          `submit included), every update; ${how}; delivered ${Math.round(rate)} updates/s of ` +
          `${NOMINAL_UPDATES_PER_SEC} nominal (${r.updates} in ${r.elapsedSec.toFixed(1)} s, ` +
          `= mm_book_updates_total; ${r.steps} steps, gap p50 ${fixed(gap.p50, 2)} ms ` +
          `p99 ${fixed(gap.p99, 2)} ms max ${fixed(gap.max, 1)} ms); whole step (10 books ` +
          `generated + engine) p50 ${fixed(step.p50 * 1e3, 0)} us p99 ${fixed(step.p99 * 1e3, 0)} us; ` +
          activity(r),
        verify: () => {
          const problem = runProblem(r);
          if (problem) return problem;
          if (rate < minShare * NOMINAL_UPDATES_PER_SEC)
            return `only ${Math.round(rate)} updates/s delivered`;
          return undefined;
        },
      };
    },
  };
}

function throughputCase(mode: 'flat' | 'virtual'): BenchCase {
  const how =
    mode === 'flat'
      ? "the venue's steps back to back, one per event-loop turn, on a step clock (1 ms per " +
        'step); every other timer on asyncScheduler as in production (stale-data timers are Node ' +
        'timers; order answers come ~1 ms of wall time later)'
      : 'every timer on a virtual clock advanced 1 ms at a time as fast as possible, an ' +
        'event-loop turn after each ms (order answers at the next simulated ms)';
  return {
    group: GROUP,
    name: `max throughput, ${ENGINE}, ${mode === 'flat' ? 'steps back to back' : 'virtual clock'}, one thread, per update`,
    target: THROUGHPUT,
    throughputUnit: 'updates/s',
    setup: (options: RunOptions): Collected => {
      const r = fullRun(mode, options.quick);
      if (r instanceof Error) return { samplesNs: [], verify: () => r.message };
      const t = r.tickToQuote;
      const perUpdateUs = (r.elapsedSec * 1e6) / r.updates;
      const stepUs = (r.stepDurationMs.mean * r.steps * 1e3) / r.updates;
      const pipelineUs = r.pipelineShare * perUpdateUs;
      return {
        samplesNs: r.chunkNsPerUpdate,
        note:
          `${how}; sample = wall time per update over 100 steps (1,000 updates); ` +
          `${r.updates} updates, ${r.simulatedSec.toFixed(1)} s simulated in ` +
          `${r.elapsedSec.toFixed(1)} s (x${fixed(r.simulatedSec / r.elapsedSec, 1)} real time); ` +
          `per update ${fixed(perUpdateUs, 1)} us = venue step ${fixed(stepUs, 1)} us (of which ` +
          `pipelines ${fixed(pipelineUs, 1)} us) + ${fixed(perUpdateUs - stepUs, 1)} us between ` +
          `steps (order calls and answers, fills, fsynced ledger, event loop, GC); tick-to-quote ` +
          `at this load p50 ${fixed(t.p50 / 1e3, 1)} us p99 ${fixed(t.p99 / 1e3, 1)} us ` +
          `p99.9 ${fixed(t.p999 / 1e3, 1)} us; ${activity(r)}`,
        verify: () => runProblem(r),
      };
    },
  };
}

export const engineFullCases: BenchCase[] = [
  latencyCase('timers'),
  latencyCase('paced'),
  throughputCase('flat'),
  throughputCase('virtual'),
];
