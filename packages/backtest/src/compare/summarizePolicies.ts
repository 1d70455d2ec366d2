import { type BootstrapOptions, DEFAULT_RESAMPLES } from '../stats/bootstrap.js';
import {
  type ConfidenceInterval,
  checkLevel,
  DEFAULT_CI_LEVEL,
  meanCi,
} from '../stats/ConfidenceInterval.js';
import { mean, standardDeviation } from '../stats/descriptive.js';
import { ratioOfMeansBootstrapCi, ratioOfMeansDeltaCi } from '../stats/ratio.js';
import { deriveSeed } from '../stats/seededUniform.js';
import { sharpeBootstrapCi, sharpeDeltaCi } from '../stats/sharpe.js';
import { type PATH_METRICS, type PathResult, validatePathResult } from './PathResult.js';

/** The per-path results of one named policy. */
export interface PolicyRuns {
  /** Policy name, e.g. 'exact', 'grid', 'heuristic'. */
  name: string;
  paths: readonly PathResult[];
}

/** Mean, dispersion and a normal interval for the mean of one metric over paths. */
export interface MetricSummary {
  mean: number;
  /** Sample standard deviation over paths. */
  std: number;
  /** Interval for the mean. */
  ci: ConfidenceInterval;
}

/** Everything the comparison says about one policy. Units: those of {@link PathResult}. */
export interface PolicySummary {
  name: string;
  /** Number of paths. */
  paths: number;
  pnl: MetricSummary;
  objective: MetricSummary;
  meanAbsInventory: MetricSummary;
  maxAbsInventory: MetricSummary;
  fills: MetricSummary;
  takerVolume: MetricSummary;
  /** Per-path Sharpe ratio of P&L, with its interval. */
  sharpe: ConfidenceInterval;
  /**
   * `mean objective(policy) / mean objective(reference)` with its interval; `null` for the
   * reference itself and when no reference policy is present.
   */
  shareOfReference: ConfidenceInterval | null;
}

/** How intervals for ratios (Sharpe, share of the reference) are computed. */
export type RatioMethod = 'bootstrap' | 'delta';

/** A policy comparison: the reducer's output, plain data. */
export interface PolicyComparison {
  /** Name of the policy whose objective the shares are relative to. */
  reference: string;
  /** Whether the reference is among the policies (else every share is `null`). */
  hasReference: boolean;
  level: number;
  ratioMethod: RatioMethod;
  /** Whether paths were treated as paired across policies (same seeded markets). */
  paired: boolean;
  /** Bootstrap resamples and base seed (used when `ratioMethod` is 'bootstrap'). */
  resamples: number;
  seed: number;
  policies: PolicySummary[];
}

/** Options of {@link summarizePolicies}. */
export interface SummarizeOptions extends BootstrapOptions {
  /** Reference policy for shares (default 'exact'). */
  reference?: string;
  /** Interval method for Sharpe and shares (default 'bootstrap'). */
  ratioMethod?: RatioMethod;
  /**
   * Paths `i` of every policy ran on the same market (common random numbers): resample them
   * together and use their covariance. Requires equal path counts. Default false (independent;
   * conservative when the pairing correlation is positive).
   */
  paired?: boolean;
}

/**
 * Reduce per-path results of several policies to a comparison: per policy the mean, sd and a
 * normal interval for the mean of every {@link PathResult} metric, the per-path Sharpe ratio of
 * P&L with an interval, and its share of the reference policy's mean objective with an interval.
 *
 * Ratio intervals (Sharpe, share): seeded percentile bootstrap by default (`resamples`, `seed`;
 * each policy's stream is derived from `seed` and its name, so adding a policy changes no other
 * interval), or the delta method (`ratioMethod: 'delta'`: Lo's SE for Sharpe,
 * {@link ratioOfMeansDeltaCi} for shares). Pure; throws naming the field on bad input.
 */
export function summarizePolicies(
  runs: readonly PolicyRuns[],
  options: SummarizeOptions = {},
): PolicyComparison {
  const level = options.level ?? DEFAULT_CI_LEVEL;
  checkLevel(level, 'options.level');
  const reference = options.reference ?? 'exact';
  const ratioMethod = options.ratioMethod ?? 'bootstrap';
  if (ratioMethod !== 'bootstrap' && ratioMethod !== 'delta')
    throw new RangeError(`options.ratioMethod must be 'bootstrap' or 'delta', got ${ratioMethod}`);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const seed = options.seed ?? 1;
  const paired = options.paired ?? false;

  const seen = new Set<string>();
  runs.forEach((run, r) => {
    if (typeof run.name !== 'string' || run.name === '')
      throw new RangeError(`runs[${r}].name must be a non-empty string`);
    if (seen.has(run.name)) throw new RangeError(`runs[${r}].name '${run.name}' is repeated`);
    seen.add(run.name);
    if (run.paths.length === 0) throw new RangeError(`runs[${r}].paths must not be empty`);
    run.paths.forEach((p, i) => {
      validatePathResult(p, `runs[${r}].paths[${i}]`);
    });
    if (paired && run.paths.length !== runs[0]!.paths.length)
      throw new RangeError(
        `runs[${r}].paths has ${run.paths.length} paths, runs[0] has ${runs[0]!.paths.length}: paired comparison needs equal counts`,
      );
  });

  const column = (paths: readonly PathResult[], key: (typeof PATH_METRICS)[number]) =>
    Float64Array.from(paths, (p) => p[key]);
  const refRun = runs.find((r) => r.name === reference);
  const refObjective = refRun ? column(refRun.paths, 'objective') : null;

  const policies = runs.map((run): PolicySummary => {
    const metric = (key: (typeof PATH_METRICS)[number]): MetricSummary => {
      const xs = column(run.paths, key);
      return { mean: mean(xs), std: standardDeviation(xs), ci: meanCi(xs, level) };
    };
    const pnl = column(run.paths, 'pnl');
    const objective = column(run.paths, 'objective');
    const boot = { level, resamples, seed: deriveSeed(seed, run.name) };
    const sharpe =
      ratioMethod === 'delta' ? sharpeDeltaCi(pnl, level) : sharpeBootstrapCi(pnl, boot);
    let shareOfReference: ConfidenceInterval | null = null;
    if (refObjective && run.name !== reference) {
      shareOfReference =
        ratioMethod === 'delta'
          ? ratioOfMeansDeltaCi(objective, refObjective, { level, paired })
          : ratioOfMeansBootstrapCi(objective, refObjective, {
              ...boot,
              seed: deriveSeed(seed, `share:${run.name}`),
              paired,
            });
    }
    return {
      name: run.name,
      paths: run.paths.length,
      pnl: metric('pnl'),
      objective: metric('objective'),
      meanAbsInventory: metric('meanAbsInventory'),
      maxAbsInventory: metric('maxAbsInventory'),
      fills: metric('fills'),
      takerVolume: metric('takerVolume'),
      sharpe,
      shareOfReference,
    };
  });
  return {
    reference,
    hasReference: refRun !== undefined,
    level,
    ratioMethod,
    paired,
    resamples,
    seed,
    policies,
  };
}
