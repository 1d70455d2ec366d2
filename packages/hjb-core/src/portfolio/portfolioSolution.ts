import { glftStaticDelta } from '../intensity/exponentialIntensity.js';
import { matrixToRows } from '../multi/matrix.js';
import { prepareMultiAsset } from '../multi/multiAssetProblem.js';
import { multiAssetRiccati } from '../multi/multiAssetRiccati.js';
import { symmetricFunction } from '../multi/symmetricEigen.js';
import type { PortfolioSpec } from './PortfolioSpec.js';
import { validatePortfolioSpec } from './validateSpec.js';

/** Time buckets of a finite-horizon solution (quotes are linear in tau between them). */
export const HORIZON_STEPS = 200;

/**
 * Everything the `multi` policy needs per decision, precomputed off the tick path (one O(n^3)
 * eigendecomposition, plus one matrix function per time bucket with a horizon). Immutable: a new
 * covariance gives a new solution (`resolvePortfolio`), swapped in between decisions.
 *
 * Value `theta(tau, q) = -q' A(tau) q + b(tau)' q` (quote currency, q asset units) with
 *   dA/dtau = Phi - 4 A Dm A,  db/dtau = mu - 4 A Dm b,  A(0) = 0, b(0) = 0,  Phi = (gamma/2) Sigma,
 * solved exactly in the eigenbasis of `S = (Dm^1/2 Phi Dm^1/2)^1/2` (eigenvalues s):
 *   A = Dm^-1/2 V diag(s tanh(2 s tau)/2) V' Dm^-1/2,   b = L mu,
 *   L = Dm^-1/2 V diag(tanh(2 s tau)/(2 s)) V' Dm^1/2   (tau at s = 0).
 * Stationary (tau = Infinity): `s/2` and `1/(2 s)` (0 at s = 0: no position is taken on a drift
 * in a riskless direction; the pseudo-inverse).
 */
export interface PortfolioSolution {
  readonly spec: PortfolioSpec;
  readonly assetCount: number;
  /** `Sigma`, row-major, quote currency^2 per second per unit^2. */
  readonly covariance: Float64Array;
  /** `Delta_i = quoteSizeLots * lotSizeBase`, asset units per fill. */
  readonly fillUnits: Float64Array;
  /** Venue slots of asset i: `venueStart[i] .. venueStart[i + 1] - 1`. */
  readonly venueStart: Int32Array;
  /** Per slot `c1_v = ln(1 + xi Delta/k_v)/(xi Delta)`, price units (`xi = gammaPerQuote`). */
  readonly venueStaticDeltaPrice: Float64Array;
  /** `Dm_ii`, asset units per (price unit x second), one side. */
  readonly liquidity: Float64Array;
  /** Session length, seconds (`Infinity`: stationary). */
  readonly horizonSec: number;
  /** Seconds between time buckets (`Infinity` when stationary). */
  readonly stepSec: number;
  /** `A` at `tau = k * stepSec`, row-major (one matrix when stationary). */
  readonly valueMatrices: readonly Float64Array[];
  /** `L` at the same tau: `b = L mu`, row-major, seconds. */
  readonly driftMatrices: readonly Float64Array[];
}

/** Solve the `multi` policy's quadratic value for `spec` (checked; RangeError naming the field). */
export function solvePortfolio(spec: PortfolioSpec): PortfolioSolution {
  const covariance = validatePortfolioSpec(spec);
  const n = spec.assets.length;
  const xi = spec.gammaPerQuote;
  const fillUnits = Float64Array.from(spec.assets, (a) => a.quoteSizeLots * a.lotSizeBase);
  const prepared = prepareMultiAsset({
    assets: spec.assets.map((a, i) => ({
      lotSize: fillUnits[i]!,
      venues: a.venues.map((v) => ({
        aPerSec: v.A,
        kPerPrice: v.k,
        makerRebatePrice:
          a.referenceMidPrice === undefined ? 0 : (-v.makerFeeBps * a.referenceMidPrice) / 1e4,
      })),
    })),
    penalty: { kind: 'covariance', gamma: xi, covariancePerSec: matrixToRows(covariance, n) },
    xi,
  });
  const venueStaticDeltaPrice = new Float64Array(prepared.venueStart[n]!);
  spec.assets.forEach((a, i) => {
    a.venues.forEach((v, j) => {
      venueStaticDeltaPrice[prepared.venueStart[i]! + j] = glftStaticDelta(xi * fillUnits[i]!, v.k);
    });
  });
  const riccati = multiAssetRiccati(prepared);
  const sqrtDm = Float64Array.from(prepared.liquidity, Math.sqrt);
  const sMax = Math.sqrt(riccati.psiEigen.values[n - 1]!);
  const zeroS = 1e-12 * sMax;
  const driftMatrix = (tauSec: number): Float64Array => {
    const m = symmetricFunction(riccati.psiEigen, (lambda) => {
      const s = Math.sqrt(lambda);
      if (tauSec === Number.POSITIVE_INFINITY) return s > zeroS ? 1 / (2 * s) : 0;
      return s > zeroS ? Math.tanh(2 * s * tauSec) / (2 * s) : tauSec;
    });
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) m[i * n + j] = (m[i * n + j]! * sqrtDm[j]!) / sqrtDm[i]!;
    return m;
  };
  const horizonSec = spec.horizonSec ?? Number.POSITIVE_INFINITY;
  const finite = Number.isFinite(horizonSec);
  const stepSec = finite ? horizonSec / HORIZON_STEPS : Number.POSITIVE_INFINITY;
  const taus = finite
    ? Array.from({ length: HORIZON_STEPS + 1 }, (_, k) => k * stepSec)
    : [Number.POSITIVE_INFINITY];
  return {
    spec,
    assetCount: n,
    covariance,
    fillUnits,
    venueStart: prepared.venueStart,
    venueStaticDeltaPrice,
    liquidity: prepared.liquidity,
    horizonSec,
    stepSec,
    valueMatrices: taus.map((t) => riccati.valueMatrixAt(t)),
    driftMatrices: taus.map(driftMatrix),
  };
}

/**
 * Re-solve for a new covariance (e.g. a live EWMA estimate), everything else kept: a new
 * solution to swap into the policy between decisions (`MultiPolicy.swap`). Off the tick path.
 */
export function resolvePortfolio(
  solution: PortfolioSolution,
  covariance: number[][],
): PortfolioSolution {
  return solvePortfolio({ ...solution.spec, covariance });
}
