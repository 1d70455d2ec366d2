import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GueantParams, gueantQuote } from '../src/closedForm/gueantApprox.js';
import { matMul } from '../src/multi/matrix.js';
import type { MultiAssetProblem } from '../src/multi/multiAssetProblem.js';
import { prepareMultiAsset } from '../src/multi/multiAssetProblem.js';
import { solveMultiAssetStationary } from '../src/multi/multiAssetRiccati.js';
import {
  createMultiAssetQuotes,
  type MultiAssetQuotes,
  quotesFor,
  quotesForUnits,
} from '../src/multi/multiAssetSolution.js';
import { covarianceFromCorrelation } from '../src/multi/penalty.js';

function quote(problem: MultiAssetProblem, lots: number[]): MultiAssetQuotes {
  const sol = solveMultiAssetStationary(problem);
  return quotesFor(sol, lots, createMultiAssetQuotes(sol));
}

const gueant: GueantParams = {
  sigmaPerSqrtSec: 0.8,
  aPerSec: 1.7,
  kPerPrice: 3.1,
  gamma: 0.04,
  xi: 0.04,
  lotSize: 0.5,
};

/** The single-asset GLFT model as a multi-asset problem with one asset: Phi = gamma sigma^2 / 2. */
function singleAsset(p: GueantParams): MultiAssetProblem {
  return {
    assets: [{ lotSize: p.lotSize, venues: [{ aPerSec: p.aPerSec, kPerPrice: p.kPerPrice }] }],
    penalty: { kind: 'identity', phiPerUnit2Sec: (p.gamma * p.sigmaPerSqrtSec ** 2) / 2 },
    xi: p.xi,
  };
}

function expectClose(actual: number, expected: number, scale: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * scale);
}

describe('multi-asset closed form reduces to the single-asset Gueant closed form', () => {
  it('with one asset (model A and model B, several inventories)', () => {
    for (const p of [gueant, { ...gueant, xi: 0 }, { ...gueant, lotSize: 3, xi: 0.2 }]) {
      const sol = solveMultiAssetStationary(singleAsset(p));
      const out = createMultiAssetQuotes(sol);
      for (const n of [-7, -1, 0, 1, 4]) {
        const single = gueantQuote(p, n);
        quotesFor(sol, [n], out);
        const scale = Math.abs(single.bidDeltaPrice) + Math.abs(single.askDeltaPrice);
        expectClose(out.bidDeltaPrice[0]!, single.bidDeltaPrice, scale, 1e-14);
        expectClose(out.askDeltaPrice[0]!, single.askDeltaPrice, scale, 1e-14);
      }
    }
  });

  it('per asset, with three uncorrelated assets and Phi = (gamma/2) diag(sigma^2)', () => {
    const sigmas = [0.8, 2.5, 0.01];
    const specs = [
      { lotSize: 0.5, aPerSec: 1.7, kPerPrice: 3.1 },
      { lotSize: 2, aPerSec: 0.3, kPerPrice: 0.9 },
      { lotSize: 100, aPerSec: 5, kPerPrice: 40 },
    ];
    const gamma = 0.04;
    const xi = 0.01;
    const problem: MultiAssetProblem = {
      assets: specs.map((s) => ({
        lotSize: s.lotSize,
        venues: [{ aPerSec: s.aPerSec, kPerPrice: s.kPerPrice }],
      })),
      penalty: {
        kind: 'covariance',
        gamma,
        covariancePerSec: covarianceFromCorrelation(sigmas, [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ]),
      },
      xi,
    };
    const sol = solveMultiAssetStationary(problem);
    const out = createMultiAssetQuotes(sol);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 3, maxLength: 3 }),
        (lots) => {
          quotesFor(sol, lots, out);
          specs.forEach((s, i) => {
            const single = gueantQuote({ ...s, sigmaPerSqrtSec: sigmas[i]!, gamma, xi }, lots[i]!);
            const scale = Math.abs(single.bidDeltaPrice) + Math.abs(single.askDeltaPrice);
            expectClose(out.bidDeltaPrice[i]!, single.bidDeltaPrice, scale, 1e-13);
            expectClose(out.askDeltaPrice[i]!, single.askDeltaPrice, scale, 1e-13);
          });
        },
      ),
    );
  });
});

describe('multi-asset closed form: Gamma and cross-asset skew', () => {
  const twoAssets = (rho: number): MultiAssetProblem => ({
    assets: [
      { lotSize: 1, venues: [{ aPerSec: 1, kPerPrice: 2 }] },
      { lotSize: 0.1, venues: [{ aPerSec: 3, kPerPrice: 5 }] },
    ],
    penalty: {
      kind: 'covariance',
      gamma: 0.1,
      covariancePerSec: covarianceFromCorrelation(
        [0.5, 1.5],
        [
          [1, rho],
          [rho, 1],
        ],
      ),
    },
  });

  it('Gamma solves Gamma Dm Gamma = Phi and is symmetric', () => {
    for (const rho of [-0.8, 0, 0.5, 0.8, 1]) {
      const prepared = prepareMultiAsset(twoAssets(rho));
      const { gammaMatrix: g } = solveMultiAssetStationary(prepared);
      const dm = Float64Array.from([prepared.liquidity[0]!, 0, 0, prepared.liquidity[1]!]);
      const gdg = matMul(matMul(g, dm, 2), g, 2);
      for (let i = 0; i < 4; i++) expectClose(gdg[i]!, prepared.phi[i]!, prepared.phi[3]!, 1e-13);
      expect(g[1]).toBe(g[2]);
    }
  });

  it('long asset 1, positive correlation: asset 2 bid widens and ask tightens; negative: opposite', () => {
    for (const rho of [0.5, 0.8]) {
      const flat = quote(twoAssets(rho), [0, 0]);
      const long = quote(twoAssets(rho), [3, 0]);
      expect(long.bidDeltaPrice[1]!).toBeGreaterThan(flat.bidDeltaPrice[1]!);
      expect(long.askDeltaPrice[1]!).toBeLessThan(flat.askDeltaPrice[1]!);
    }
    for (const rho of [-0.5, -0.8]) {
      const flat = quote(twoAssets(rho), [0, 0]);
      const long = quote(twoAssets(rho), [3, 0]);
      expect(long.bidDeltaPrice[1]!).toBeLessThan(flat.bidDeltaPrice[1]!);
      expect(long.askDeltaPrice[1]!).toBeGreaterThan(flat.askDeltaPrice[1]!);
    }
    // Zero correlation: no cross skew at all.
    const flat = quote(twoAssets(0), [0, 0]);
    const long = quote(twoAssets(0), [3, 0]);
    expect(long.bidDeltaPrice[1]).toBe(flat.bidDeltaPrice[1]);
  });

  it('the cross skew grows with the correlation', () => {
    const skew = (rho: number): number => {
      const q = quote(twoAssets(rho), [1, 0]);
      const z = quote(twoAssets(rho), [0, 0]);
      return q.bidMarginalPrice[1]! - z.bidMarginalPrice[1]!;
    };
    expect(skew(0.8)).toBeGreaterThan(skew(0.5));
    expect(skew(0.5)).toBeGreaterThan(0);
  });

  it('matches the written-out formula p_b^i = Gamma_ii (2 q_i + D_i)/2 + sum_{j != i} Gamma_ij q_j', () => {
    const problem = twoAssets(0.6);
    const sol = solveMultiAssetStationary(problem);
    const g = sol.gammaMatrix;
    const lots = [2, -3];
    const d = [1, 0.1];
    const q = [lots[0]! * d[0]!, lots[1]! * d[1]!];
    const out = quotesFor(sol, lots, createMultiAssetQuotes(sol));
    for (let i = 0; i < 2; i++) {
      const j = 1 - i;
      const cross = g[i * 2 + j]! * q[j]!;
      const pb = (g[i * 3]! * (2 * q[i]! + d[i]!)) / 2 + cross;
      const pa = -((g[i * 3]! * (2 * q[i]! - d[i]!)) / 2 + cross);
      expectClose(out.bidMarginalPrice[i]!, pb, Math.abs(pb) + Math.abs(pa), 1e-14);
      expectClose(out.askMarginalPrice[i]!, pa, Math.abs(pb) + Math.abs(pa), 1e-14);
      const c1 = 1 / problem.assets[i]!.venues[0]!.kPerPrice;
      expectClose(out.bidDeltaPrice[i]!, c1 + pb, c1, 1e-14);
    }
    // quotesForUnits agrees with quotesFor.
    const units = quotesForUnits(sol, q, createMultiAssetQuotes(sol));
    for (let i = 0; i < 2; i++)
      expectClose(units.bidDeltaPrice[i]!, out.bidDeltaPrice[i]!, out.bidDeltaPrice[i]!, 1e-14);
  });
});

describe('multi-asset closed form: properties', () => {
  // Random problem: PSD Phi = G G' (G n x n with entries in [-1, 1]), random liquidity and lots.
  const arbProblem = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      g: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), {
        minLength: n * n,
        maxLength: n * n,
      }),
      lotSize: fc.array(fc.double({ min: 0.01, max: 10, noNaN: true }), {
        minLength: n,
        maxLength: n,
      }),
      a: fc.array(fc.double({ min: 0.05, max: 20, noNaN: true }), { minLength: n, maxLength: n }),
      k: fc.array(fc.double({ min: 0.05, max: 20, noNaN: true }), { minLength: n, maxLength: n }),
      xi: fc.double({ min: 0, max: 1, noNaN: true }),
      lots: fc.array(fc.integer({ min: -20, max: 20 }), { minLength: n, maxLength: n }),
    }),
  );
  const build = (r: {
    n: number;
    g: number[];
    lotSize: number[];
    a: number[];
    k: number[];
    xi: number;
  }): MultiAssetProblem => {
    const { n, g } = r;
    const phi = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let m = 0; m < n; m++) s += g[i * n + m]! * g[j * n + m]!;
        return s * 1e-3;
      }),
    );
    return {
      assets: r.lotSize.map((lotSize, i) => ({
        lotSize,
        venues: [{ aPerSec: r.a[i]!, kPerPrice: r.k[i]! }],
      })),
      penalty: { kind: 'matrix', phiPerUnit2Sec: phi },
      xi: r.xi,
    };
  };

  it('Gamma is exactly symmetric and q -> -q swaps bid and ask: db^i(q) = da^i(-q)', () => {
    fc.assert(
      fc.property(arbProblem, (r) => {
        const sol = solveMultiAssetStationary(build(r));
        const n = r.n;
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++)
            expect(sol.gammaMatrix[i * n + j]).toBe(sol.gammaMatrix[j * n + i]);
        const plus = quotesFor(sol, r.lots, createMultiAssetQuotes(sol));
        const minus = quotesFor(
          sol,
          r.lots.map((l) => -l),
          createMultiAssetQuotes(sol),
        );
        for (let i = 0; i < n; i++) {
          expect(plus.bidDeltaPrice[i]).toBe(minus.askDeltaPrice[i]);
          expect(plus.askDeltaPrice[i]).toBe(minus.bidDeltaPrice[i]);
        }
      }),
    );
  });

  it('the spread bid + ask does not depend on inventory: 2 c1 + Gamma_ii Delta_i', () => {
    fc.assert(
      fc.property(arbProblem, (r) => {
        const sol = solveMultiAssetStationary(build(r));
        const q = quotesFor(sol, r.lots, createMultiAssetQuotes(sol));
        const z = quotesFor(sol, new Array(r.n).fill(0), createMultiAssetQuotes(sol));
        for (let i = 0; i < r.n; i++) {
          const s = q.bidDeltaPrice[i]! + q.askDeltaPrice[i]!;
          const s0 = z.bidDeltaPrice[i]! + z.askDeltaPrice[i]!;
          expectClose(
            s,
            s0,
            Math.abs(q.bidDeltaPrice[i]!) + Math.abs(q.askDeltaPrice[i]!) + s0,
            1e-13,
          );
          expectClose(
            s0 - 2 * sol.venueStaticDeltaPrice[i]!,
            sol.gammaMatrix[i * r.n + i]! * r.lotSize[i]!,
            s0,
            1e-13,
          );
        }
      }),
    );
  });
});

describe('multi-asset closed form: venues', () => {
  const base = (venues: { aPerSec: number; kPerPrice: number; makerRebatePrice?: number }[]) =>
    ({
      assets: [
        { lotSize: 1, venues },
        { lotSize: 2, venues: [{ aPerSec: 2, kPerPrice: 1 }] },
      ],
      penalty: {
        kind: 'matrix',
        phiPerUnit2Sec: [
          [0.02, 0.01],
          [0.01, 0.03],
        ],
      },
    }) satisfies MultiAssetProblem;

  it('two venues with the same k and half the rate each quote like one venue (intensities add)', () => {
    const one = quote(base([{ aPerSec: 4, kPerPrice: 3 }]), [2, -1]);
    const two = quote(
      base([
        { aPerSec: 1, kPerPrice: 3 },
        { aPerSec: 3, kPerPrice: 3 },
      ]),
      [2, -1],
    );
    // Venue slots: asset 0 has slots 0 and 1, asset 1 slot 2.
    for (const v of [0, 1]) {
      expectClose(two.bidDeltaPrice[v]!, one.bidDeltaPrice[0]!, one.bidDeltaPrice[0]!, 1e-14);
      expectClose(two.askDeltaPrice[v]!, one.askDeltaPrice[0]!, one.bidDeltaPrice[0]!, 1e-14);
    }
    expectClose(two.bidDeltaPrice[2]!, one.bidDeltaPrice[1]!, one.bidDeltaPrice[1]!, 1e-14);
  });

  it('venues with different k share the marginal value and differ by their static part', () => {
    const sol = solveMultiAssetStationary(
      base([
        { aPerSec: 1, kPerPrice: 3 },
        { aPerSec: 2, kPerPrice: 5, makerRebatePrice: 0.02 },
      ]),
    );
    const out = quotesFor(sol, [3, 1], createMultiAssetQuotes(sol));
    const pb = out.bidMarginalPrice[0]!;
    expectClose(out.bidDeltaPrice[0]!, 1 / 3 + pb, 1, 1e-15);
    expectClose(out.bidDeltaPrice[1]!, 1 / 5 - 0.02 + pb, 1, 1e-15);
    expectClose(out.askDeltaPrice[1]!, 1 / 5 - 0.02 + out.askMarginalPrice[0]!, 1, 1e-15);
  });

  it('a maker rebate r shifts the quotes by -r and adds liquidity as A exp(k r)', () => {
    const r = 0.05;
    const k = 3;
    const prepared = prepareMultiAsset(base([{ aPerSec: 1, kPerPrice: k, makerRebatePrice: r }]));
    const plain = prepareMultiAsset(base([{ aPerSec: Math.exp(k * r), kPerPrice: k }]));
    expectClose(prepared.liquidity[0]!, plain.liquidity[0]!, plain.liquidity[0]!, 1e-15);
    const withRebate = quote(base([{ aPerSec: 1, kPerPrice: k, makerRebatePrice: r }]), [2, 0]);
    const boosted = quote(base([{ aPerSec: Math.exp(k * r), kPerPrice: k }]), [2, 0]);
    expectClose(withRebate.bidDeltaPrice[0]!, boosted.bidDeltaPrice[0]! - r, 1, 1e-15);
    expectClose(withRebate.askDeltaPrice[0]!, boosted.askDeltaPrice[0]! - r, 1, 1e-15);
  });

  it('rejects bad venues and assets naming the field', () => {
    expect(() => prepareMultiAsset(base([]))).toThrow('assets[0].venues must not be empty');
    expect(() => prepareMultiAsset(base([{ aPerSec: 0, kPerPrice: 1 }]))).toThrow(
      /assets\[0\]\.venues\[0\]\.aPerSec must be finite and > 0/,
    );
    expect(() => prepareMultiAsset(base([{ aPerSec: 1, kPerPrice: Number.NaN }]))).toThrow(
      /assets\[0\]\.venues\[0\]\.kPerPrice/,
    );
    expect(() =>
      prepareMultiAsset(
        base([{ aPerSec: 1, kPerPrice: 1, makerRebatePrice: Number.POSITIVE_INFINITY }]),
      ),
    ).toThrow(/makerRebatePrice/);
    expect(() => prepareMultiAsset({ ...base([{ aPerSec: 1, kPerPrice: 1 }]), xi: -1 })).toThrow(
      /xi must be/,
    );
    expect(() =>
      prepareMultiAsset({
        assets: [{ lotSize: 0, venues: [{ aPerSec: 1, kPerPrice: 1 }] }],
        penalty: { kind: 'identity', phiPerUnit2Sec: 1 },
      }),
    ).toThrow(/assets\[0\]\.lotSize/);
    expect(() =>
      prepareMultiAsset({ assets: [], penalty: { kind: 'identity', phiPerUnit2Sec: 1 } }),
    ).toThrow(/at least one asset/);
  });
});
