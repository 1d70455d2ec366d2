import {
  mean,
  type PathResult,
  type PolicyRuns,
  standardDeviation,
  summarizePolicies,
} from '@mm/backtest';
import {
  buildMarket,
  type MarketSpec,
  marketSpecOf,
  type NamedPolicyFactory,
  type ObjectiveSpec,
  type PolicyContext,
  pathResultOf,
  phiOf,
  policyFactory,
  policyName,
  policySpecsOf,
  withInventoryLimit,
} from '@mm/backtest/run';
import { simulate } from '@mm/simulator';
import { type BacktestJobData, type BacktestResult, JobDataError } from '../jobs/jobSchemas.js';
import { eventLoopYielder, type Progress } from './progress.js';

/** The clock, market and objective every policy of a comparison is simulated on. */
export interface PathRunOptions {
  market: MarketSpec;
  /** Time step and horizon, seconds. */
  dtSec: number;
  horizonSec: number;
  /** Path `i` runs with seed `seed + i` for every policy (paired). */
  paths: number;
  seed: number;
  objective: ObjectiveSpec;
}

/** The per-path results of one policy. */
export interface PolicyPaths {
  name: string;
  results: PathResult[];
  /** Final inventory (lots) and P&L (quote currency) per path. */
  finalInventory: Float64Array;
  pnl: Float64Array;
  /** Simulated steps over the paths. */
  steps: number;
}

/**
 * Simulate `paths` seeded paths of one policy exactly as `comparePolicies` of
 * `@mm/backtest/run` does (same markets, seeds, inventory limit and step order, so the same
 * per-path results), keeping only the per-path figures. Async only to yield to the event loop
 * between paths (progress writes, lock renewals); `afterPath(i)` runs after each path.
 */
export async function runPolicyPaths(
  factory: NamedPolicyFactory,
  options: PathRunOptions,
  afterPath?: (pathIndex: number) => void | Promise<void>,
): Promise<PolicyPaths> {
  const { paths, seed, market } = options;
  const built = buildMarket(market);
  const qMax = market.qMaxLots;
  const results: PathResult[] = [];
  const finalInventory = new Float64Array(paths);
  const pnl = new Float64Array(paths);
  const pause = eventLoopYielder();
  let steps = 0;
  for (let i = 0; i < paths; i++) {
    const base = factory.create();
    const policy = qMax === undefined ? base : withInventoryLimit(base, qMax);
    const r = simulate({
      ...built,
      policy,
      dtSec: options.dtSec,
      horizonSec: options.horizonSec,
      seed: seed + i,
      recordEverySteps: 0, // the objective uses the simulator's streamed inventory integrals
      recordFills: false,
      fillsAfterMidMove: market.fillsAfterMidMove ?? false,
    });
    steps += r.steps;
    results.push(pathResultOf(r, options.objective));
    finalInventory[i] = r.inventoryLots;
    pnl[i] = r.pnlQuote;
    await afterPath?.(i);
    await pause();
  }
  return { name: factory.name, results, finalInventory, pnl, steps };
}

/** Mean and sample standard deviation (0 for one value), as `comparePolicies` reports them. */
export function meanStd(xs: ArrayLike<number>): { mean: number; std: number } {
  return { mean: mean(xs), std: xs.length > 1 ? standardDeviation(xs) : 0 };
}

/**
 * Run a backtest job: the `mm backtest --json` summary of the same config. Every policy runs the
 * same seeded paths (paired); the comparison is `summarizePolicies` with the options
 * `comparePolicies` uses, so the figures equal a direct `comparePolicies` call. Shares are
 * relative to `exact` when it is among the policies, else to the first policy. Progress after
 * every path. A policy that cannot be built (e.g. gamma needed for sigma 0) is bad data.
 */
export async function runBacktest(d: BacktestJobData, progress: Progress): Promise<BacktestResult> {
  const market = marketSpecOf(d);
  const phiPerLot2Sec = phiOf(d);
  const ctx: PolicyContext = {
    market,
    horizonSec: d.run.T,
    phiPerLot2Sec,
    ...(d.objective.gamma === undefined ? {} : { gamma: d.objective.gamma }),
    ...(d.objective.alpha === undefined ? {} : { alphaPerLot2: d.objective.alpha }),
  };
  const specs = policySpecsOf(d);
  const factories = specs.map((s, i) => {
    try {
      return policyFactory(s, ctx);
    } catch (err) {
      throw new JobDataError(
        `data.policies[${i}]`,
        err instanceof Error ? err.message : String(err),
      );
    }
  });
  const paths = d.run.paths;
  const seed = d.run.seed ?? 1;
  const options: PathRunOptions = {
    market,
    dtSec: d.run.dt,
    horizonSec: d.run.T,
    paths,
    seed,
    objective: {
      phiPerLot2Sec,
      ...(d.objective.alpha === undefined ? {} : { alphaPerLot2: d.objective.alpha }),
    },
  };
  const total = paths * factories.length;
  let done = 0;
  await progress(0, `${factories.length} policies x ${paths} paths`);
  const runs: PolicyPaths[] = [];
  for (const factory of factories) {
    runs.push(
      await runPolicyPaths(factory, options, () =>
        progress(++done / total, `${factory.name}: path ${done - runs.length * paths}/${paths}`),
      ),
    );
  }
  const reference = specs.some((s) => policyName(s) === 'exact') ? 'exact' : factories[0]!.name;
  const comparison = summarizePolicies(
    runs.map((r): PolicyRuns => ({ name: r.name, paths: r.results })),
    { paired: true, reference, seed },
  );
  await progress(1, 'done');
  return {
    title: d.title ?? `Backtest: ${factories.map((f) => f.name).join(' vs ')}`,
    paths,
    seed,
    dtSec: d.run.dt,
    horizonSec: d.run.T,
    phiPerLot2Sec,
    policies: runs.map((r) => ({
      name: r.name,
      finalInventory: meanStd(r.finalInventory),
      pnl: meanStd(r.pnl),
    })),
    comparison,
  };
}
