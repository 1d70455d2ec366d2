import {
  createMultiAssetQuotes,
  type MultiAssetProblem,
  multiAssetRiccati,
  quotesFor,
  solutionFromValueMatrix,
  solveMultiAssetStationary,
} from '@mm/hjb-core';
import { describe, expect, it } from 'vitest';
import {
  type CoupledMultiAssetModel,
  solveCoupledMultiAssetFiniteHorizon,
  solveCoupledMultiAssetStationary,
} from '../src/index.js';
import { dmOf, phiOf, portfolioSpec, problemOf } from './reference/coupledMultiFixtures.js';
import { coupledMultiRk4 } from './reference/coupledMultiRk4.js';

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d / maxAbs(b);
}

const calmSpec = portfolioSpec(4, { sigmaScale: 1, aScale: 2, rho: 0.4, gamma: 0.1 });
const stormSpec = portfolioSpec(4, { sigmaScale: 3, aScale: 1, rho: 0.7, gamma: 0.1 });
/** A third regime with a different correlation sign pattern and model A gain (xi > 0). */
const oddProblem: MultiAssetProblem = {
  ...problemOf(portfolioSpec(4, { sigmaScale: 2, aScale: 1.5, rho: -0.2, gamma: 0.3 })),
  xi: 0.3,
};
const three = [problemOf(calmSpec), problemOf(stormSpec), oddProblem];
const zero3 = [
  [0, 0, 0],
  [0, 0, 0],
  [0, 0, 0],
];

describe('coupled multi-asset Riccati with G = 0 is hjb-core per regime', () => {
  const model: CoupledMultiAssetModel = {
    names: ['calm', 'storm', 'odd'],
    generatorPerSec: zero3,
    params: three,
  };
  const taus = [0, 0.3, 2, 15, 80];

  it('finite horizon: A_r(tau) = multiAssetRiccati(problem_r).valueMatrixAt(tau) to 1e-10', () => {
    const mine = solveCoupledMultiAssetFiniteHorizon(model, { tauSec: taus });
    three.forEach((p, r) => {
      const own = multiAssetRiccati(p);
      taus.forEach((tau, j) => {
        const a = mine.solutions[j]![r]!.valueMatrix;
        if (tau === 0) expect(maxAbs(a)).toBe(0);
        else expect(relDiff(a, own.valueMatrixAt(tau))).toBeLessThan(1e-10);
      });
    });
  });

  it('stationary: A_r = Gamma_r/2 of solveMultiAssetStationary to 1e-10, with the same quotes', () => {
    const mine = solveCoupledMultiAssetStationary(model);
    expect(mine.method).toBe('newton');
    expect(mine.residual).toBeLessThan(1e-13);
    const lots = [2, -1, 0, 3];
    three.forEach((p, r) => {
      const own = solveMultiAssetStationary(p);
      const sol = mine.solutions[r]!;
      expect(relDiff(sol.valueMatrix, own.valueMatrix)).toBeLessThan(1e-10);
      const q1 = quotesFor(sol, lots, createMultiAssetQuotes(sol));
      const q2 = quotesFor(own, lots, createMultiAssetQuotes(own));
      expect(relDiff(q1.bidDeltaPrice, q2.bidDeltaPrice)).toBeLessThan(1e-10);
      expect(relDiff(q1.askDeltaPrice, q2.askDeltaPrice)).toBeLessThan(1e-10);
    });
  });
});

describe("hjb-core's solutionFromValueMatrix, as the coupled solvers use it", () => {
  it('reproduces hjb-core solutions field by field and quotes c1 +- 2 (A q)_i + A_ii Delta_i', () => {
    const p = three[2]!;
    const own = multiAssetRiccati(p).solutionAt(3);
    const mine = solutionFromValueMatrix(multiAssetRiccati(p).prepared, own.valueMatrix, 3);
    expect(mine).toEqual(own);
    const lots = [1, -2, 4, 0];
    const q = quotesFor(mine, lots, createMultiAssetQuotes(mine));
    const A = own.valueMatrix;
    const units = lots.map((l, i) => l * own.lotSizes[i]!);
    for (let i = 0; i < 4; i++) {
      const aq = units.reduce((s, u, j) => s + A[i * 4 + j]! * u, 0);
      const curvature = A[i * 4 + i]! * own.lotSizes[i]!;
      for (let s = own.venueStart[i]!; s < own.venueStart[i + 1]!; s++) {
        const c1 = own.venueStaticDeltaPrice[s]!;
        expect(q.bidDeltaPrice[s]).toBeCloseTo(c1 + 2 * aq + curvature, 14);
        expect(q.askDeltaPrice[s]).toBeCloseTo(c1 - 2 * aq + curvature, 14);
      }
    }
  });
});

describe('coupled multi-asset Riccati with switching', () => {
  const G = [
    [-0.3, 0.2, 0.1],
    [0.5, -0.6, 0.1],
    [0.05, 0.25, -0.3],
  ];
  const specs = [
    calmSpec,
    stormSpec,
    portfolioSpec(4, { sigmaScale: 2, aScale: 1.5, rho: -0.2, gamma: 0.3 }),
  ];
  const model: CoupledMultiAssetModel = {
    names: ['calm', 'storm', 'odd'],
    generatorPerSec: G,
    params: specs.map(problemOf),
  };

  it('finite horizon agrees with an independent fixed-step RK4 on the formula (1e-8)', () => {
    const mine = solveCoupledMultiAssetFiniteHorizon(model, { tauSec: [6] }).solutions[0]!;
    const ref = coupledMultiRk4(specs.map(phiOf), specs.map(dmOf), G, 6, 3000);
    mine.forEach((sol, r) => {
      expect(relDiff(sol.valueMatrix, ref[r]!.flat())).toBeLessThan(1e-8);
    });
  });

  it('finite horizon tends to the stationary solution (residual at rounding)', () => {
    const st = solveCoupledMultiAssetStationary(model);
    expect(st.residual).toBeLessThan(1e-13);
    const fh = solveCoupledMultiAssetFiniteHorizon(model, { tauSec: [5, 50, 400] });
    const gaps = fh.solutions.map((sols) =>
      Math.max(...sols.map((s, r) => relDiff(s.valueMatrix, st.solutions[r]!.valueMatrix))),
    );
    expect(gaps[0]!).toBeGreaterThan(gaps[1]!);
    expect(gaps[1]!).toBeGreaterThan(gaps[2]!);
    expect(gaps[2]!).toBeLessThan(1e-10);
  });

  it('the flow fallback (no dense Newton) gives the Newton solution', () => {
    const newton = solveCoupledMultiAssetStationary(model);
    const flow = solveCoupledMultiAssetStationary(model, { maxDenseUnknowns: 0 });
    expect(flow.method).toBe('flow');
    expect(flow.residual).toBeLessThan(1e-11);
    flow.solutions.forEach((s, r) => {
      expect(relDiff(s.valueMatrix, newton.solutions[r]!.valueMatrix)).toBeLessThan(1e-10);
    });
  });
});
