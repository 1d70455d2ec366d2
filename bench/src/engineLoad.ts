/**
 * The engine under load: 10 per-asset pipelines (`assetPipeline` from `@mm/engine`, exact GLFT
 * policies with warm caches) fed synthetic L2 books.
 *
 * The books are generated here with `@mm/simulator` (`syntheticBook` around an
 * `arithmeticBrownian` mid, seeded `createRng`), not through the engine's simulated venue: the
 * benchmark times the pipeline from book to order action, and stays independent of the venue
 * adapter. No order is sent anywhere, no fill happens and the inventory stays flat: the pipeline's
 * diff treats its own actions as acknowledged.
 *
 * Run as a script (`node bench/dist/engineLoad.js [--seconds 5] [--json]`), it drives 10 assets x
 * 1,000 book updates per second in real time from an event-loop timer loop and reports the
 * tick-to-quote latency of every update; `cases/engine.ts` runs it in a child process.
 */

import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { assetPipeline, type BookEvent, type BookLevel, type OrderAction } from '@mm/engine';
import { ExactPolicy, glftProblem } from '@mm/hjb-core';
import { arithmeticBrownian, createRng, syntheticBook } from '@mm/simulator';
import { of, Subject, type Subscription } from 'rxjs';

/** Assets quoted, each with its own pipeline and policy. */
export const ENGINE_ASSETS = 10;
/** Book updates per second per asset in the real-time load. */
export const UPDATES_PER_SEC_PER_ASSET = 1000;
/** Levels per side of every generated book. */
const LEVELS = 5;
const TICK_PRICE = 0.01;
/** Inventory grid and position limit, lots. */
const Q_MAX_LOTS = 10;

/** One pre-generated book without its timestamp (stamped at arrival, as a venue adapter does). */
export interface BookLevels {
  bids: BookLevel[];
  asks: BookLevel[];
}

/**
 * Asset `i`: mid `500 (1 + 0.1 i)` (tick 0.01 = 0.1-0.2 bps), volatility 1 bp per sqrt(second)
 * (about 5-10 ticks per sqrt(second), so a quote moves every few updates at 1 ms spacing); GLFT
 * with `A = 2` fills/s, `k = 50` per price unit, `gamma = 0.5`: quotes about 2-3 ticks from the mid.
 */
function assetSpec(i: number) {
  const midPrice = 500 * (1 + 0.1 * i);
  return {
    symbol: `SIM${i}`,
    midPrice,
    sigmaPerSqrtSec: midPrice * 1e-4,
  };
}

/**
 * `count` consecutive books of asset `i`, `dtSec` apart (seeded: the same books on every run).
 * Replayed forwards then backwards (see `bookIndex`) so the mid never jumps at a wrap.
 */
export function generateBooks(i: number, count: number, dtSec: number): BookLevels[] {
  const spec = assetSpec(i);
  const rng = createRng(1000 + i);
  const mid = arithmeticBrownian({ sigmaPerSqrtSec: spec.sigmaPerSqrtSec }).start(
    spec.midPrice,
    rng,
  );
  const book = syntheticBook({ tickPrice: TICK_PRICE, levels: LEVELS, meanSizeBase: 2 }).start(
    spec.midPrice,
    rng,
  );
  const out: BookLevels[] = [];
  for (let n = 0; n < count; n++) {
    book.update(mid.step(dtSec, rng.normal(), rng), dtSec, rng);
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let l = 0; l < LEVELS; l++) {
      bids.push([book.bidPrices[l]!, book.bidSizes[l]!]);
      asks.push([book.askPrices[l]!, book.askSizes[l]!]);
    }
    out.push({ bids, asks });
  }
  return out;
}

/** Index of the `n`-th book of a forwards-backwards walk over `count` books. */
export function bookIndex(n: number, count: number): number {
  const r = n % (2 * count);
  return r < count ? r : 2 * count - 1 - r;
}

/** The pipelines, their inputs and what came out. */
export interface EngineRig {
  readonly books: BookLevels[][];
  readonly subjects: Subject<BookEvent>[];
  readonly policies: ExactPolicy[];
  /** Order actions per kind, all assets. */
  readonly actionCounts: Record<OrderAction['kind'], number>;
  /** `cancelAll` actions caused by a pipeline error (must stay 0). */
  errors: number;
  /** Risk decisions, and those that pulled a side or more (should be ~0: nothing is stale). */
  decisions: number;
  pulled: number;
  /** Called on every order action after counting (e.g. to timestamp it). */
  onAction: (action: OrderAction) => void;
  /** Push the `n`-th update of asset `i`, stamped with `Date.now()`. */
  event(i: number, n: number): BookEvent;
  /** Solves of all policies (cache misses). */
  solves(): number;
  /** Unsubscribe every pipeline (clears their stale-data timers). */
  close(): void;
}

/**
 * Build `ENGINE_ASSETS` pipelines on the default (async) scheduler with `booksPerAsset`
 * pre-generated books each, and warm every policy's cache on those books' mids.
 */
export function buildEngineRig(booksPerAsset: number, dtSec: number): EngineRig {
  const books: BookLevels[][] = [];
  const subjects: Subject<BookEvent>[] = [];
  const policies: ExactPolicy[] = [];
  const subscriptions: Subscription[] = [];
  const actionCounts = { place: 0, replace: 0, cancel: 0, cancelAll: 0 };
  const inventory$ = of({ lotsByAsset: {}, grossNotional: 0 });
  const rig: EngineRig = {
    books,
    subjects,
    policies,
    actionCounts,
    errors: 0,
    decisions: 0,
    pulled: 0,
    onAction: () => {},
    event(i, n) {
      const levels = books[i]![bookIndex(n, booksPerAsset)]!;
      return { tMs: Date.now(), bids: levels.bids, asks: levels.asks };
    },
    solves: () => policies.reduce((s, p) => s + p.solves, 0),
    close: () => {
      for (const s of subscriptions) s.unsubscribe();
    },
  };
  for (let i = 0; i < ENGINE_ASSETS; i++) {
    const spec = assetSpec(i);
    const problem = glftProblem({
      sigmaPerSqrtSec: spec.sigmaPerSqrtSec,
      aPerSec: 2,
      kPerPrice: 50,
      gamma: 0.5,
      qMax: Q_MAX_LOTS,
    });
    // The GLFT problem depends on no market feature: only the mid bucket (10 bps) keys the cache.
    const policy = new ExactPolicy({ problemFor: () => problem });
    const assetBooks = generateBooks(i, booksPerAsset, dtSec);
    for (const b of assetBooks) {
      const bestBid = b.bids[0]![0];
      const bestAsk = b.asks[0]![0];
      policy.decide({
        inventoryLots: 0,
        midPrice: (bestBid + bestAsk) / 2,
        marketSpreadPrice: bestAsk - bestBid,
        imbalance: 0.5,
        driftPerSec: 0,
        tSec: 0,
      });
    }
    const subject = new Subject<BookEvent>();
    const pipeline = assetPipeline({
      asset: { symbol: spec.symbol, tickSize: TICK_PRICE, lotSizeBase: 1, quoteSizeLots: 1 },
      book$: subject,
      inventory$,
      killSwitch$: of(false),
      policy,
      limits: {
        positionLimitLots: Q_MAX_LOTS,
        portfolioNotionalLimit: 1e12,
        staleDataTimeoutMs: 1000,
        priceBandBps: 50,
      },
      onDecision: (decision) => {
        rig.decisions++;
        if (decision.reasons.length > 0) rig.pulled++;
      },
    });
    subscriptions.push(
      pipeline.subscribe((action) => {
        actionCounts[action.kind]++;
        if (action.kind === 'cancelAll' && action.reason.startsWith('error')) rig.errors++;
        rig.onAction(action);
      }),
    );
    books.push(assetBooks);
    subjects.push(subject);
    policies.push(policy);
  }
  return rig;
}

/** What one real-time run measured; latencies in nanoseconds, one per update. */
export interface RealTimeResult {
  /** From just before `subject.next(book)` to its return: the decision, with or without actions. */
  decisionNs: number[];
  /** From just before `subject.next(book)` to its last order action, for updates with actions. */
  actionNs: number[];
  updates: number;
  actions: number;
  errors: number;
  /** Risk decisions that pulled a side, while timing. */
  pulled: number;
  /** Policy solves while timing (0 when the cache stayed warm). */
  solves: number;
  /** Wall time of the timed phase, seconds. */
  elapsedSec: number;
  /** Largest delay of an update behind its schedule, milliseconds. */
  maxScheduleLagMs: number;
  /** 1-minute load average before the run, and CPUs. */
  loadAvg1m: number;
  cpus: number;
}

/**
 * Warm the JIT with `warmupSec` of updates pushed back to back, then deliver 10 assets x 1,000
 * updates per second for `seconds` of real time. The schedule is one update every 100 us (assets
 * in turn, each asset every 1 ms), kept by a `setImmediate` loop that pushes every update whose
 * time has come, so the event loop (timers included) keeps turning between updates.
 */
export function runRealTime(seconds: number, warmupSec = 1): Promise<RealTimeResult> {
  const dtSec = 1 / UPDATES_PER_SEC_PER_ASSET;
  const perAsset = Math.ceil((seconds + warmupSec) * UPDATES_PER_SEC_PER_ASSET) + 1;
  const rig = buildEngineRig(perAsset, dtSec);
  const loadAvg1m = loadavg()[0] ?? Number.NaN;
  let lastActionMs = 0;
  let actionsNow = 0;
  rig.onAction = () => {
    actionsNow++;
    lastActionMs = performance.now();
  };

  const warmup = Math.round(warmupSec * UPDATES_PER_SEC_PER_ASSET);
  for (let n = 0; n < warmup; n++)
    for (let i = 0; i < ENGINE_ASSETS; i++) rig.subjects[i]!.next(rig.event(i, n));

  const total = Math.round(seconds * UPDATES_PER_SEC_PER_ASSET) * ENGINE_ASSETS;
  const spacingMs = 1000 / (UPDATES_PER_SEC_PER_ASSET * ENGINE_ASSETS);
  const decisionNs = new Float64Array(total);
  const actionNs: number[] = [];
  const solvesBefore = rig.solves();
  const actionsBefore = actionCount(rig);
  const pulledBefore = rig.pulled;
  let maxLagMs = 0;
  let k = 0;

  return new Promise((resolve) => {
    const start = performance.now() + 5;
    const loop = () => {
      let now = performance.now();
      while (k < total && start + k * spacingMs <= now) {
        maxLagMs = Math.max(maxLagMs, now - (start + k * spacingMs));
        const i = k % ENGINE_ASSETS;
        const subject = rig.subjects[i]!;
        const event = rig.event(i, warmup + Math.floor(k / ENGINE_ASSETS));
        actionsNow = 0;
        const t0 = performance.now();
        subject.next(event);
        const t1 = performance.now();
        decisionNs[k] = (t1 - t0) * 1e6;
        if (actionsNow > 0) actionNs.push((lastActionMs - t0) * 1e6);
        k++;
        now = t1;
      }
      if (k < total) {
        setImmediate(loop);
        return;
      }
      const elapsedSec = (performance.now() - start) / 1000;
      rig.close();
      resolve({
        decisionNs: Array.from(decisionNs),
        actionNs,
        updates: total,
        actions: actionCount(rig) - actionsBefore,
        errors: rig.errors,
        pulled: rig.pulled - pulledBefore,
        solves: rig.solves() - solvesBefore,
        elapsedSec,
        maxScheduleLagMs: maxLagMs,
        loadAvg1m,
        cpus: cpus().length,
      });
    };
    setImmediate(loop);
  });
}

function actionCount(rig: EngineRig): number {
  const c = rig.actionCounts;
  return c.place + c.replace + c.cancel + c.cancelAll;
}

/** Nearest-rank percentile of unsorted samples. */
function percentile(xs: readonly number[], p: number): number {
  const s = Float64Array.from(xs).sort();
  return s[Math.max(0, Math.ceil(p * s.length) - 1)] ?? Number.NaN;
}

async function main(argv: readonly string[]): Promise<void> {
  const at = argv.indexOf('--seconds');
  const seconds = at >= 0 ? Number(argv[at + 1]) : 5;
  if (!(seconds > 0)) throw new Error(`--seconds must be > 0, got ${argv[at + 1]}`);
  const r = await runRealTime(seconds);
  if (argv.includes('--json')) {
    const round = (xs: number[]) => xs.map((x) => Math.round(x));
    const out = { ...r, decisionNs: round(r.decisionNs), actionNs: round(r.actionNs) };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const us = (ns: number) => `${(ns / 1e3).toFixed(1)} us`;
  for (const [label, xs] of [
    ['any decision', r.decisionNs],
    ['with order actions', r.actionNs],
  ] as const)
    process.stdout.write(
      `${label}: n ${xs.length}, p50 ${us(percentile(xs, 0.5))}, p99 ${us(percentile(xs, 0.99))}, ` +
        `p999 ${us(percentile(xs, 0.999))}, max ${us(percentile(xs, 1))}\n`,
    );
  process.stdout.write(
    `${r.updates} updates in ${r.elapsedSec.toFixed(2)} s, ${r.actions} actions, ${r.errors} errors, ` +
      `${r.pulled} pulled decisions, ` +
      `${r.solves} solves, max schedule lag ${r.maxScheduleLagMs.toFixed(2)} ms, load ${r.loadAvg1m}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
