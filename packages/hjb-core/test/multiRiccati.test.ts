import { describe, expect, it } from 'vitest';
import type { MultiAssetProblem } from '../src/multi/multiAssetProblem.js';
import {
  multiAssetRiccati,
  solveMultiAssetFiniteHorizon,
  solveMultiAssetStationary,
} from '../src/multi/multiAssetRiccati.js';
import { createMultiAssetQuotes, quotesFor } from '../src/multi/multiAssetSolution.js';
import { covarianceFromCorrelation } from '../src/multi/penalty.js';
import { referenceLiquidity, rk4Riccati } from './reference/multiRiccatiRk4.js';

const assets = [
  { lotSize: 1, venues: [{ aPerSec: 1, kPerPrice: 2 }] },
  { lotSize: 0.1, venues: [{ aPerSec: 3, kPerPrice: 5 }] },
  {
    lotSize: 5,
    venues: [
      { aPerSec: 0.2, kPerPrice: 0.7 },
      { aPerSec: 0.5, kPerPrice: 1.1 },
    ],
  },
];
const sigma = covarianceFromCorrelation(
  [0.5, 1.5, 0.2],
  [
    [1, 0.8, -0.3],
    [0.8, 1, -0.5],
    [-0.3, -0.5, 1],
  ],
);
const gamma = 0.1;
const xi = 0.05;
const problem: MultiAssetProblem = {
  assets,
  penalty: { kind: 'covariance', gamma, covariancePerSec: sigma },
  xi,
};
const phiRows = sigma.map((r) => r.map((v) => (gamma / 2) * v));

function maxRelDiff(a: Float64Array, b: number[][]): number {
  const n = b.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      num = Math.max(num, Math.abs(a[i * n + j]! - b[i]![j]!));
      den = Math.max(den, Math.abs(b[i]![j]!));
    }
  return num / den;
}

describe('multi-asset Riccati dA/dtau = Phi - 4 A Dm A (closed form via tanh)', () => {
  const riccati = multiAssetRiccati(problem);

  it('uses the same Dm as the reference formula', () => {
    const dm = referenceLiquidity(assets, xi);
    dm.forEach((d, i) => {
      expect(Math.abs(riccati.prepared.liquidity[i]! - d)).toBeLessThan(1e-12 * d); // pow vs log1p rounding
    });
  });

  it('agrees with an independent RK4 integration of the matrix ODE to 1e-8 relative', () => {
    const dm = referenceLiquidity(assets, xi);
    // The slowest and fastest time scales: 1/(2 s) for the eigenvalues s of S = Psi^(1/2).
    const s = Array.from(riccati.psiEigen.values, Math.sqrt);
    const sMax = Math.max(...s);
    const sMin = Math.min(...s);
    expect(sMin).toBeGreaterThan(0);
    for (const tau of [0.1 / sMax, 1 / sMax, 0.5 / sMin, 2 / sMin]) {
      const steps = Math.ceil((tau * sMax) / 2e-3);
      const reference = rk4Riccati(phiRows, dm, tau, steps);
      expect(maxRelDiff(riccati.valueMatrixAt(tau), reference)).toBeLessThan(1e-8);
    }
  });

  it('starts at A(0) = 0 and tends to Gamma/2; stationary Gamma solves Phi = Gamma Dm Gamma', () => {
    expect(Array.from(riccati.valueMatrixAt(0)).every((v) => v === 0)).toBe(true);
    const gammaMatrix = riccati.gammaMatrix();
    const half = Array.from({ length: 3 }, (_, i) =>
      Array.from({ length: 3 }, (_, j) => gammaMatrix[i * 3 + j]! / 2),
    );
    const sMin = Math.sqrt(riccati.psiEigen.values[0]!);
    // Convergence is exponential at rate 4 sMin (tanh(x) = 1 - 2e^(-2x) + ...).
    let previous = Number.POSITIVE_INFINITY;
    for (const t of [1, 3, 6, 10]) {
      const err = maxRelDiff(riccati.valueMatrixAt(t / sMin), half);
      expect(err).toBeLessThan(previous);
      expect(err).toBeLessThan(3 * Math.exp(-4 * t));
      previous = err;
    }
    expect(maxRelDiff(riccati.valueMatrixAt(Number.POSITIVE_INFINITY), half)).toBe(0);
    const dm = riccati.prepared.liquidity;
    let err = 0;
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += gammaMatrix[i * 3 + k]! * dm[k]! * gammaMatrix[k * 3 + j]!;
        err = Math.max(err, Math.abs(s - phiRows[i]![j]!));
      }
    expect(err).toBeLessThan(1e-14);
  });

  it('finite-horizon quotes tend to the stationary ones; with A = 0 they are the static quotes', () => {
    const stationary = solveMultiAssetStationary(problem);
    const lots = [3, -2, 1];
    const qs = quotesFor(stationary, lots, createMultiAssetQuotes(stationary));
    const sMin = Math.sqrt(riccati.psiEigen.values[0]!);
    const far = solveMultiAssetFiniteHorizon(problem, 12 / sMin);
    const qf = quotesFor(far, lots, createMultiAssetQuotes(far));
    for (let v = 0; v < qs.bidDeltaPrice.length; v++) {
      expect(Math.abs(qf.bidDeltaPrice[v]! - qs.bidDeltaPrice[v]!)).toBeLessThan(1e-12);
      expect(Math.abs(qf.askDeltaPrice[v]! - qs.askDeltaPrice[v]!)).toBeLessThan(1e-12);
    }
    const end = solveMultiAssetFiniteHorizon(problem, 0);
    const qe = quotesFor(end, lots, createMultiAssetQuotes(end));
    expect(Array.from(qe.bidDeltaPrice)).toEqual(Array.from(end.venueStaticDeltaPrice));
    // Inventory risk grows with the horizon: the bid of the long asset 0 widens monotonically.
    let prev = Number.NEGATIVE_INFINITY;
    for (const t of [0.01, 0.1, 1, 10].map((x) => x / sMin)) {
      const sol = solveMultiAssetFiniteHorizon(problem, t);
      const b = quotesFor(sol, [3, 0, 0], createMultiAssetQuotes(sol)).bidDeltaPrice[0]!;
      expect(b).toBeGreaterThan(prev);
      prev = b;
    }
    expect(end.horizonSec).toBe(0);
    expect(stationary.horizonSec).toBe(Number.POSITIVE_INFINITY);
  });

  it('handles a singular Phi (perfect correlation) with liquidity spread over 8 decades', () => {
    const singular: MultiAssetProblem = {
      assets: [
        { lotSize: 1, venues: [{ aPerSec: 1e-4, kPerPrice: 1 }] },
        { lotSize: 1, venues: [{ aPerSec: 1e4, kPerPrice: 1 }] },
      ],
      penalty: {
        kind: 'covariance',
        gamma: 1,
        covariancePerSec: covarianceFromCorrelation(
          [0.3, 0.7],
          [
            [1, 1],
            [1, 1],
          ],
        ),
      },
    };
    const r = multiAssetRiccati(singular);
    const g = r.gammaMatrix();
    const dm = r.prepared.liquidity;
    const phi = r.prepared.phi;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let k = 0; k < 2; k++) s += g[i * 2 + k]! * dm[k]! * g[k * 2 + j]!;
        expect(Math.abs(s - phi[i * 2 + j]!)).toBeLessThan(1e-10 * phi[3]!);
      }
  });

  it('rejects a negative or NaN horizon', () => {
    expect(() => riccati.valueMatrixAt(-1)).toThrow(/tauSec must be >= 0/);
    expect(() => riccati.solutionAt(Number.NaN)).toThrow(/tauSec/);
  });
});
