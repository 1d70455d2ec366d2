import { makeParamsPayloadSchema } from '@mm/contracts';
import {
  assetGlftParams,
  covarianceFromCorrelation,
  createMultiAssetQuotes,
  glftPhiPerLot2Sec,
  glftProblem,
  gueantCoefficients,
  type MultiAssetProblem,
  quotesForUnits,
  solveMultiAssetStationary,
  solveStationary,
} from '@mm/hjb-core';
import type {
  ExactQuoteSummary,
  SolvedModel,
  SolveJobData,
  SolveResult,
} from '../jobs/jobSchemas.js';
import type { Progress } from './progress.js';

/** Rows of the exact quote table returned: `|q| <= TABLE_HALF_WIDTH` clips. */
export const TABLE_HALF_WIDTH = 10;

/** One model to solve: an asset's base parameters or one of its regimes. */
interface ModelInput {
  asset: string;
  regime: string | null;
  sigma: number;
  A: number;
  k: number;
  gamma: number;
  qMax: number;
  quoteSizeLots: number;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The exact stationary GLFT solution the engine would quote with (model A: gain risk aversion
 * xi = gamma; lot size = quote size, inventory in clips of `quoteSizeLots`), summarised at q = 0,
 * and Gueant's closed form at the same parameters. Never throws: failures are `issues`.
 */
export function solveModel(m: ModelInput): SolvedModel {
  const issues: string[] = [];
  const phiPerLot2Sec = glftPhiPerLot2Sec(m.gamma, m.sigma, m.quoteSizeLots);
  let exact: ExactQuoteSummary | null = null;
  let qMaxClips = Math.floor(m.qMax / m.quoteSizeLots);
  try {
    const glft = assetGlftParams({ ...m, qMaxLots: m.qMax });
    qMaxClips = glft.qMax;
    const problem = glftProblem(glft);
    const solution = solveStationary(problem);
    const { bidDelta, askDelta, h } = solution.table;
    const at = (q: number) => q + qMaxClips;
    const bid0 = bidDelta[at(0)]!;
    const ask0 = askDelta[at(0)]!;
    // bid(+1) - bid(-1) over two clips; at qMax = 1 the bid at +1 is not quoted: use one side.
    const skewPerLot =
      qMaxClips >= 2
        ? (bidDelta[at(1)]! - bidDelta[at(-1)]!) / 2
        : (askDelta[at(-1)]! - askDelta[at(1)]!) / 2;
    const half = Math.min(TABLE_HALF_WIDTH, qMaxClips);
    const table: ExactQuoteSummary['table'] = [];
    for (let q = -half; q <= half; q++)
      table.push({
        q,
        bid: nullIfNaN(bidDelta[at(q)]!),
        ask: nullIfNaN(askDelta[at(q)]!),
        h: h[at(q)]!,
      });
    exact = {
      bidDelta: bid0,
      askDelta: ask0,
      halfSpread: (bid0 + ask0) / 2,
      skewPerLot,
      hDiffUp: h[at(0)]! - h[at(1)]!,
      hDiffDown: h[at(0)]! - h[at(-1)]!,
      valuePerSec: solution.valuePerSec,
      iterations: solution.iterations,
      table,
    };
    const figures = [bid0, ask0, skewPerLot, exact.hDiffUp, exact.hDiffDown, solution.valuePerSec];
    if (!figures.every(Number.isFinite)) {
      issues.push('exact solution has non-finite quotes');
    } else if (table.some((r) => !Number.isFinite(r.h))) issues.push('exact values not finite');
  } catch (err) {
    issues.push(`exact solve failed: ${errorText(err)}`);
    exact = null;
  }
  let closedForm: SolvedModel['closedForm'] = null;
  try {
    const { c1, c2 } = gueantCoefficients({
      sigmaPerSqrtSec: m.sigma,
      aPerSec: m.A,
      kPerPrice: m.k,
      gamma: m.gamma,
      xi: m.gamma,
      lotSize: m.quoteSizeLots,
    });
    const d = m.quoteSizeLots;
    closedForm = { halfSpread: c1 + (d * c2) / 2, skewPerLot: d * c2 };
  } catch (err) {
    issues.push(`closed form failed: ${errorText(err)}`);
  }
  return {
    asset: m.asset,
    regime: m.regime,
    params: { sigma: m.sigma, A: m.A, k: m.k, gamma: m.gamma, qMax: m.qMax },
    quoteSizeLots: m.quoteSizeLots,
    qMaxClips,
    phiPerLot2Sec,
    exact,
    closedForm,
    valid: exact !== null && issues.length === 0,
    issues,
  };
}

/** The models of a job: each asset's base parameters, or its regimes when it has them. */
function modelsOf(d: SolveJobData): ModelInput[] {
  const out: ModelInput[] = [];
  for (const a of d.assets) {
    const base = { asset: a.asset, qMax: a.qMax, quoteSizeLots: a.quoteSizeLots };
    if (a.regimes === undefined)
      out.push({ ...base, regime: null, sigma: a.sigma, A: a.A, k: a.k, gamma: a.gamma });
    else
      for (const r of a.regimes)
        out.push({
          ...base,
          regime: r.name,
          sigma: r.sigma,
          A: r.A,
          k: r.k,
          gamma: r.gamma ?? a.gamma,
        });
  }
  return out;
}

/** Gueant's multi-asset closed form for the job's portfolio (null without one). */
function solveMulti(d: SolveJobData, issues: string[]): SolveResult['multi'] {
  const p = d.portfolio;
  if (!p) return null;
  const n = d.assets.length;
  const gamma = p.gamma ?? d.assets[0]!.gamma;
  const inventoryLots = p.inventoryLots ?? new Array<number>(n).fill(0);
  try {
    const problem: MultiAssetProblem = {
      assets: d.assets.map((a) => ({
        lotSize: a.quoteSizeLots,
        venues: [{ aPerSec: a.A, kPerPrice: a.k }],
      })),
      penalty: {
        kind: 'covariance',
        gamma,
        covariancePerSec: covarianceFromCorrelation(
          d.assets.map((a) => a.sigma),
          p.correlation,
        ),
      },
      xi: gamma,
    };
    const solution = solveMultiAssetStationary(problem);
    // Inventory in lots = asset units of the problem (a clip is `quoteSizeLots` units).
    const quotes = quotesForUnits(solution, inventoryLots, createMultiAssetQuotes(solution));
    const out = {
      gamma,
      inventoryLots: [...inventoryLots],
      quotes: d.assets.map((a, i) => ({
        asset: a.asset,
        bid: quotes.bidDeltaPrice[i]!,
        ask: quotes.askDeltaPrice[i]!,
      })),
      gammaMatrix: Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => solution.gammaMatrix[i * n + j]!),
      ),
    };
    const all = [...out.quotes.flatMap((q) => [q.bid, q.ask]), ...out.gammaMatrix.flat()];
    if (!all.every(Number.isFinite)) {
      issues.push('multi-asset closed form is not finite');
      return null;
    }
    return out;
  } catch (err) {
    issues.push(`multi-asset closed form failed: ${errorText(err)}`);
    return null;
  }
}

/**
 * Exact solutions for the given (calibrated) parameters, per asset and per regime, the
 * multi-asset closed form for a portfolio, and the `params` payload the optimizer publishes:
 * `{ assets: [{asset, sigma, A, k, gamma, qMax, regime?}], validUntil: nowMs + validForSec s }`
 * (an asset with regimes gets one entry per regime, as the engine's update check expects, and no
 * `phi`: the engine derives it). `paramsValid` says whether the payload passes the contract
 * schema; publish only when it does and every model is `valid`. `nowMs` (epoch ms) comes from
 * the caller: the computation reads no clock.
 */
export async function runSolve(
  d: SolveJobData,
  progress: Progress,
  nowMs: number,
): Promise<SolveResult> {
  if (!(Number.isSafeInteger(nowMs) && nowMs >= 0))
    throw new RangeError(`nowMs must be a non-negative integer (epoch ms), got ${nowMs}`);
  const inputs = modelsOf(d);
  const total = inputs.length + (d.portfolio ? 1 : 0);
  await progress(0, `${inputs.length} models`);
  const models: SolvedModel[] = [];
  for (const m of inputs) {
    models.push(solveModel(m));
    await progress(models.length / total, `${m.asset}${m.regime ? `/${m.regime}` : ''}`);
  }
  const issues: string[] = [];
  const multi = solveMulti(d, issues);
  const params: SolveResult['params'] = {
    assets: inputs.map((m) => ({
      asset: m.asset,
      sigma: m.sigma,
      A: m.A,
      k: m.k,
      gamma: m.gamma,
      qMax: m.qMax,
      ...(m.regime === null ? {} : { regime: m.regime }),
    })),
    validUntil: nowMs + Math.round(d.validForSec * 1000),
  };
  const checked = makeParamsPayloadSchema().safeParse(params);
  const issue = checked.success ? null : checked.error.issues[0];
  await progress(1, 'done');
  return {
    models,
    multi,
    params,
    paramsValid: checked.success,
    paramsIssue: issue ? `${issue.path.map(String).join('.')}: ${issue.message}` : null,
    issues,
  };
}
