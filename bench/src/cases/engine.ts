import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  buildEngineRig,
  ENGINE_ASSETS,
  type RealTimeResult,
  UPDATES_PER_SEC_PER_ASSET,
} from '../engineLoad.js';
import type { BenchCase, Collected, Prepared, RunOptions, Target } from '../harness.js';

// The engine's per-asset pipelines (`assetPipeline` from @mm/engine) with exact GLFT policies,
// fed synthetic L2 books generated directly with @mm/simulator (see engineLoad.ts): the engine's
// simulated venue is not used, so these cases time the pipeline alone, book in to order action out.

const GROUP = 'engine';
/** Real-time load duration, seconds (full run, --quick). */
const REAL_TIME_SEC = { full: 5, quick: 1 };
/** Books per asset pre-generated for the throughput case (walked forwards and backwards). */
const THROUGHPUT_BOOKS = 4096;

const TICK_TO_QUOTE: Target = { label: 'p99 < 200 us', maxP99Ns: 200_000 };
const THROUGHPUT: Target = {
  label: '>= 100k updates/s (median <= 10 us per update)',
  maxMedianNs: 10_000,
};

const LOAD = `${ENGINE_ASSETS} assets x ${UPDATES_PER_SEC_PER_ASSET} updates/s`;

/** The real-time run's result per mode: both latency cases read the same run. */
const runs = new Map<boolean, RealTimeResult | Error>();

/** Run `engineLoad.js` in a child process (its own heap and event loop) and read its JSON line. */
function realTimeRun(quick: boolean): RealTimeResult | Error {
  const known = runs.get(quick);
  if (known) return known;
  const seconds = quick ? REAL_TIME_SEC.quick : REAL_TIME_SEC.full;
  const script = fileURLToPath(new URL('../engineLoad.js', import.meta.url));
  const child = spawnSync(process.execPath, [script, '--seconds', String(seconds), '--json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 300_000,
  });
  let result: RealTimeResult | Error;
  try {
    if (child.status !== 0) throw new Error(child.stderr.trim().split('\n').at(-1) ?? '');
    result = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as RealTimeResult;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    result = new Error(`engine load child failed (exit ${child.status}): ${why}`);
  }
  runs.set(quick, result);
  return result;
}

function latencyCase(which: 'decision' | 'action'): BenchCase {
  const what =
    which === 'decision'
      ? 'tick-to-quote, every update (book in to decision)'
      : 'tick-to-quote, updates with order actions (book in to last action)';
  return {
    group: GROUP,
    name: `${what}, ${LOAD}, real time`,
    target: TICK_TO_QUOTE,
    setup: (options: RunOptions): Collected => {
      const r = realTimeRun(options.quick);
      if (r instanceof Error) return { samplesNs: [], verify: () => r.message };
      const rate = r.updates / r.elapsedSec;
      return {
        samplesNs: which === 'decision' ? r.decisionNs : r.actionNs,
        note:
          `${r.updates} updates in ${r.elapsedSec.toFixed(1)} s (${Math.round(rate)}/s, child ` +
          `process, setImmediate loop), ${r.actionNs.length} with actions (${r.actions} actions), ` +
          `max schedule lag ${r.maxScheduleLagMs.toFixed(1)} ms, load avg ${r.loadAvg1m.toFixed(2)} ` +
          `on ${r.cpus} CPUs`,
        verify: () => {
          if (r.errors > 0) return `${r.errors} pipeline errors`;
          if (r.solves > 0) return `${r.solves} policy solves while timing (cache not warm)`;
          if (r.pulled > r.updates / 100) return `${r.pulled} of ${r.updates} decisions pulled`;
          if (r.actionNs.length === 0) return 'no update produced an order action';
          if (rate < 0.95 * ENGINE_ASSETS * UPDATES_PER_SEC_PER_ASSET)
            return `only ${Math.round(rate)} updates/s delivered`;
          return undefined;
        },
      };
    },
  };
}

export const engineCases: BenchCase[] = [
  latencyCase('decision'),
  latencyCase('action'),
  {
    group: GROUP,
    name: `max throughput, ${ENGINE_ASSETS} pipelines, pre-generated books back to back, one thread, per update`,
    batch: 1000,
    target: THROUGHPUT,
    throughputUnit: 'updates/s',
    setup: (): Prepared => {
      const rig = buildEngineRig(THROUGHPUT_BOOKS, 1 / UPDATES_PER_SEC_PER_ASSET);
      const solves = rig.solves();
      const decisionsBefore = rig.decisions;
      const pulledBefore = rig.pulled;
      const perAsset = new Array<number>(ENGINE_ASSETS).fill(0);
      let next = 0;
      let updates = 0;
      return {
        run: (calls) => {
          // Assets in turn, as the real-time load; each book stamped on arrival (Date.now()).
          for (let c = 0; c < calls; c++) {
            const i = next;
            next = next + 1 === ENGINE_ASSETS ? 0 : next + 1;
            rig.subjects[i]!.next(rig.event(i, perAsset[i]!++));
          }
          updates += calls;
          return rig.actionCounts.replace;
        },
        verify: () => {
          rig.close();
          const decisions = rig.decisions - decisionsBefore;
          const pulled = rig.pulled - pulledBefore;
          if (rig.errors > 0) return `${rig.errors} pipeline errors`;
          if (rig.solves() !== solves) return 'policy solved while timing (cache not warm)';
          if (decisions !== updates) return `${decisions} decisions for ${updates} updates`;
          if (pulled > decisions / 100) return `${pulled} of ${decisions} decisions pulled`;
          return rig.actionCounts.replace > 0 ? undefined : 'no quote was replaced';
        },
      };
    },
  },
];
