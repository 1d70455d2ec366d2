import {
  applyStateAdjustments,
  ClosedFormPolicy,
  ExactPolicy,
  GridPolicy,
  glftGueantParams,
  HeuristicPolicy,
  type MarketState,
  optimizeControl,
  seedEvaluationContext,
  toSeedState,
} from '@mm/hjb-core';
import type { BenchCase, Prepared, Target } from '../harness.js';
import {
  glftParams,
  glftWithDrift,
  seedBookFor,
  seedConfig,
  statesWithInventory,
} from './models.js';

const GROUP = 'policy decision';
const Q_MAX = 100;
/** Distinct market states cycled through per call (a power of two). */
const STATES = 1024;
const MASK = STATES - 1;

const EXACT_LOOKUP: Target = { label: '<= 1 us median', maxMedianNs: 1_000 };
const STATIONARY_RESOLVE: Target = { label: '<= 50 us median', maxMedianNs: 50_000 };

/** Time `policy.decide` over `states`, one state per call; the checksum sums the bid distances. */
function decideOver(
  policy: { decide(s: MarketState): { bidDeltaPrice: number } },
  states: MarketState[],
): (calls: number) => number {
  let k = 0;
  return (calls) => {
    let sum = 0;
    for (let i = 0; i < calls; i++) sum += policy.decide(states[k++ & MASK]!).bidDeltaPrice || 0;
    return sum;
  };
}

/** An exact policy that must solve on every call (`solves` grows by one per call). */
function everyCallSolves(policy: ExactPolicy, states: MarketState[]): Prepared {
  const decide = decideOver(policy, states);
  let calls = 0;
  let solvesBefore = policy.solves;
  let first = true;
  return {
    run: (n) => {
      if (first) {
        first = false;
        solvesBefore = policy.solves;
      }
      calls += n;
      return decide(n);
    },
    verify: () => {
      const solves = policy.solves - solvesBefore;
      if (policy.lastError) return `solver failed: ${policy.lastError.message}`;
      return solves === calls ? undefined : `${solves} solves for ${calls} calls`;
    },
  };
}

/** A warm-cache exact policy: no solve may happen while timing. */
function cacheOnly(policy: ExactPolicy, states: MarketState[]): Prepared {
  for (const s of states) policy.decide(s);
  const solves = policy.solves;
  return {
    run: decideOver(policy, states),
    verify: () => (policy.solves === solves ? undefined : 'cache missed while timing'),
  };
}

export const policyDecisionCases: BenchCase[] = [
  {
    group: GROUP,
    name: 'exact lookup, stationary GLFT, warm cache (qMax 100)',
    batch: 1000,
    target: EXACT_LOOKUP,
    setup: () =>
      cacheOnly(
        new ExactPolicy({
          problemFor: (f) => glftWithDrift(Q_MAX, f.driftPerSec),
          quantum: { driftPerSec: 0.05 },
        }),
        statesWithInventory(STATES, Q_MAX),
      ),
  },
  {
    group: GROUP,
    name: 'exact lookup, finite horizon 60 s GLFT, 100 time buckets (qMax 100)',
    batch: 1000,
    target: EXACT_LOOKUP,
    setup: () => {
      const states = statesWithInventory(STATES, Q_MAX);
      states.forEach((s, i) => {
        s.tSec = (60 * i) / STATES;
      });
      return cacheOnly(
        new ExactPolicy({
          problemFor: () => glftWithDrift(Q_MAX, 0),
          horizonSec: 60,
          outputSteps: 100,
        }),
        states,
      );
    },
  },
  {
    group: GROUP,
    name: 'exact re-solve, drift change, GLFT Perron (qMax 100, cacheSize 1)',
    target: STATIONARY_RESOLVE,
    setup: () => {
      // Drift steps through 128 buckets of 0.05 ticks/s: consecutive calls never share a bucket.
      const states = statesWithInventory(STATES, Q_MAX);
      states.forEach((s, i) => {
        s.driftPerSec = ((i % 128) - 64) * 0.05;
      });
      const policy = new ExactPolicy({
        problemFor: (f) => glftWithDrift(Q_MAX, f.driftPerSec),
        quantum: { driftPerSec: 0.05 },
        cacheSize: 1,
      });
      return everyCallSolves(policy, states);
    },
  },
  {
    group: GROUP,
    name: 'exact re-solve, imbalance change, seed book warm Newton (qMax 100, cacheSize 1)',
    target: STATIONARY_RESOLVE,
    setup: () => {
      // Imbalance walks 0.40 -> 0.60 -> 0.40 in steps of one 0.01 bucket: each call warm-starts
      // from the neighbouring bucket's solution.
      const states = statesWithInventory(STATES, Q_MAX);
      states.forEach((s, i) => {
        const j = i % 40;
        s.imbalance = 0.4 + 0.01 * (j < 20 ? j : 40 - j);
      });
      const policy = new ExactPolicy({
        problemFor: seedBookFor(Q_MAX),
        quantum: { imbalance: 0.01, marketSpreadPrice: 0.01 },
        cacheSize: 1,
      });
      return everyCallSolves(policy, states);
    },
  },
  {
    group: GROUP,
    name: 'grid: GridPolicy.decide (qMax 100)',
    batch: 100,
    setup: () => ({
      run: decideOver(new GridPolicy(seedConfig(Q_MAX)), statesWithInventory(STATES, Q_MAX)),
    }),
  },
  {
    group: GROUP,
    name: 'grid: raw optimizeControl(state, ctx), prebuilt ctx',
    batch: 100,
    reference: 'seed native ~1.3 us',
    setup: () => {
      const config = seedConfig(Q_MAX);
      const seeds = statesWithInventory(STATES, Q_MAX).map((s) => toSeedState(s, config));
      const ctxs = seeds.map((s) => seedEvaluationContext(s));
      let k = 0;
      return {
        run: (calls) => {
          let sum = 0;
          for (let i = 0; i < calls; i++) {
            const j = k++ & MASK;
            sum += optimizeControl(seeds[j]!, ctxs[j]!).valuePerSec;
          }
          return sum;
        },
      };
    },
  },
  {
    group: GROUP,
    name: 'heuristic: HeuristicPolicy.decide (qMax 100)',
    batch: 1000,
    setup: () => ({
      run: decideOver(new HeuristicPolicy(seedConfig(Q_MAX)), statesWithInventory(STATES, Q_MAX)),
    }),
  },
  {
    group: GROUP,
    name: 'heuristic: raw applyStateAdjustments(state)',
    batch: 1000,
    reference: 'seed native ~6 ns',
    setup: () => {
      const config = seedConfig(Q_MAX);
      const seeds = statesWithInventory(STATES, Q_MAX).map((s) => toSeedState(s, config));
      let k = 0;
      return {
        run: (calls) => {
          let sum = 0;
          for (let i = 0; i < calls; i++)
            sum += applyStateAdjustments(seeds[k++ & MASK]!).bidDeltaBps;
          return sum;
        },
      };
    },
  },
  {
    group: GROUP,
    name: 'closedForm: ClosedFormPolicy.decide, Gueant GLFT (qMax 100)',
    batch: 1000,
    setup: () => ({
      run: decideOver(
        new ClosedFormPolicy(glftGueantParams(glftParams(Q_MAX)), Q_MAX),
        statesWithInventory(STATES, Q_MAX),
      ),
    }),
  },
];
