import { symmetricEigen } from '@mm/hjb-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CoupledMultiAssetModel,
  solveCoupledMultiAssetFiniteHorizon,
  solveCoupledMultiAssetStationary,
} from '../src/index.js';
import { problemOf, uniformCorrelation } from './reference/coupledMultiFixtures.js';

interface Ranges {
  /** Largest switching-rate scale, per second. */
  maxRatePerSec: number;
  /** Fill rates spread over `10^(+-decades)` per second. */
  fillDecades: number;
  /** Volatility range, price units per sqrt(s), and gamma's decades below 1. */
  sigma: [number, number];
  gammaDecades: number;
}

/**
 * Random coupled problems: 1-4 assets (one with lot 0.5), 2-3 regimes, random volatilities,
 * fill rates, gamma, any admissible uniform correlation up to 0.98, switching rates up to
 * `maxRatePerSec`.
 */
const problemArb = (ranges: Ranges) =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 4 }),
      regimes: fc.integer({ min: 2, max: 3 }),
      u: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 64, maxLength: 64 }),
      rateScale: fc.constantFrom(1e-3, 0.1, 1, 10, 100).filter((r) => r <= ranges.maxRatePerSec),
    })
    .map(({ n, regimes, u, rateScale }): CoupledMultiAssetModel => {
      let k = 0;
      const next = () => u[k++ % u.length]!;
      const minRho = n > 1 ? -1 / (n - 1) + 0.02 : 0;
      const [sLo, sHi] = ranges.sigma;
      const params = Array.from({ length: regimes }, () =>
        problemOf({
          sigma: Array.from({ length: n }, () => sLo + (sHi - sLo) * next()),
          lotSize: Array.from({ length: n }, (_, i) => (i === 1 ? 0.5 : 1)),
          venues: Array.from({ length: n }, () => [
            [10 ** (ranges.fillDecades * (2 * next() - 1)), 0.5 + 2 * next()],
          ]),
          rho: uniformCorrelation(n, n > 1 ? minRho + (0.98 - minRho) * next() : 0),
          gamma: 10 ** (-ranges.gammaDecades * next()),
        }),
      );
      const G = params.map((_, r) => params.map((_, s) => (r === s ? 0 : rateScale * next())));
      G.forEach((row, r) => {
        row[r] = -row.reduce((a, b) => a + b, 0);
      });
      return { names: G.map((_, r) => `r${r}`), generatorPerSec: G, params };
    });

/** Wide: liquidity over 1e4, volatilities 0.01-3, gamma 0.01-1, switching up to 100/s. */
const wide: Ranges = { maxRatePerSec: 100, fillDecades: 2, sigma: [0.01, 3], gammaDecades: 2 };
/**
 * Moderate (the flow's stiffness ratio `(4 s_max + 2 q) / (4 s_min)` stays below ~1e3; with
 * the wide ranges it reaches 1e5 and more, e.g. switching at 1/s with Riccati rates of 1e-5/s,
 * and the explicit flow then needs millions of steps).
 */
const moderate: Ranges = { maxRatePerSec: 1, fillDecades: 0.5, sigma: [0.1, 1], gammaDecades: 1 };

describe('stationary coupled Riccati: Newton from the regimes own Gamma_r/2', () => {
  it('property: converges on random problems (residual at rounding, a few steps)', () => {
    fc.assert(
      fc.property(problemArb(wide), (model) => {
        const sol = solveCoupledMultiAssetStationary(model);
        expect(sol.method).toBe('newton');
        expect(sol.iterations).toBeLessThanOrEqual(15);
        expect(sol.residual).toBeLessThan(1e-13);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('property: is the long-horizon limit of the finite-horizon flow', () => {
    fc.assert(
      fc.property(problemArb(moderate), (model) => {
        const st = solveCoupledMultiAssetStationary(model);
        const flow = solveCoupledMultiAssetStationary(model, { maxDenseUnknowns: 0 });
        expect(flow.method).toBe('flow');
        st.solutions.forEach((s, r) => {
          const a = s.valueMatrix;
          const b = flow.solutions[r]!.valueMatrix;
          const scale = Math.max(...Array.from(a, Math.abs));
          a.forEach((v, i) => {
            expect(Math.abs(v - b[i]!)).toBeLessThan(1e-9 * scale);
          });
        });
      }),
      { numRuns: 25, seed: 11 },
    );
  });

  it('property: A_r(tau) is zero at tau = 0 and increases (Loewner) with tau', () => {
    // dA/dtau = W solves W_r' = -(W_r K_r + K_r' W_r) + sum_r' G[r][r'] (W_r' - W_r), W(0) = Phi
    // (K_r = 4 Dm_r A_r): a Lyapunov flow plus a nonnegative coupling, so W stays PSD.
    const taus = [0, 0.5, 2, 8, 40];
    fc.assert(
      fc.property(problemArb(moderate), (model) => {
        const fh = solveCoupledMultiAssetFiniteHorizon(model, { tauSec: taus });
        const n = model.params[0]!.assets.length;
        fh.solutions[0]!.forEach((s) => {
          expect(Math.max(...Array.from(s.valueMatrix, Math.abs))).toBe(0);
        });
        for (let j = 1; j < taus.length; j++)
          fh.solutions[j]!.forEach((s, r) => {
            const before = fh.solutions[j - 1]![r]!.valueMatrix;
            const d = Float64Array.from(s.valueMatrix, (v, i) => v - before[i]!);
            const scale = Math.max(...Array.from(s.valueMatrix, Math.abs));
            expect(symmetricEigen(d, n).values[0]!).toBeGreaterThan(-1e-11 * scale);
          });
      }),
      { numRuns: 30, seed: 5 },
    );
  });
});
