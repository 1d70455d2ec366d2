import { describe, expect, it } from 'vitest';
import {
  type CoupledMultiAssetModel,
  prepareCoupledMultiAsset,
  solveCoupledMultiAssetFiniteHorizon,
  solveCoupledMultiAssetStationary,
} from '../src/index.js';
import { portfolioSpec, problemOf } from './reference/coupledMultiFixtures.js';

const base: CoupledMultiAssetModel = {
  names: ['calm', 'storm'],
  generatorPerSec: [
    [-0.4, 0.4],
    [1.5, -1.5],
  ],
  params: [1, 2.5].map((sigmaScale) =>
    problemOf(portfolioSpec(5, { sigmaScale, aScale: 1, rho: 0.3, gamma: 0.1 })),
  ),
};

describe('validation names the field', () => {
  const problem = (n: number) =>
    problemOf(portfolioSpec(n, { sigmaScale: 1, aScale: 1, rho: 0.2, gamma: 0.1 }));
  const check = (model: CoupledMultiAssetModel, pattern: RegExp) => {
    expect(() => prepareCoupledMultiAsset(model)).toThrow(RangeError);
    expect(() => solveCoupledMultiAssetStationary(model)).toThrow(pattern);
  };
  it('per-regime problems: asset count, lot size, venues, each problem checked by hjb-core', () => {
    check({ ...base, params: [problem(5), problem(4)] }, /^params\[1\]\.assets must list 5 assets/);
    const lots = problem(5);
    const bad = {
      ...lots,
      assets: lots.assets.map((a, i) => (i === 2 ? { ...a, lotSize: 7 } : a)),
    };
    check({ ...base, params: [lots, bad] }, /^params\[1\]\.assets\[2\]\.lotSize must equal/);
    const fewer = {
      ...lots,
      assets: lots.assets.map((a, i) => (i === 1 ? { ...a, venues: a.venues.slice(1) } : a)),
    };
    check(
      { ...base, params: [lots, fewer] },
      /^params\[1\]\.assets\[1\]\.venues must have 2 entries/,
    );
    const neg = {
      ...lots,
      assets: lots.assets.map((a, i) =>
        i === 0 ? { ...a, venues: [{ aPerSec: -1, kPerPrice: 1 }] } : a,
      ),
    };
    check({ ...base, params: [lots, neg] }, /^params\[1\]\.assets\[0\]\.venues\[0\]\.aPerSec/);
    check({ ...base, params: [lots] }, /^params: must have 2 entries/);
  });
  it('generator: shape, sign, row sums', () => {
    const params = [problem(2), problem(2)];
    check(
      { names: ['a', 'b'], params, generatorPerSec: [[0, 0]] },
      /^generatorPerSec: must have 2 rows/,
    );
    check(
      {
        names: ['a', 'b'],
        params,
        generatorPerSec: [
          [0.1, -0.1],
          [0, 0],
        ],
      },
      /^generatorPerSec\[0\]\[1\]/,
    );
    check(
      {
        names: ['a', 'b'],
        params,
        generatorPerSec: [
          [0, 0],
          [0.2, -0.1],
        ],
      },
      /^generatorPerSec\[1\]: row must sum to 0/,
    );
  });
  it('solver options', () => {
    expect(() => solveCoupledMultiAssetFiniteHorizon(base, { tauSec: [2, 1] })).toThrow(
      /^tauSec\[1\] must be >= tauSec\[0\]/,
    );
    expect(() => solveCoupledMultiAssetFiniteHorizon(base, { tauSec: [-1] })).toThrow(
      /^tauSec\[0\]/,
    );
    expect(() => solveCoupledMultiAssetFiniteHorizon(base, { tauSec: [] })).toThrow(/^tauSec/);
    expect(() => solveCoupledMultiAssetFiniteHorizon(base, { tauSec: [1], relTol: 0 })).toThrow(
      /^relTol/,
    );
    expect(() =>
      solveCoupledMultiAssetFiniteHorizon(base, { tauSec: [100], maxSteps: 10 }),
    ).toThrow(/^maxSteps/);
    expect(() => solveCoupledMultiAssetStationary(base, { maxDenseUnknowns: -1 })).toThrow(
      /^maxDenseUnknowns/,
    );
    expect(() => solveCoupledMultiAssetStationary(base, { maxIterations: 0 })).toThrow(
      /^maxIterations/,
    );
  });
});
