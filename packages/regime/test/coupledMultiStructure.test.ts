import { type MultiAssetProblem, solveMultiAssetStationary } from '@mm/hjb-core';
import { describe, expect, it } from 'vitest';
import {
  type CoupledMultiAssetModel,
  solveCoupledMultiAssetFiniteHorizon,
  solveCoupledMultiAssetStationary,
} from '../src/index.js';
import { type PortfolioSpec, portfolioSpec, problemOf } from './reference/coupledMultiFixtures.js';

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d / maxAbs(b);
}

const specs = [
  portfolioSpec(5, { sigmaScale: 1, aScale: 2, rho: 0.3, gamma: 0.1 }),
  portfolioSpec(5, { sigmaScale: 2.5, aScale: 0.8, rho: 0.75, gamma: 0.1 }),
];
specs[1]!.rho = specs[1]!.rho.map((row, i) =>
  row.map((v, j) => (i === j ? 1 : (i + j) % 2 ? -0.2 : v)),
);
const G = [
  [-0.4, 0.4],
  [1.5, -1.5],
];
const base: CoupledMultiAssetModel = {
  names: ['calm', 'storm'],
  generatorPerSec: G,
  params: specs.map(problemOf),
};

/** The same spec with its assets reordered by `perm` (new asset i is old asset perm[i]). */
function permuted(s: PortfolioSpec, perm: number[]): PortfolioSpec {
  return {
    sigma: perm.map((p) => s.sigma[p]!),
    lotSize: perm.map((p) => s.lotSize[p]!),
    venues: perm.map((p) => s.venues[p]!),
    rho: perm.map((p) => perm.map((q) => s.rho[p]![q]!)),
    gamma: s.gamma,
  };
}

describe('symmetry', () => {
  it('every A_r is exactly (bitwise) symmetric, finite horizon and stationary', () => {
    const fh = solveCoupledMultiAssetFiniteHorizon(base, { tauSec: [0.7, 9] });
    const st = solveCoupledMultiAssetStationary(base);
    for (const sol of [...fh.solutions.flat(), ...st.solutions]) {
      const a = sol.valueMatrix;
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++) expect(a[i * 5 + j]).toBe(a[j * 5 + i]);
    }
  });

  it('relabelling assets permutes A_r; relabelling regimes permutes the regimes', () => {
    const perm = [3, 0, 4, 2, 1];
    const st = solveCoupledMultiAssetStationary(base);
    const pst = solveCoupledMultiAssetStationary({
      ...base,
      params: specs.map((s) => problemOf(permuted(s, perm))),
    });
    const swapped = solveCoupledMultiAssetStationary({
      names: ['storm', 'calm'],
      generatorPerSec: [
        [-1.5, 1.5],
        [0.4, -0.4],
      ],
      params: [base.params[1]!, base.params[0]!],
    });
    st.solutions.forEach((sol, r) => {
      const back = new Float64Array(25);
      const a = pst.solutions[r]!.valueMatrix;
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 5; j++) back[perm[i]! * 5 + perm[j]!] = a[i * 5 + j]!;
      expect(relDiff(back, sol.valueMatrix)).toBeLessThan(1e-13);
      expect(relDiff(swapped.solutions[1 - r]!.valueMatrix, sol.valueMatrix)).toBeLessThan(1e-13);
    });
  });

  it('two identical assets get identical rows (A_00 = A_11, A_02 = A_12)', () => {
    const twin: PortfolioSpec = {
      sigma: [0.3, 0.3, 0.5],
      lotSize: [1, 1, 2],
      venues: [[[1, 1]], [[1, 1]], [[2, 1.5]]],
      rho: [
        [1, 0.5, 0.2],
        [0.5, 1, 0.2],
        [0.2, 0.2, 1],
      ],
      gamma: 0.2,
    };
    const storm = { ...twin, sigma: twin.sigma.map((s) => 2 * s) };
    const sol = solveCoupledMultiAssetStationary({
      ...base,
      params: [problemOf(twin), problemOf(storm)],
    });
    for (const { valueMatrix: a } of sol.solutions) {
      expect(a[0]! / a[4]!).toBeCloseTo(1, 14);
      expect(a[2]! / a[5]!).toBeCloseTo(1, 14);
    }
  });
});

describe('degenerate penalty: a direction no regime penalises (rho = 1 everywhere)', () => {
  const onePair = (sigma: number, a: number): MultiAssetProblem =>
    problemOf({
      sigma: [sigma, sigma],
      lotSize: [1, 1],
      venues: [[[a, 1]], [[a, 1]]],
      rho: [
        [1, 1],
        [1, 1],
      ],
      gamma: 0.2,
    });
  it('Newton is singular; the flow still gives hjb-core with G = 0 and a small residual with G', () => {
    const params = [onePair(0.3, 1), onePair(0.9, 1)];
    const zero = solveCoupledMultiAssetStationary({
      ...base,
      generatorPerSec: [
        [0, 0],
        [0, 0],
      ],
      params,
    });
    expect(zero.method).toBe('flow');
    params.forEach((p, r) => {
      expect(
        relDiff(zero.solutions[r]!.valueMatrix, solveMultiAssetStationary(p).valueMatrix),
      ).toBeLessThan(1e-10);
    });
    const switching = solveCoupledMultiAssetStationary({ ...base, params });
    expect(switching.method).toBe('flow');
    expect(switching.residual).toBeLessThan(1e-11); // the flow stops at its tolerance, 1e-12
  });
});
