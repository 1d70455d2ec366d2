import { type Fill, type SimulationPath, type SimulationResult, simulate } from '@mm/simulator';
import { type PathResult, pathResultFromStats } from '../compare/PathResult.js';
import {
  type PolicyComparison,
  type PolicyRuns,
  type RatioMethod,
  summarizePolicies,
} from '../compare/summarizePolicies.js';
import { MarkoutAccumulator, type MarkoutSummary, midSeriesOf } from '../markouts/markouts.js';
import { mean, standardDeviation } from '../stats/descriptive.js';
import { maxDrawdown } from '../stats/drawdown.js';
import { type FillCalibration, fillCalibrationOf } from './fillCalibration.js';
import { buildMarket, type MarketSpec } from './marketSpec.js';
import { type DecidingPolicy, withInventoryLimit } from './simplePolicies.js';

/**
 * A named policy for a comparison. `create` is called once per path; it may return a shared
 * instance when the policy's only state is a deterministic cache (e.g. an `ExactPolicy`).
 */
export interface NamedPolicyFactory {
  name: string;
  create(): DecidingPolicy;
}

/** The objective each path is scored on: `pnl - phi int q^2 dt - alpha q_T^2`. */
export interface ObjectiveSpec {
  /** Running penalty, quote currency per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Terminal penalty, quote currency per lot^2 (default 0). */
  alphaPerLot2?: number;
}

export interface ComparePoliciesOptions {
  market: MarketSpec;
  /** Time step, seconds. */
  dtSec: number;
  /** Horizon, seconds (a whole number of steps). */
  horizonSec: number;
  /** Paths per policy. */
  paths: number;
  /** Path `i` runs with seed `seed + i`, the same for every policy (paired comparison). */
  seed: number;
  objective: ObjectiveSpec;
  policies: readonly NamedPolicyFactory[];
  /** Reference of the shares (default 'exact'). */
  reference?: string;
  /** Confidence level (default that of `summarizePolicies`). */
  level?: number;
  ratioMethod?: RatioMethod;
  resamples?: number;
  /** Index of the path whose series is kept (default 0). */
  representativePath?: number;
  /** Called after every path with (paths done, total paths over all policies). */
  onProgress?(donePaths: number, totalPaths: number): void;
}

/** Mean and sample standard deviation of a per-path quantity. */
export interface MeanStd {
  mean: number;
  std: number;
}

/** Per-policy figures outside {@link PathResult}. */
export interface PolicyExtras {
  name: string;
  /** Final inventory over paths, lots. */
  finalInventory: MeanStd;
  /** Final P&L over paths (same as the comparison's pnl), quote currency. */
  pnl: MeanStd;
  /** Fills' P&L against the mid 1 s, 5 s, 30 s later (quote per unit of base), over all paths. */
  markouts: MarkoutSummary;
}

/** The representative path of one policy: the simulator's recorded series and its fills. */
export interface RepresentativePath {
  name: string;
  seed: number;
  path: SimulationPath;
  /** Every fill of the path, in time order (recorded for the representative path only). */
  fills: Fill[];
}

/** Per-path figures of one policy, index `i` = path `i` (seed `seed + i`). */
export interface PathDistribution {
  name: string;
  /** Final mark-to-market P&L of each path, quote currency. */
  pnl: Float64Array;
  /** Maximum drawdown of each path's P&L, quote currency (>= 0). */
  maxDrawdown: Float64Array;
}

export interface PolicyComparisonRun {
  comparison: PolicyComparison;
  extras: PolicyExtras[];
  /** Each policy's final P&L and maximum drawdown on every path. */
  distributions: PathDistribution[];
  representative: RepresentativePath[];
  /**
   * Predicted (the market's `A e^{-k d}`) vs realized fill rates on the reference policy's
   * representative path (the first policy's if the reference is not among them); null if it
   * quoted nothing.
   */
  calibration: FillCalibration | null;
  paths: number;
  /** Simulated steps over all paths and policies. */
  steps: number;
}

/** Reduce one simulated path to a {@link PathResult} on the given objective. */
export function pathResultOf(result: SimulationResult, objective: ObjectiveSpec): PathResult {
  const c = result.counts;
  const alpha = objective.alphaPerLot2 ?? 0;
  // The simulator's inventory integrals cover every step, whether or not the path was kept.
  return pathResultFromStats(
    result.inventory,
    result.pnlQuote,
    { fills: c.makerBuys + c.makerSells, takerVolume: c.takerBuys + c.takerSells },
    objective.phiPerLot2Sec,
    alpha * result.inventoryLots * result.inventoryLots,
  );
}

/**
 * Most points of a path's series kept: longer runs keep every n-th step, so memory is bounded
 * whatever the number of steps. The objective and inventory statistics use every step regardless
 * (streamed by the simulator); drawdowns, markouts and the report use the sampled series.
 */
export const MAX_REPORT_POINTS = 100_000;

/**
 * Run `paths` seeded closed-loop paths of every policy on the same markets (path `i`: seed
 * `seed + i` for every policy) and summarise them with {@link summarizePolicies} (paired).
 * Only the representative path's series is kept. Pure apart from `onProgress`.
 */
export function comparePolicies(options: ComparePoliciesOptions): PolicyComparisonRun {
  const { paths, seed, policies, objective } = options;
  if (!Number.isInteger(paths) || paths < 1)
    throw new RangeError(`paths must be an integer >= 1, got ${paths}`);
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(seed + paths))
    throw new RangeError(`seed must be a safe integer, got ${seed}`);
  if (policies.length === 0) throw new RangeError('policies must not be empty');
  if (!(objective.phiPerLot2Sec >= 0) || !Number.isFinite(objective.phiPerLot2Sec))
    throw new RangeError(
      `objective.phiPerLot2Sec must be finite and >= 0, got ${objective.phiPerLot2Sec}`,
    );
  const rep = options.representativePath ?? 0;
  if (!Number.isInteger(rep) || rep < 0 || rep >= paths)
    throw new RangeError(`representativePath must be an integer in [0, ${paths - 1}], got ${rep}`);
  const market = buildMarket(options.market);
  const recordEvery = Math.max(
    1,
    Math.ceil(Math.round(options.horizonSec / options.dtSec) / MAX_REPORT_POINTS),
  );
  const qMax = options.market.qMaxLots;
  const total = paths * policies.length;
  const runs: PolicyRuns[] = [];
  const distributions: PathDistribution[] = [];
  const extras: PolicyExtras[] = [];
  const representative: RepresentativePath[] = [];
  let done = 0;
  let steps = 0;
  for (const factory of policies) {
    const results: PathResult[] = [];
    const finalQ = new Float64Array(paths);
    const pnl = new Float64Array(paths);
    const drawdown = new Float64Array(paths);
    const markouts = new MarkoutAccumulator('path');
    for (let i = 0; i < paths; i++) {
      const base = factory.create();
      const policy = qMax === undefined ? base : withInventoryLimit(base, qMax);
      const r = simulate({
        ...market,
        policy,
        dtSec: options.dtSec,
        horizonSec: options.horizonSec,
        seed: seed + i,
        // every path's series feeds its drawdown and markouts; beyond MAX_REPORT_POINTS steps
        // it is sampled every n-th step (memory bounded; the objective still uses every step)
        recordEverySteps: recordEvery,
        recordFills: true,
        fillsAfterMidMove: options.market.fillsAfterMidMove ?? false,
      });
      steps += r.steps;
      results.push(pathResultOf(r, objective));
      finalQ[i] = r.inventoryLots;
      pnl[i] = r.pnlQuote;
      drawdown[i] = r.path ? maxDrawdown(r.path.pnlQuote) : Number.NaN;
      if (r.path) markouts.add(i, r.fills, midSeriesOf(r.path.tSec, r.path.midPrice));
      if (i === rep && r.path)
        representative.push({ name: factory.name, seed: seed + i, path: r.path, fills: r.fills });
      options.onProgress?.(++done, total);
    }
    runs.push({ name: factory.name, paths: results });
    distributions.push({ name: factory.name, pnl, maxDrawdown: drawdown });
    extras.push({
      name: factory.name,
      finalInventory: meanStd(finalQ),
      pnl: meanStd(pnl),
      markouts: markouts.summary({
        seed,
        ...(options.level === undefined ? {} : { level: options.level }),
        ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
      }),
    });
  }
  const reference = options.reference ?? 'exact';
  const calibrated = representative.find((r) => r.name === reference) ?? representative[0];
  const calibration = calibrated ? fillCalibrationOf(calibrated, options.market) : null;
  const comparison = summarizePolicies(runs, {
    paired: true,
    reference,
    seed,
    ...(options.level === undefined ? {} : { level: options.level }),
    ...(options.ratioMethod === undefined ? {} : { ratioMethod: options.ratioMethod }),
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
  });
  return { comparison, extras, distributions, representative, calibration, paths, steps };
}

function meanStd(xs: Float64Array): MeanStd {
  return { mean: mean(xs), std: xs.length > 1 ? standardDeviation(xs) : 0 };
}
