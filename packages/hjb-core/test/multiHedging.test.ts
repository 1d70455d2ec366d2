import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MultiAssetProblem } from '../src/multi/multiAssetProblem.js';
import { solveMultiAssetStationary } from '../src/multi/multiAssetRiccati.js';
import { covarianceFromCorrelation } from '../src/multi/penalty.js';
import { hedgeRatesFor, takerHedgeCosts, takerHedgeRate } from '../src/multi/takerHedging.js';

describe('takerHedgeRate: xi*(p) = sign(p) max(|p| - psi, 0) / (2 eta)', () => {
  it('is zero in the dead zone and linear beyond it (hand values)', () => {
    expect(takerHedgeRate(0.05, 0.1, 2)).toBe(0);
    expect(takerHedgeRate(-0.1, 0.1, 2)).toBe(0);
    // (0.3 - 0.1) / (2 * 2) = 0.05 units per second, buying.
    expect(takerHedgeRate(0.3, 0.1, 2)).toBeCloseTo(0.05, 15);
    expect(takerHedgeRate(-0.3, 0.1, 2)).toBeCloseTo(-0.05, 15);
    expect(takerHedgeRate(0.3, 0, 2)).toBeCloseTo(0.075, 15);
  });

  it('maximises xi p - psi |xi| - eta xi^2 (property)', () => {
    const num = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    fc.assert(
      fc.property(num(-10, 10), num(0, 5), num(0.01, 10), num(-5, 5), (p, psi, eta, other) => {
        const value = (x: number) => x * p - psi * Math.abs(x) - eta * x * x;
        const best = takerHedgeRate(p, psi, eta);
        expect(value(best)).toBeGreaterThanOrEqual(
          value(other) - 1e-12 * (1 + Math.abs(value(other))),
        );
      }),
    );
  });
});

describe('hedgeRatesFor', () => {
  const problem = (rho: number): MultiAssetProblem => ({
    assets: [
      { lotSize: 1, venues: [{ aPerSec: 1, kPerPrice: 2 }] },
      { lotSize: 1, venues: [{ aPerSec: 1, kPerPrice: 2 }] },
    ],
    penalty: {
      kind: 'covariance',
      gamma: 0.2,
      covariancePerSec: covarianceFromCorrelation(
        [0.5, 0.5],
        [
          [1, rho],
          [rho, 1],
        ],
      ),
    },
  });

  it('does not hedge small inventories (dead zone) and sells a large long position', () => {
    const sol = solveMultiAssetStationary(problem(0));
    const gamma11 = sol.gammaMatrix[0]!;
    // |p_1| = Gamma_11 q_1: psi = 2.5 Gamma_11 leaves |q_1| <= 2 inside the dead zone.
    const costs = takerHedgeCosts(
      [
        { psiPrice: 2.5 * gamma11, etaPriceSecPerUnit: 1 },
        { psiPrice: 2.5 * gamma11, etaPriceSecPerUnit: 1 },
      ],
      2,
    );
    const out = new Float64Array(2);
    for (const q of [-2, -1, 0, 1, 2]) {
      hedgeRatesFor(sol, costs, [q, 0], 'perAsset', out);
      expect(Array.from(out)).toEqual([0, 0]);
    }
    hedgeRatesFor(sol, costs, [5, 0], 'perAsset', out);
    // p = -Gamma_11 * 5; rate = -(5 - 2.5) Gamma_11 / 2.
    expect(out[0]!).toBeCloseTo((-2.5 * gamma11) / 2, 14);
    expect(out[1]).toBe(0);
    hedgeRatesFor(sol, costs, [-5, 0], 'perAsset', out);
    expect(out[0]!).toBeGreaterThan(0);
  });

  it("hedge direction reduces the penalty q' Phi q (property)", () => {
    const sol = solveMultiAssetStationary(problem(0.6));
    const costs = takerHedgeCosts(
      [
        { psiPrice: 0.01, etaPriceSecPerUnit: 0.5 },
        { psiPrice: 0.02, etaPriceSecPerUnit: 2 },
      ],
      2,
    );
    const out = new Float64Array(2);
    fc.assert(
      fc.property(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -30, max: 30 }), (a, b) => {
        for (const mode of ['perAsset', 'bestSingle'] as const) {
          hedgeRatesFor(sol, costs, [a, b], mode, out);
          // d/dt (q' A q) = 2 (A q) . xi <= 0 : the hedge lowers the quadratic risk.
          const a0 = sol.valueMatrix;
          const aq0 = a0[0]! * a + a0[1]! * b;
          const aq1 = a0[2]! * a + a0[3]! * b;
          expect(aq0 * out[0]! + aq1 * out[1]!).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it('bestSingle hedges a long asset 1 with a cheaper positively correlated asset 2 (by selling it)', () => {
    const sol = solveMultiAssetStationary(problem(0.9));
    const costs = takerHedgeCosts(
      [
        { psiPrice: 10, etaPriceSecPerUnit: 1 }, // asset 1: very costly to cross
        { psiPrice: 0.001, etaPriceSecPerUnit: 1 },
      ],
      2,
    );
    const out = new Float64Array(2);
    hedgeRatesFor(sol, costs, [10, 0], 'bestSingle', out);
    expect(out[0]).toBe(0);
    expect(out[1]!).toBeLessThan(0);
    // Negative correlation: the hedge leg buys asset 2.
    const neg = solveMultiAssetStationary(problem(-0.9));
    hedgeRatesFor(neg, costs, [10, 0], 'bestSingle', out);
    expect(out[1]!).toBeGreaterThan(0);
    // With both cheap, bestSingle keeps only the more valuable leg (asset 1 here) and perAsset both.
    const cheap = takerHedgeCosts(
      [
        { psiPrice: 0.001, etaPriceSecPerUnit: 1 },
        { psiPrice: 0.001, etaPriceSecPerUnit: 1 },
      ],
      2,
    );
    hedgeRatesFor(sol, cheap, [10, 0], 'bestSingle', out);
    expect(out[0]!).toBeLessThan(0);
    expect(out[1]).toBe(0);
    hedgeRatesFor(sol, cheap, [10, 0], 'perAsset', out);
    expect(out[0]!).toBeLessThan(0);
    expect(out[1]!).toBeLessThan(0);
  });

  it('rejects bad costs naming the field', () => {
    expect(() => takerHedgeCosts([{ psiPrice: 0, etaPriceSecPerUnit: 1 }], 2)).toThrow(
      /costs must have 2 entries/,
    );
    expect(() => takerHedgeCosts([{ psiPrice: -1, etaPriceSecPerUnit: 1 }], 1)).toThrow(
      /costs\[0\]\.psiPrice/,
    );
    expect(() => takerHedgeCosts([{ psiPrice: 0, etaPriceSecPerUnit: 0 }], 1)).toThrow(
      /costs\[0\]\.etaPriceSecPerUnit must be finite and > 0/,
    );
  });
});
