/**
 * The whole engine under load: `Engine.start` from `@mm/engine` with ONE simulated venue quoting
 * 10 assets (`A0`..`A9`, mid 100, tick 0.01, lot 1, exact GLFT policy with sigma 0.02, A 2, k 50,
 * gamma 0.5: quotes about 2 ticks from the mid). The venue steps every asset's book each
 * `bookIntervalMs = 1` ms (one timer for all assets: 1,000 updates/s per asset, 10,000/s in all)
 * and answers order calls at once (`latencyMs: 0`); resting orders fill, so fills, ledger appends
 * and inventory updates happen during the run. Metrics are not served. Redis points at a closed
 * port (`redis://127.0.0.1:1`, 200 ms connect timeout), so the engine runs embedded: in-process
 * bus and the fsynced file fill ledger, in a temp directory removed at the end.
 *
 * Modes (`node bench/dist/engineFullLoad.js --mode <m> [--seconds 5] [--warmup 1] [--json]`;
 * `--portfolio multi` quotes the 10 assets with the multi-asset control, mids correlated 0.5):
 * - `timers`: the engine as it runs (`asyncScheduler`): the venue's 1 ms step is a Node timer,
 *   which fires late, so fewer than 1,000 steps a second are delivered (measured).
 * - `paced`: as `timers`, except that the venue's step, the only action scheduled 1 ms ahead, runs
 *   from a `setImmediate` loop at each new millisecond of `Date.now()`: 1,000 steps a second. The
 *   loop spins (one core busy); everything else stays on `asyncScheduler`.
 * - `flat`: maximum throughput with the engine's own timers: the venue's steps run back to back,
 *   one per event-loop turn, on a step clock (`now()` advances 1 ms per step, so each step
 *   simulates 1 ms); every other action stays on `asyncScheduler` with real delays (the pipelines'
 *   stale-data timers are Node timers, as in production; order answers come after ~1 ms of wall
 *   time, i.e. several steps).
 * - `virtual`: maximum throughput with every timer on a virtual clock, advanced 1 ms at a time
 *   as fast as the thread allows, one event-loop turn (promise callbacks, file I/O) per ms: order
 *   answers come at the next simulated ms.
 *
 * Each book update's tick-to-quote is the engine's own figure (`EngineDeps.onTickToQuote`): from
 * the book's arrival in the engine (after its book counter and mid bookkeeping) to the end of the
 * synchronous pipeline, order manager `submit` included. `cases/engineFull.ts` runs this script
 * in a child process.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { type EngineConfig, parseEngineConfig } from '@mm/config';
import { Engine } from '@mm/engine';
import { createLogger } from '@mm/telemetry';
import { asyncScheduler, type SchedulerAction, type SchedulerLike, Subscription } from 'rxjs';

/** Assets quoted, all on the one simulated venue. */
export const FULL_ASSETS = 10;
/** The venue's book step, milliseconds (every asset's book each step). */
export const BOOK_INTERVAL_MS = 1;
/** Book updates per second the config asks for, all assets. */
export const NOMINAL_UPDATES_PER_SEC = (FULL_ASSETS * 1000) / BOOK_INTERVAL_MS;
/** Venue steps per throughput sample: 100 steps, 1,000 updates. */
const CHUNK_STEPS = 100;

export type LoadMode = 'timers' | 'paced' | 'flat' | 'virtual';
export const LOAD_MODES: readonly LoadMode[] = ['timers', 'paced', 'flat', 'virtual'];
/** Modes whose tick-to-quote samples are all returned (else only their quantiles). */
const REAL_TIME: readonly LoadMode[] = ['timers', 'paced'];

/**
 * Book model of the portfolio load (`--portfolio multi`): every pair of assets correlated 0.5 in
 * the market and in the book's risk model; gamma 0.5 per unit of quote currency (lot 1).
 */
export const PORTFOLIO_CORRELATION = 0.5;

/** The `FULL_ASSETS x FULL_ASSETS` correlation matrix of the portfolio load. */
export function portfolioCorrelation(): number[][] {
  return Array.from({ length: FULL_ASSETS }, (_, i) =>
    Array.from({ length: FULL_ASSETS }, (_, j) => (i === j ? 1 : PORTFOLIO_CORRELATION)),
  );
}

/**
 * The benchmark's engine config (validated by `parseEngineConfig`); with `portfolio: 'multi'` the
 * simulated mids are correlated and the book is quoted by the multi-asset control.
 */
export function fullEngineConfig(
  ledgerDir: string,
  prefix: string,
  portfolio: 'none' | 'multi' = 'none',
): EngineConfig {
  const multi =
    portfolio === 'multi'
      ? {
          portfolio: {
            model: 'multi',
            gamma: 0.5,
            correlation: portfolioCorrelation(),
            hedging: { enabled: true },
          },
        }
      : {};
  return parseEngineConfig({
    ...multi,
    assets: Array.from({ length: FULL_ASSETS }, (_, i) => ({
      symbol: `A${i}`,
      lotSizeBase: 1,
      tickSize: 0.01,
      qMaxLots: 10,
      policy: 'exact',
      model: { sigma: 0.02, A: 2, k: 50, gamma: 0.5 },
    })),
    venues: [
      {
        name: 'sim',
        kind: 'sim',
        seed: 7,
        bookIntervalMs: BOOK_INTERVAL_MS,
        latencyMs: 0,
        ...(portfolio === 'multi' ? { correlation: portfolioCorrelation(), takerFeeBps: 2.5 } : {}),
      },
    ],
    risk: {
      positionLimitLots: 10,
      portfolioNotionalLimit: 1e9,
      maxOrdersPerSec: 1e6,
      staleDataTimeoutMs: 1000,
      priceBandBps: 100,
    },
    redis: { url: 'redis://127.0.0.1:1', prefix, connectTimeoutMs: 200, required: false },
    metrics: { enabled: false },
    ledger: { dir: ledgerDir },
  });
}

/** Nearest-rank quantiles and mean of a sample. */
export interface Quantiles {
  n: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export function quantiles(xs: ArrayLike<number>): Quantiles {
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? Number.NaN;
  let sum = 0;
  for (const x of s) sum += x;
  return {
    n: s.length,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: at(1),
    mean: s.length > 0 ? sum / s.length : Number.NaN,
  };
}

/** What one run measured (timed phase only, after the warm-up). */
export interface FullLoadResult {
  mode: LoadMode;
  /** Tick-to-quote of every update, ns (`timers` and `paced`; empty otherwise). */
  tickToQuoteNs: number[];
  /** Tick-to-quote summary, ns (all modes). */
  tickToQuote: Quantiles;
  /** Book updates (one tick-to-quote each), and `mm_book_updates_total`'s increase. */
  updates: number;
  bookUpdatesMetric: number;
  /** Wall time, seconds. */
  elapsedSec: number;
  /** Simulated time covered, seconds (the step or virtual clock; the wall time in real time). */
  simulatedSec: number;
  /** Venue steps (each steps all books), their spacing and their duration (whole step), ms. */
  steps: number;
  stepGapMs: Quantiles;
  stepDurationMs: Quantiles;
  /** Wall ns per update over each `CHUNK_STEPS` venue steps (end of a step to end of a step). */
  chunkNsPerUpdate: number[];
  /** Sum of tick-to-quote over the wall time: the pipelines' share of the thread. */
  pipelineShare: number;
  orderActions: Record<string, number>;
  fills: number;
  ordersRejected: number;
  riskPulls: Record<string, number>;
  pipelineRestarts: number;
  badBooks: number;
  transport: string;
  /** From `engine.stop()`: orders left open, fills recorded in the session. */
  leftoverOrders: number;
  fillsRecorded: number;
  /** Fills not yet durable when the timed phase ended. */
  ledgerQueuedAtEnd: number;
  /** Warning or error log lines during the timed phase, and the first few. */
  warnings: number;
  warningSamples: string[];
  loadAvg1m: number;
  cpus: number;
}

type Work<T> = (this: SchedulerAction<T>, state?: T) => void;

/** `work` reporting its start and end (`performance.now()`, ms) to `onStep`. */
function timedStep<T>(work: Work<T>, onStep: (startMs: number, endMs: number) => void): Work<T> {
  return function (this: SchedulerAction<T>, state?: T): void {
    const t0 = performance.now();
    work.call(this, state);
    onStep(t0, performance.now());
  };
}

/** One action of `StepScheduler`, due at an epoch millisecond. */
class PacedAction<T> extends Subscription implements SchedulerAction<T> {
  due = 0;
  private state: T | undefined;
  constructor(
    private readonly owner: StepScheduler,
    private readonly work: Work<T>,
  ) {
    super();
  }
  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.due = this.owner.now() + delay;
    this.owner.enqueue(this as PacedAction<unknown>);
    return this;
  }
  run(): void {
    this.work.call(this, this.state);
  }
}

/** How `StepScheduler` runs the venue's steps. */
type Pacing = 'timer' | 'wall' | 'flat';

/**
 * `asyncScheduler`, except for the venue's step (the only action scheduled `BOOK_INTERVAL_MS`
 * ahead), which is timed and run by `pacing`: `timer` on `asyncScheduler` (a Node timer); `wall`
 * from a `setImmediate` loop as soon as `Date.now()` reaches its due millisecond; `flat` from a
 * `setImmediate` loop at once, one step per turn, with `now()` a step clock that jumps to each
 * step's due time (integer epoch ms, starting at `Date.now()`).
 */
class StepScheduler implements SchedulerLike {
  private readonly queue: PacedAction<unknown>[] = [];
  private spinning = false;
  private stepClockMs = Date.now();
  constructor(
    private readonly pacing: Pacing,
    private readonly onStep: (startMs: number, endMs: number) => void,
  ) {}

  now(): number {
    return this.pacing === 'flat' ? this.stepClockMs : asyncScheduler.now();
  }

  schedule<T>(work: Work<T>, delay = 0, state?: T): Subscription {
    if (delay !== BOOK_INTERVAL_MS) return asyncScheduler.schedule(work, delay, state);
    const timed = timedStep(work, this.onStep);
    if (this.pacing === 'timer') return asyncScheduler.schedule(timed, delay, state);
    return new PacedAction(this, timed).schedule(state, delay);
  }

  enqueue(action: PacedAction<unknown>): void {
    if (!this.queue.includes(action)) this.queue.push(action);
    if (!this.spinning) {
      this.spinning = true;
      setImmediate(this.spin);
    }
  }

  private readonly spin = (): void => {
    let now = Date.now();
    if (this.pacing === 'flat') {
      let due = Number.POSITIVE_INFINITY;
      for (const a of this.queue) if (!a.closed) due = Math.min(due, a.due);
      if (due > this.stepClockMs && Number.isFinite(due)) this.stepClockMs = due;
      now = this.stepClockMs;
    }
    for (let i = 0; i < this.queue.length; ) {
      const a = this.queue[i]!;
      if (a.closed) this.queue.splice(i, 1);
      else if (a.due <= now) {
        this.queue.splice(i, 1);
        a.run(); // may enqueue again (due later): appended, skipped in this pass
      } else i++;
    }
    if (this.queue.length > 0) setImmediate(this.spin);
    else this.spinning = false;
  };
}

class VirtualAction<T> extends Subscription implements SchedulerAction<T> {
  /** Due time, scheduling sequence number and position in the clock's heap (-1: not queued). */
  due = 0;
  seq = 0;
  index = -1;
  private state: T | undefined;
  constructor(
    private readonly clock: VirtualClock,
    private readonly work: Work<T>,
  ) {
    super();
  }
  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.state = state;
    this.clock.enqueue(this as VirtualAction<unknown>, this.clock.now() + Math.max(0, delay));
    return this;
  }
  run(): void {
    this.work.call(this, this.state);
  }
  override unsubscribe(): void {
    this.clock.remove(this as VirtualAction<unknown>);
    super.unsubscribe();
  }
}

/**
 * A virtual clock (integer epoch milliseconds) with a binary heap of due actions, in due then
 * scheduling order; a canceled action leaves the heap at once (the pipelines' stale-data timers
 * are canceled at every book: O(log n) each, no garbage kept, unlike rxjs `VirtualTimeScheduler`,
 * which sorts its action array at each schedule and keeps canceled actions until due).
 */
export class VirtualClock implements SchedulerLike {
  private readonly heap: VirtualAction<unknown>[] = [];
  private seq = 0;
  /** `onStep` times the venue's steps (actions scheduled `BOOK_INTERVAL_MS` ahead). */
  constructor(
    public frame: number,
    private readonly onStep: (startMs: number, endMs: number) => void,
  ) {}

  now(): number {
    return this.frame;
  }

  schedule<T>(work: Work<T>, delay = 0, state?: T): Subscription {
    const w = delay === BOOK_INTERVAL_MS ? timedStep(work, this.onStep) : work;
    return new VirtualAction(this, w).schedule(state, delay);
  }

  /** Queue `action` at `due` (moving it when already queued). */
  enqueue(action: VirtualAction<unknown>, due: number): void {
    this.remove(action);
    action.due = due;
    action.seq = this.seq++;
    action.index = this.heap.length;
    this.heap.push(action);
    this.up(action.index);
  }

  remove(action: VirtualAction<unknown>): void {
    const i = action.index;
    if (i < 0) return;
    const h = this.heap;
    const last = h.pop()!;
    action.index = -1;
    if (i === h.length) return;
    h[i] = last;
    last.index = i;
    this.up(i);
    this.down(last.index);
  }

  /** Run every action due at or before `untilMs` (including ones scheduled meanwhile). */
  runUntil(untilMs: number): void {
    const h = this.heap;
    for (let top = h[0]; top !== undefined && top.due <= untilMs; top = h[0]) {
      this.remove(top);
      if (top.due > this.frame) this.frame = top.due;
      top.run();
    }
    if (untilMs > this.frame) this.frame = untilMs;
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && before(h[l]!, h[m]!)) m = l;
      if (r < h.length && before(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const a = h[i]!;
    const b = h[j]!;
    h[i] = b;
    h[j] = a;
    a.index = j;
    b.index = i;
  }
}

function before(a: VirtualAction<unknown>, b: VirtualAction<unknown>): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Sum of a counter's series, or per value of `label`. */
async function counterSum(
  counter: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> },
  label?: string,
): Promise<{ total: number; by: Record<string, number> }> {
  const by: Record<string, number> = {};
  let total = 0;
  for (const v of (await counter.get()).values) {
    total += v.value;
    if (label !== undefined) {
      const key = String((v.labels as Record<string, unknown>)[label]);
      by[key] = (by[key] ?? 0) + v.value;
    }
  }
  return { total, by };
}

interface Counters {
  books: number;
  actions: Record<string, number>;
  fills: number;
  rejected: number;
  pulls: Record<string, number>;
  restarts: number;
  badBooks: number;
}

async function readCounters(engine: Engine): Promise<Counters> {
  const m = engine.metrics;
  return {
    books: (await counterSum(m.bookUpdates)).total,
    actions: (await counterSum(m.orderActions, 'kind')).by,
    fills: (await counterSum(m.fills)).total,
    rejected: (await counterSum(m.ordersRejected)).total,
    pulls: (await counterSum(m.riskPulls, 'reason')).by,
    restarts: (await counterSum(m.pipelineRestarts)).total,
    badBooks: (await counterSum(m.badBooks)).total,
  };
}

function diff(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const d = (b[k] ?? 0) - (a[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/**
 * Start the engine in `mode`, warm up for `warmupSec` (wall time), measure for `seconds` (wall
 * time), stop it and remove its ledger directory.
 */
export async function runFullLoad(
  mode: LoadMode,
  seconds: number,
  warmupSec: number,
  portfolio: 'none' | 'multi' = 'none',
): Promise<FullLoadResult> {
  const loadAvg1m = loadavg()[0] ?? Number.NaN;
  const dir = await mkdtemp(join(tmpdir(), 'mm-bench-engine-'));
  try {
    const config = fullEngineConfig(dir, `bench-engine-full-${process.pid}`, portfolio);

    let recording = false;
    const warningSamples: string[] = [];
    let warnings = 0;
    const destination = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n')) {
          if (!recording || line === '') continue;
          warnings++;
          if (warningSamples.length < 5) warningSamples.push(line.slice(0, 300));
        }
        cb();
      },
    });
    const logger = createLogger({ name: 'mm-engine', level: 'warn', destination });

    const realTime = REAL_TIME.includes(mode);
    /** Room for every sample (throughput modes: up to 200k updates/s). */
    const capacity =
      Math.ceil(seconds * (realTime ? 1.2 * NOMINAL_UPDATES_PER_SEC : 200_000)) + 1000;
    const ttqNs = new Float64Array(capacity);
    let updates = 0;
    let ttqSumSec = 0;
    const onTickToQuote = (_asset: string, sec: number) => {
      if (!recording) return;
      ttqSumSec += sec;
      if (updates < capacity) ttqNs[updates] = sec * 1e9;
      updates++;
    };

    const gaps: number[] = [];
    const durations: number[] = [];
    const chunkNsPerUpdate: number[] = [];
    let lastStepMs = Number.NaN;
    let chunkStartMs = Number.NaN;
    let chunkUpdates = 0;
    let chunkSteps = 0;
    const onStep = (startMs: number, endMs: number) => {
      if (recording) {
        if (!Number.isNaN(lastStepMs)) gaps.push(startMs - lastStepMs);
        durations.push(endMs - startMs);
        // Throughput samples: from the end of a step to the end of the CHUNK_STEPS-th next one.
        if (Number.isNaN(chunkStartMs)) {
          chunkStartMs = endMs;
          chunkUpdates = updates;
        } else if (++chunkSteps === CHUNK_STEPS) {
          chunkNsPerUpdate.push(
            ((endMs - chunkStartMs) * 1e6) / Math.max(1, updates - chunkUpdates),
          );
          chunkStartMs = endMs;
          chunkUpdates = updates;
          chunkSteps = 0;
        }
      }
      lastStepMs = startMs;
    };

    const clock = mode === 'virtual' ? new VirtualClock(Date.now(), onStep) : null;
    const pacing: Pacing = mode === 'paced' ? 'wall' : mode === 'flat' ? 'flat' : 'timer';
    const scheduler: SchedulerLike = clock ?? new StepScheduler(pacing, onStep);
    const engine = await Engine.start(config, {
      logger,
      scheduler,
      ...(mode === 'virtual' || mode === 'flat' ? { nowMs: () => scheduler.now() } : {}),
      onTickToQuote,
    });

    let startMs = 0;
    let elapsedSec = 0;
    let simulatedSec = 0;
    let steps = 0;
    let before: Counters;
    let after: Counters;
    let ledgerQueuedAtEnd = 0;
    let report: { leftoverOrders: number; fillsRecorded: number };
    try {
      if (clock) {
        // Virtual time, 1 ms at a time, as fast as possible.
        const drive = async (wallSec: number) => {
          const end = performance.now() + wallSec * 1000;
          while (performance.now() < end) {
            clock.runUntil(clock.frame + BOOK_INTERVAL_MS);
            await nextTurn();
          }
        };
        await drive(warmupSec);
        before = await readCounters(engine);
        const frame0 = clock.frame;
        recording = true;
        startMs = performance.now();
        await drive(seconds);
        elapsedSec = (performance.now() - startMs) / 1000;
        recording = false;
        simulatedSec = (clock.frame - frame0) / 1000;
        steps = durations.length;
        after = await readCounters(engine);
        ledgerQueuedAtEnd = engine.status().ledgerQueued;
        // Shut down with virtual time still moving (cancel answers come on the clock).
        let settled = false;
        const stopping = engine.stop('benchmark done').finally(() => {
          settled = true;
        });
        for (let i = 0; !settled && i < 600_000; i++) {
          clock.runUntil(clock.frame + 1);
          await nextTurn();
        }
        report = await stopping;
      } else {
        await sleep(warmupSec * 1000);
        before = await readCounters(engine);
        const clock0 = scheduler.now();
        recording = true;
        startMs = performance.now();
        await sleep(seconds * 1000);
        recording = false;
        elapsedSec = (performance.now() - startMs) / 1000;
        simulatedSec = (scheduler.now() - clock0) / 1000;
        steps = durations.length;
        after = await readCounters(engine);
        ledgerQueuedAtEnd = engine.status().ledgerQueued;
        report = await engine.stop('benchmark done');
      }
    } catch (e) {
      await engine.stop('benchmark failed').catch(() => {});
      throw e;
    }

    const samples = ttqNs.subarray(0, Math.min(updates, capacity));
    return {
      mode,
      tickToQuoteNs: realTime ? Array.from(samples, (x) => Math.round(x)) : [],
      tickToQuote: quantiles(samples),
      updates,
      bookUpdatesMetric: after.books - before.books,
      elapsedSec,
      simulatedSec,
      steps,
      stepGapMs: quantiles(gaps),
      stepDurationMs: quantiles(durations),
      chunkNsPerUpdate,
      pipelineShare: ttqSumSec / elapsedSec,
      orderActions: diff(before.actions, after.actions),
      fills: after.fills - before.fills,
      ordersRejected: after.rejected - before.rejected,
      riskPulls: diff(before.pulls, after.pulls),
      pipelineRestarts: after.restarts - before.restarts,
      badBooks: after.badBooks - before.badBooks,
      transport: engine.transportKind,
      leftoverOrders: report.leftoverOrders,
      fillsRecorded: report.fillsRecorded,
      ledgerQueuedAtEnd,
      warnings,
      warningSamples,
      loadAvg1m,
      cpus: cpus().length,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function argValue(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

async function main(argv: readonly string[]): Promise<void> {
  const mode = (argValue(argv, '--mode') ?? 'timers') as LoadMode;
  if (!LOAD_MODES.includes(mode)) throw new Error(`--mode must be one of ${LOAD_MODES.join(', ')}`);
  const seconds = Number(argValue(argv, '--seconds') ?? 5);
  if (!(seconds > 0)) throw new Error(`--seconds must be > 0, got ${argValue(argv, '--seconds')}`);
  const warmupSec = Number(argValue(argv, '--warmup') ?? 1);
  if (!(warmupSec >= 0))
    throw new Error(`--warmup must be >= 0, got ${argValue(argv, '--warmup')}`);
  const portfolio = argValue(argv, '--portfolio') ?? 'none';
  if (portfolio !== 'none' && portfolio !== 'multi')
    throw new Error(`--portfolio must be none or multi, got ${portfolio}`);
  const r = await runFullLoad(mode, seconds, warmupSec, portfolio);
  if (argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const us = (ns: number) => `${(ns / 1e3).toFixed(1)} us`;
  const q = r.tickToQuote;
  const ms = (x: number) => `${x.toFixed(3)} ms`;
  const lines = [
    `mode ${r.mode}, transport ${r.transport}, load ${r.loadAvg1m.toFixed(2)} on ${r.cpus} CPUs`,
    `tick-to-quote: n ${q.n}, p50 ${us(q.p50)}, p99 ${us(q.p99)}, p99.9 ${us(q.p999)}, max ${us(q.max)}, mean ${us(q.mean)}`,
    `${r.updates} updates (metric ${r.bookUpdatesMetric}) in ${r.elapsedSec.toFixed(2)} s wall, ` +
      `${r.simulatedSec.toFixed(2)} s simulated: ${Math.round(r.updates / r.elapsedSec)}/s wall, ` +
      `pipelines ${(100 * r.pipelineShare).toFixed(1)}% of the thread`,
    `steps ${r.steps}: gap p50 ${ms(r.stepGapMs.p50)} p99 ${ms(r.stepGapMs.p99)} max ${ms(r.stepGapMs.max)}; ` +
      `duration p50 ${ms(r.stepDurationMs.p50)} p99 ${ms(r.stepDurationMs.p99)} max ${ms(r.stepDurationMs.max)}`,
    `actions ${JSON.stringify(r.orderActions)}, fills ${r.fills}, rejected ${r.ordersRejected}, ` +
      `pulls ${JSON.stringify(r.riskPulls)}, restarts ${r.pipelineRestarts}, bad books ${r.badBooks}`,
    `stop: ${r.leftoverOrders} orders left, ${r.fillsRecorded} fills recorded, ledger queue ${r.ledgerQueuedAtEnd}; ` +
      `${r.warnings} warnings ${JSON.stringify(r.warningSamples)}`,
  ];
  if (r.chunkNsPerUpdate.length > 0) {
    const c = quantiles(r.chunkNsPerUpdate);
    lines.push(
      `chunks of ${CHUNK_STEPS} steps: ${c.n}, ns/update p50 ${c.p50.toFixed(0)} p99 ${c.p99.toFixed(0)}: ` +
        `${Math.round(1e9 / c.mean)} updates/s`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
