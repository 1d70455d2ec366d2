import type { HjbProblem } from '../exact/HjbProblem.js';
import type { QuoteTable } from '../exact/QuoteTable.js';
import { type FiniteHorizonSolution, solveFiniteHorizon } from '../exact/solveFiniteHorizon.js';
import { solveStationary } from '../exact/solveStationary.js';
import { solveStationaryExponential } from '../exact/solveStationaryExponential.js';
import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';
import { controlFromTable } from './controlFromTable.js';
import type { Control, MarketState, Policy } from './Policy.js';

/** The market features an HJB problem may depend on (the drift, and the book for the seed model). */
export interface ModelFeatures {
  driftPerSec: number;
  marketSpreadPrice: number;
  imbalance: number;
  midPrice: number;
}

/**
 * Resolution at which features are snapped before solving: states within one bucket share a
 * solution. An omitted quantum means the problem does not depend on that feature, which is then
 * passed at a neutral value (drift 0, spread 0, imbalance 0.5).
 */
export interface FeatureQuantum {
  driftPerSec?: number;
  marketSpreadPrice?: number;
  imbalance?: number;
  /** Relative bucket of the mid (default 0.001 = 10 bps): models quoted in bps convert with it; 0: the problem does not depend on the mid (one solution). */
  midRelative?: number;
}

export interface ExactPolicyOptions {
  /** The problem for the snapped features. Called once per bucket, off the per-tick path. */
  problemFor(features: ModelFeatures): HjbProblem;
  quantum?: FeatureQuantum;
  /** Session length T in seconds; omit for the stationary (long-horizon) solution. */
  horizonSec?: number;
  /** Time buckets of a finite-horizon solution (default 100). */
  outputSteps?: number;
  /** Solutions kept (least recently solved evicted first); default 64. */
  cacheSize?: number;
}

type Solved =
  | { kind: 'stationary'; table: QuoteTable }
  | { kind: 'finite'; solution: FiniteHorizonSolution }
  | { kind: 'failed'; error: Error };

/** Both sides pulled, no taker: what a policy answers when it has no valid solution. */
const NO_QUOTES: Control = Object.freeze({
  bidDeltaPrice: Number.NaN,
  askDeltaPrice: Number.NaN,
  bidDeltaBps: Number.NaN,
  askDeltaBps: Number.NaN,
  take: null,
  takerBuyRatePerSec: 0,
  takerSellRatePerSec: 0,
});

/**
 * The exact HJB policy: solves the problem for the current (snapped) features once, caches it,
 * and answers each decision with a table lookup. A stationary re-solve warm-starts Newton from
 * the last solution, so a change of drift or book costs a few Newton iterations.
 */
export class ExactPolicy implements Policy {
  readonly name = 'exact' as const;
  private readonly cache = new Map<string, Solved>();
  private last: QuoteTable | undefined;
  /** Solves performed (cache misses), for metrics and benchmarks. */
  solves = 0;
  /** The last solver failure (an ill-posed problem for some bucket); its quotes are pulled. */
  lastError: Error | undefined;

  constructor(private readonly options: ExactPolicyOptions) {}

  decide(state: MarketState): Control {
    const solved = this.solutionFor(state);
    if (solved.kind === 'failed') return NO_QUOTES;
    const table = solved.kind === 'stationary' ? solved.table : solved.solution.at(state.tSec);
    return controlFromTable(table, state.inventoryLots, state.midPrice);
  }

  /** The solution for this state's bucket, solving on a miss. */
  solutionFor(state: MarketState): Solved {
    const qz = this.options.quantum ?? {};
    const f: ModelFeatures = {
      driftPerSec: snap(state.driftPerSec, qz.driftPerSec, 0),
      marketSpreadPrice: snap(state.marketSpreadPrice, qz.marketSpreadPrice, 0),
      imbalance: snap(state.imbalance, qz.imbalance, 0.5),
      midPrice: Math.exp(snap(Math.log(state.midPrice), qz.midRelative ?? 1e-3, 0)),
    };
    const key = `${f.driftPerSec}|${f.marketSpreadPrice}|${f.imbalance}|${f.midPrice}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    let solved: Solved;
    try {
      solved = this.solve(this.options.problemFor(f));
    } catch (err) {
      // An ill-posed bucket (e.g. a side with no flow at all) pulls quotes instead of throwing
      // on the per-tick path; the error is kept for the caller's logs and metrics.
      this.lastError = err instanceof Error ? err : new Error(String(err));
      solved = { kind: 'failed', error: this.lastError };
    }
    this.cache.set(key, solved);
    if (this.cache.size > (this.options.cacheSize ?? 64)) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return solved;
  }

  private solve(problem: HjbProblem): Solved {
    this.solves++;
    const { horizonSec, outputSteps } = this.options;
    if (horizonSec !== undefined) {
      return {
        kind: 'finite',
        solution: solveFiniteHorizon(problem, { horizonSec, outputSteps: outputSteps ?? 100 }),
      };
    }
    const table = isPlainExponential(problem)
      ? solveStationaryExponential(problem).table
      : solveStationary(problem, this.warmStart(problem)).table;
    this.last = table;
    return { kind: 'stationary', table };
  }

  private warmStart(problem: HjbProblem): { initialH?: Float64Array } {
    return this.last && this.last.qMax === problem.qMax ? { initialH: this.last.h } : {};
  }
}

/** Exponential intensities with one k and no taker: the Perron eigenvector solves it directly. */
function isPlainExponential(problem: HjbProblem): boolean {
  return (
    problem.taker === undefined &&
    problem.bid instanceof ExponentialIntensity &&
    problem.ask instanceof ExponentialIntensity &&
    problem.bid.kPerPrice === problem.ask.kPerPrice
  );
}

function snap(x: number, quantum: number | undefined, neutral: number): number {
  return quantum !== undefined && quantum > 0 ? Math.round(x / quantum) * quantum : neutral;
}
