import { meanCi, ratioOfMeansDeltaCi } from '@mm/backtest';
import {
  type DecidingPolicy,
  type MarketSpec,
  type NamedPolicyFactory,
  type PolicyContext,
  policyFactory,
} from '@mm/backtest/run';
import { type Control, carteaJaimungalProblem, ExactPolicy, glftPhiPerLot2Sec } from '@mm/hjb-core';
import {
  DEFAULT_HALF_SPREAD_MULTIPLIERS,
  type GridCandidateResult,
  type GridSearchJobData,
  type GridSearchResult,
  JobDataError,
  type MeanWithCi,
  type PolicyGap,
  type RatioWithCi,
  wholeSteps,
} from '../jobs/jobSchemas.js';
import { meanStd, type PathRunOptions, type PolicyPaths, runPolicyPaths } from './backtest.js';
import {
  candidatePieces,
  EXACT_REFERENCE_BUCKETS,
  exactScore,
  exactScoringBlocker,
  exactScoringContext,
  referencePieces,
} from './gridSearchExact.js';
import type { Progress } from './progress.js';

/** One resolved candidate: a seed policy with every parameter explicit. */
export interface GridCandidate {
  type: 'heuristic' | 'grid';
  /** Base half spread, bps of the mid. */
  baseHalfSpreadBps: number;
  /** Drift mapping to the seed's `muHat = 1`, price units per second. */
  driftScalePerSec: number;
}

/** The simulated market of a grid-search job (arithmetic Brownian mid, `A e^{-k d}` fills). */
export function gridMarketSpec(d: GridSearchJobData): MarketSpec {
  const m = d.market;
  return {
    initialMidPrice: m.midPrice,
    midModel: 'arithmetic',
    sigmaPerSqrtSec: m.sigma,
    driftPerSec: m.drift,
    aPerSec: m.A,
    kPerPrice: m.k,
    fillsAfterMidMove: m.fillsAfterMidMove,
    makerFeeBps: m.makerFeeBps,
    takerFeeBps: m.takerFeeBps,
    qMaxLots: d.qMaxLots,
  };
}

/**
 * The candidates of a job, in order: for a grid, policy type (outer) x base half spread x drift
 * scale (inner); defaults as documented on the schema (`1/k` multiples in bps; `sigma`).
 */
export function expandCandidates(d: GridSearchJobData): GridCandidate[] {
  const { sigma, k, midPrice } = d.market;
  const defaultHalfSpreadBps = 1e4 / k / midPrice;
  const defaultDriftScale = Math.max(sigma, 1e-12); // as policyFactory defaults it
  const c = d.candidates;
  if (c.kind === 'list')
    return c.list.map((x) => ({
      type: x.type,
      baseHalfSpreadBps: x.baseHalfSpreadBps ?? defaultHalfSpreadBps,
      driftScalePerSec: x.driftScalePerSec ?? defaultDriftScale,
    }));
  const spreads =
    c.baseHalfSpreadBps ?? DEFAULT_HALF_SPREAD_MULTIPLIERS.map((m) => m * defaultHalfSpreadBps);
  const drifts = c.driftScalePerSec ?? [defaultDriftScale];
  const out: GridCandidate[] = [];
  for (const type of c.policies)
    for (const baseHalfSpreadBps of spreads)
      for (const driftScalePerSec of drifts)
        out.push({ type, baseHalfSpreadBps, driftScalePerSec });
  return out;
}

/**
 * Quotes moved away from the mid onto the tick grid: bid price down, ask price up (a side not
 * quoted stays so). Distances in price units; `tickSize` price units.
 */
export function onTickGrid(policy: DecidingPolicy, tickSize: number): DecidingPolicy {
  const eps = 1e-9;
  return {
    decide(s) {
      const c = policy.decide(s);
      const mid = s.midPrice;
      const bidPrice = Math.floor((mid - c.bidDeltaPrice) / tickSize + eps) * tickSize;
      const askPrice = Math.ceil((mid + c.askDeltaPrice) / tickSize - eps) * tickSize;
      const bidDeltaPrice = Number.isFinite(bidPrice) ? mid - bidPrice : Number.NaN;
      const askDeltaPrice = Number.isFinite(askPrice) ? askPrice - mid : Number.NaN;
      const out: Control = {
        ...c,
        bidDeltaPrice,
        askDeltaPrice,
        bidDeltaBps: (bidDeltaPrice * 1e4) / mid,
        askDeltaBps: (askDeltaPrice * 1e4) / mid,
      };
      return out;
    },
  };
}

function withTicks(factory: NamedPolicyFactory, tickSize: number | undefined): NamedPolicyFactory {
  if (tickSize === undefined) return factory;
  return { name: factory.name, create: () => onTickGrid(factory.create(), tickSize) };
}

/**
 * The exact reference: `policyFactory({ type: 'exact', horizon })` of `@mm/backtest/run`
 * (Cartea-Jaimungal with the job's `phi`, `alpha` and drift; risk-neutral gain), with one
 * difference: its problem does not depend on the mid, so the mid is not a cache key.
 * `policyFactory`'s policy snaps the mid to 10 bps buckets and solves again in every new bucket
 * (the same problem, so the same quotes, many times on a volatile low-priced asset); this one
 * solves once. Returns the factory and the policy (for its `solves` count).
 */
export function exactReference(
  ctx: PolicyContext,
  horizon: 'finite' | 'stationary',
): { factory: NamedPolicyFactory; policy: ExactPolicy } {
  const m = ctx.market;
  const problem = carteaJaimungalProblem({
    kappaPerPrice: m.kPerPrice,
    lambdaPerSec: m.aPerSec,
    phiPerLot2Sec: ctx.phiPerLot2Sec,
    alphaPerLot2: ctx.alphaPerLot2 ?? 0,
    muPerLotSec: m.midModel === 'arithmetic' ? (m.driftPerSec ?? 0) : 0,
    qMax: ctx.qMaxLots ?? m.qMaxLots ?? 20,
  });
  const policy = new ExactPolicy({
    problemFor: () => problem,
    // one bucket for every mid: round(ln(mid) / 1e9) = 0
    quantum: { midRelative: 1e9 },
    ...(horizon === 'finite'
      ? { horizonSec: ctx.horizonSec, outputSteps: EXACT_REFERENCE_BUCKETS }
      : {}),
  });
  return { factory: { name: 'exact', create: () => policy }, policy };
}

function meanWithCi(xs: ArrayLike<number>): MeanWithCi {
  const ci = meanCi(xs);
  const { mean, std } = meanStd(xs);
  return { mean, std, lower: ci.lower, upper: ci.upper };
}

function column(run: PolicyPaths, key: 'objective' | 'pnl' | 'meanAbsInventory' | 'fills') {
  return Float64Array.from(run.results, (p) => p[key]);
}

function scored(
  run: PolicyPaths,
  exactObjective: Float64Array,
  index: number,
  candidate: GridCandidate | null,
): GridCandidateResult {
  const objective = column(run, 'objective');
  const exactMean = meanStd(exactObjective).mean;
  let share: RatioWithCi | null = null;
  if (exactMean > 0) {
    if (candidate === null) share = { estimate: 1, lower: 1, upper: 1 };
    else {
      const ci = ratioOfMeansDeltaCi(objective, exactObjective, { paired: true });
      if (Number.isFinite(ci.estimate) && Number.isFinite(ci.lower) && Number.isFinite(ci.upper))
        share = { estimate: ci.estimate, lower: ci.lower, upper: ci.upper };
    }
  }
  return {
    index,
    type: candidate?.type ?? 'exact',
    baseHalfSpreadBps: candidate?.baseHalfSpreadBps ?? null,
    driftScalePerSec: candidate?.driftScalePerSec ?? null,
    objective: meanWithCi(objective),
    pnl: meanWithCi(column(run, 'pnl')),
    meanAbsInventory: meanStd(column(run, 'meanAbsInventory')).mean,
    fills: meanStd(column(run, 'fills')).mean,
    share,
    exactRatePerSec: null,
  };
}

function gapOf(best: GridCandidateResult | undefined): PolicyGap | null {
  if (!best?.share) return null;
  return {
    index: best.index,
    gap: 1 - best.share.estimate,
    lower: 1 - best.share.upper,
    upper: 1 - best.share.lower,
  };
}

/**
 * Grid search of the seed's policies (docs/math.md §11) on one simulated asset: every candidate runs
 * the same `paths` seeded paths (path i: seed + i) as the exact HJB policy, scored on the HJB
 * objective `P&L - phi int q^2 dt - alpha q_T^2` with `phi = gamma sigma^2 / 2`. The exact policy
 * (Cartea-Jaimungal: the optimum of that objective for `A e^{-k d}` fills) is solved once and
 * its paths simulated once; each candidate then costs `paths x steps`. Shares of the exact objective
 * carry paired delta-method 95% intervals. Deterministic for a seed. Progress after the exact
 * run and after every candidate.
 */
export async function runGridSearch(
  d: GridSearchJobData,
  progress: Progress,
): Promise<GridSearchResult> {
  const { market, phiPerLot2Sec, ctx, candidates, steps } = gridSearchSetup(d);
  const blocker = exactScoringBlocker(d, candidates);
  if (d.scoring === 'exact' && blocker !== null)
    throw new JobDataError('data.scoring', `exact scoring is not available: ${blocker}`);
  if ((d.scoring ?? (blocker === null ? 'exact' : 'montecarlo')) === 'exact') {
    await progress(0, `exact scoring: exact + ${candidates.length} candidates`);
    const result = exactGridSearch(d, (i, total) => {
      // Fire and forget: the scoring is synchronous (about a millisecond per candidate).
      if ((i + 1) % EXACT_PROGRESS_EVERY === 0)
        void progress((i + 1) / total, `candidate ${i + 1}/${total}`);
    });
    await progress(1, 'exact scoring done');
    return result;
  }
  const options: PathRunOptions = {
    market,
    dtSec: d.dtSec,
    horizonSec: d.horizonSec,
    paths: d.paths,
    seed: d.seed,
    objective: { phiPerLot2Sec, alphaPerLot2: d.objective.alpha },
  };
  const total = candidates.length + 1;
  await progress(0, `exact + ${candidates.length} candidates x ${d.paths} paths`);

  let exactRef: ReturnType<typeof exactReference>;
  try {
    exactRef = exactReference(ctx, d.exactHorizon);
  } catch (err) {
    throw new JobDataError('data.market', err instanceof Error ? err.message : String(err));
  }
  const exactRun = await runPolicyPaths(withTicks(exactRef.factory, d.market.tickSize), options);
  if (exactRef.policy.lastError)
    throw new JobDataError(
      'data.market',
      `the exact policy cannot be solved: ${exactRef.policy.lastError.message}`,
    );
  const exactObjective = column(exactRun, 'objective');
  const exact = scored(exactRun, exactObjective, -1, null);
  let simulatedSteps = exactRun.steps;
  await progress(1 / total, 'exact');

  const results: GridCandidateResult[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    let factory: NamedPolicyFactory;
    try {
      factory = policyFactory({ ...c, name: `${c.type}#${i}` }, ctx);
    } catch (err) {
      throw new JobDataError(
        `data.candidates`,
        `candidate ${i}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const run = await runPolicyPaths(withTicks(factory, d.market.tickSize), options);
    simulatedSteps += run.steps;
    results.push(scored(run, exactObjective, i, c));
    await progress((i + 2) / total, `candidate ${i + 1}/${candidates.length}`);
  }

  const bestOf = bestOfType(results);
  const best = bestOf()!;
  const heuristic = gapOf(bestOf('heuristic'));
  return {
    scoring: 'montecarlo',
    scoringReason:
      d.scoring === 'montecarlo'
        ? 'montecarlo: asked for'
        : `montecarlo: ${blocker ?? 'asked for'} (exact scoring needs stationary inventory policies)`,
    phiPerLot2Sec,
    paths: d.paths,
    seed: d.seed,
    stepsPerPath: steps,
    simulatedSteps,
    exactSolves: exactRef.policy.solves,
    exact,
    candidates: results,
    best,
    heuristicGap: heuristic?.gap ?? null,
    gaps: { heuristic, grid: gapOf(bestOf('grid')) },
  };
}

/** A job's market, penalty, policy context, candidates and steps per path. */
function gridSearchSetup(d: GridSearchJobData) {
  const market = gridMarketSpec(d);
  const phiPerLot2Sec = glftPhiPerLot2Sec(d.objective.gamma, d.market.sigma);
  const ctx: PolicyContext = {
    market,
    horizonSec: d.horizonSec,
    gamma: d.objective.gamma,
    phiPerLot2Sec,
    alphaPerLot2: d.objective.alpha,
    qMaxLots: d.qMaxLots,
  };
  const candidates = expandCandidates(d);
  const steps = wholeSteps(d.horizonSec, d.dtSec);
  if (steps === null) throw new JobDataError('data.dtSec', 'expected to divide the horizon');
  return { market, phiPerLot2Sec, ctx, candidates, steps };
}

/** The best result (highest mean objective) of a type, or of all. */
function bestOfType(results: GridCandidateResult[]) {
  return (type?: GridCandidate['type']) =>
    results
      .filter((r) => type === undefined || r.type === type)
      .reduce<GridCandidateResult | undefined>(
        (best, r) => (best === undefined || r.objective.mean > best.objective.mean ? r : best),
        undefined,
      );
}

/** Progress is reported every this many exactly scored candidates (each takes ~1 ms). */
const EXACT_PROGRESS_EVERY = 50;

/**
 * The grid search scored exactly (DESIGN 3.9): every candidate's and the exact reference's
 * expected objective from `q = 0` over the horizon by the backward Kolmogorov equation of its
 * inventory chain, plus the long-run `exactRatePerSec`. No paths, no noise: shares and gaps are
 * points, and a heuristic's gap to the optimum is never negative (without fees, whose cost the
 * reference model leaves out). Synchronous (about a millisecond per candidate); `onCandidate`
 * hears each candidate's index as it is scored.
 */
export function exactGridSearch(
  d: GridSearchJobData,
  onCandidate?: (index: number, total: number) => void,
): GridSearchResult {
  const { ctx, candidates, steps } = gridSearchSetup(d);
  const blocker = exactScoringBlocker(d, candidates);
  if (blocker !== null)
    throw new JobDataError('data.scoring', `exact scoring is not available: ${blocker}`);
  const phiPerLot2Sec = ctx.phiPerLot2Sec;
  const sctx = exactScoringContext(d, phiPerLot2Sec);
  let exactRef: ReturnType<typeof exactReference>;
  let refPieces: ReturnType<typeof referencePieces>;
  try {
    exactRef = exactReference(ctx, d.exactHorizon);
    refPieces = referencePieces(
      exactRef.policy,
      sctx,
      d.exactHorizon === 'finite' ? EXACT_REFERENCE_BUCKETS : null,
    );
  } catch (err) {
    throw new JobDataError('data.market', err instanceof Error ? err.message : String(err));
  }
  if (exactRef.policy.lastError)
    throw new JobDataError(
      'data.market',
      `the exact policy cannot be solved: ${exactRef.policy.lastError.message}`,
    );
  const exact = exactScore(refPieces, sctx, -1, null, null);
  const results: GridCandidateResult[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    let pieces: ReturnType<typeof candidatePieces>;
    try {
      pieces = candidatePieces(c, i, ctx, sctx);
    } catch (err) {
      throw new JobDataError(
        'data.candidates',
        `candidate ${i}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    results.push(exactScore(pieces, sctx, i, c, exact.objective.mean));
    onCandidate?.(i, candidates.length);
  }
  const bestOf = bestOfType(results);
  const best = bestOf()!;
  const heuristic = gapOf(bestOf('heuristic'));
  return {
    scoring: 'exact',
    scoringReason:
      d.scoring === 'exact'
        ? 'exact: asked for'
        : 'exact: stationary candidates, no tick grid, fills at the pre-move mid (the default)',
    phiPerLot2Sec,
    paths: 0,
    seed: d.seed,
    stepsPerPath: steps,
    simulatedSteps: 0,
    exactSolves: exactRef.policy.solves,
    exact,
    candidates: results,
    best,
    heuristicGap: heuristic?.gap ?? null,
    gaps: { heuristic, grid: gapOf(bestOf('grid')) },
  };
}
