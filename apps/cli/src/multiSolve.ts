import {
  covarianceFromCorrelation,
  createMultiAssetQuotes,
  hedgeRatesFor,
  type MultiAssetProblem,
  type MultiAssetSolution,
  type PenaltySpec,
  penaltyMatrix,
  quotesFor,
  solveMultiAssetFiniteHorizon,
  solveMultiAssetStationary,
  type TakerHedgeCosts,
  takerHedgeCosts,
} from '@mm/hjb-core';
import type { MultiRequest } from './solveSchema.js';

/** One asset's quotes: distances from the mid, price units. */
export interface MultiQuote {
  bid: number;
  ask: number;
}

/**
 * The `mm solve` answer of the `multi` model (see `multiRequestSchema`): quotes and hedge rates
 * per asset at the request's inventory, and `Gamma` (stationary) or `A(tau)` (finite horizon),
 * quote currency per (asset unit_i x asset unit_j).
 */
export type MultiAnswer = { quotes: MultiQuote[] } & (
  | { Gamma: number[][]; hedge: number[] }
  | { A: number[][]; hedge: number[] }
);

/** The hjb-core problem of a checked request: one venue per asset. */
export function multiProblemOf(request: MultiRequest): MultiAssetProblem {
  return {
    assets: request.assets.map((a) => ({
      lotSize: a.Delta ?? 1,
      venues: [{ aPerSec: a.A, kPerPrice: a.k }],
    })),
    penalty: multiPenaltyOf(request),
    xi: request.xi ?? request.gamma,
  };
}

/**
 * `phi I`, the explicit `Phi`, or the covariance-aware `(gamma/2) diag(sigma) corr diag(sigma)`,
 * checked by hjb-core; a RangeError names the field it comes from (`phi`, `Phi` or `corr`).
 */
export function multiPenaltyOf(request: MultiRequest): PenaltySpec {
  const field = request.phi !== undefined ? 'phi' : request.Phi !== undefined ? 'Phi' : 'corr';
  try {
    const spec = penaltySpec(request);
    penaltyMatrix(spec, request.assets.length);
    return spec;
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new RangeError(`field "${field}": ${err.message}`);
  }
}

function penaltySpec(request: MultiRequest): PenaltySpec {
  if (request.phi !== undefined) return { kind: 'identity', phiPerUnit2Sec: request.phi };
  if (request.Phi !== undefined) return { kind: 'matrix', phiPerUnit2Sec: request.Phi };
  if (request.corr === undefined) throw new RangeError('missing'); // the schema requires it
  const sigma = request.assets.map((a) => a.sigma);
  return {
    kind: 'covariance',
    gamma: request.gamma,
    covariancePerSec: covarianceFromCorrelation(sigma, request.corr),
  };
}

/**
 * Per-asset taker costs for `hedgeRatesFor`. An asset without `psi`/`eta` cannot take: its
 * crossing cost is infinite, a dead zone that covers every marginal value, so its rate is 0.
 */
export function multiHedgeCostsOf(request: MultiRequest): TakerHedgeCosts {
  const costs = takerHedgeCosts(
    request.assets.map((a) => ({ psiPrice: a.psi ?? 0, etaPriceSecPerUnit: a.eta ?? 1 })),
    request.assets.length,
  );
  request.assets.forEach((a, i) => {
    if (a.psi === undefined || a.eta === undefined) costs.psiPrice[i] = Number.POSITIVE_INFINITY;
  });
  return costs;
}

/**
 * Solve one checked `multi` request. Throws a RangeError for input hjb-core rejects (bad input)
 * and an Error when a figure of the answer is not finite (the closed form failed numerically).
 */
export function solveMulti(request: MultiRequest): MultiAnswer {
  const problem = multiProblemOf(request);
  let solution: MultiAssetSolution;
  let matrix: Float64Array;
  if (request.tau === undefined) {
    const stationary = solveMultiAssetStationary(problem);
    solution = stationary;
    matrix = stationary.gammaMatrix;
  } else {
    solution = solveMultiAssetFiniteHorizon(problem, request.tau);
    matrix = solution.valueMatrix;
  }
  const n = solution.assetCount;
  const out = quotesFor(solution, request.q, createMultiAssetQuotes(solution));
  // One venue per asset: venue slot i is asset i.
  const quotes = Array.from({ length: n }, (_, i) => ({
    bid: finite(out.bidDeltaPrice[i]!, `quotes[${i}].bid`),
    ask: finite(out.askDeltaPrice[i]!, `quotes[${i}].ask`),
  }));
  const rates = hedgeRatesFor(
    solution,
    multiHedgeCostsOf(request),
    request.q,
    request.hedgeMode ?? 'perAsset',
    new Float64Array(n),
  );
  const hedge = Array.from(rates, (r, i) => finite(r, `hedge[${i}]`));
  const name = request.tau === undefined ? 'Gamma' : 'A';
  const rows = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => finite(matrix[i * n + j]!, `${name}[${i}][${j}]`)),
  );
  return request.tau === undefined ? { quotes, Gamma: rows, hedge } : { quotes, A: rows, hedge };
}

function finite(x: number, what: string): number {
  if (!Number.isFinite(x)) throw new Error(`non-finite ${what} = ${x}`);
  return x;
}
