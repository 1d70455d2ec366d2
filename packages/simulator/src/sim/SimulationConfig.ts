import type { Policy } from '@mm/hjb-core';
import type { BookModel } from '../book/BookModel.js';
import type { FeeModel } from '../fees/FeeModel.js';
import type { FillModel, FillProbability } from '../fills/FillModel.js';
import type { LatencyModel } from '../latency/LatencyModel.js';
import type { MidModel } from '../mid/MidModel.js';

/** Anything that decides like a `@mm/hjb-core` `Policy` (its `name` is not needed here). */
export type QuotePolicy = Pick<Policy, 'decide'>;

/** One asset's market: how its mid moves, its book, how our quotes fill, what trading costs. */
export interface MarketConfig {
  /** Mid at t = 0, price units. */
  initialMidPrice: number;
  midModel: MidModel;
  /** Default: `flatBook()` (zero spread, imbalance 0.5; taker trades at the mid). */
  bookModel?: BookModel;
  fillModel: FillModel;
  /** Default `exact` (`1 - exp(-lambda tau)`); `firstOrder` is Avellaneda-Stoikov's `lambda dt`. */
  fillProbability?: FillProbability;
  /** Default: no fees. */
  feeModel?: FeeModel;
  /** Default: zero latency. */
  latencyModel?: LatencyModel;
  /** Base units per lot (one fill = one lot; cash moves by price x lotSizeBase). Default 1. */
  lotSizeBase?: number;
}

/** The clock, the seed and what to keep. */
export interface RunConfig {
  /** Time step, seconds. */
  dtSec: number;
  /** Horizon, seconds; a whole number of steps. */
  horizonSec: number;
  /** Seed of every random stream (same seed, same result). */
  seed: number;
  /** Call the policy every this many steps (default 1). */
  decideEverySteps?: number;
  /** Keep the path every this many steps, plus the final state (default 1; 0 keeps none). */
  recordEverySteps?: number;
  /** Keep every fill (default true; counts and totals are kept either way). */
  recordFills?: boolean;
  /**
   * Step order. `false` (default): fills over the step see the mid the quotes were set at, then
   * the mid moves. `true`: the mid moves first and the step's fills see the moved mid while the
   * quotes (and fill prices) stay where they were set: quotes stale by one move, the adverse
   * selection of a discrete update. Avellaneda-Stoikov's (2008) Tables 1-2 match this order.
   */
  fillsAfterMidMove?: boolean;
}

/** A single-asset closed-loop simulation. */
export interface SimulationConfig extends MarketConfig, RunConfig {
  policy: QuotePolicy;
}

/** The checked clock of a run. */
export interface RunPlan {
  seed: number;
  dtSec: number;
  horizonSec: number;
  steps: number;
  decideEverySteps: number;
  recordEverySteps: number;
  recordFills: boolean;
  fillsAfterMidMove: boolean;
}

/** Check a run's settings; throws a RangeError naming the field. */
export function planRun(config: RunConfig): RunPlan {
  const { dtSec, horizonSec, seed } = config;
  if (!(dtSec > 0) || !Number.isFinite(dtSec))
    throw new RangeError(`dtSec must be finite and > 0, got ${dtSec}`);
  if (!(horizonSec > 0) || !Number.isFinite(horizonSec))
    throw new RangeError(`horizonSec must be finite and > 0, got ${horizonSec}`);
  const steps = Math.round(horizonSec / dtSec);
  if (steps < 1 || Math.abs(steps * dtSec - horizonSec) > 1e-9 * horizonSec)
    throw new RangeError(
      `dtSec must divide horizonSec = ${horizonSec} into whole steps, got ${dtSec}`,
    );
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const decideEverySteps = config.decideEverySteps ?? 1;
  if (!Number.isInteger(decideEverySteps) || decideEverySteps < 1)
    throw new RangeError(`decideEverySteps must be an integer >= 1, got ${decideEverySteps}`);
  const recordEverySteps = config.recordEverySteps ?? 1;
  if (!Number.isInteger(recordEverySteps) || recordEverySteps < 0)
    throw new RangeError(`recordEverySteps must be an integer >= 0, got ${recordEverySteps}`);
  return {
    seed,
    dtSec,
    horizonSec,
    steps,
    decideEverySteps,
    recordEverySteps,
    recordFills: config.recordFills ?? true,
    fillsAfterMidMove: config.fillsAfterMidMove ?? false,
  };
}
