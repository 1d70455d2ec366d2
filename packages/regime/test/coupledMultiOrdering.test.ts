import { createMultiAssetQuotes, multiAssetRiccati, quotesFor, symmetricEigen } from '@mm/hjb-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CoupledMultiAssetModel,
  solveCoupledMultiAssetFiniteHorizon,
  solveCoupledMultiAssetStationary,
} from '../src/index.js';
import {
  dmOf,
  type PortfolioSpec,
  portfolioSpec,
  problemOf,
  uniformCorrelation,
} from './reference/coupledMultiFixtures.js';

/**
 * Calm vs storm, two regimes. If the storm is Loewner-worse, `Phi_s >= Phi_c` and `Dm_s <= Dm_c`,
 * then for every tau (and so in the stationary limit)
 *
 *   A_c^own <= A_c <= A_s <= A_s^own      (Loewner order; `own` = the regime without switching)
 *
 * Proof sketch (the flows start equal at A = 0): `D = A_s - A_c` solves
 * `D' = P - (D K + K' D)` with `K = 4 Dm_s (A_s + A_c)/2 + (g_sc + g_cs)/2 I` and the PSD forcing
 * `P = Phi_s - Phi_c + 4 A_c (Dm_c - Dm_s) A_c`, so `D(tau) = int U' P U >= 0`. Then
 * `E = A_c - A_c^own` solves `E' = -(E K_c + K_c' E) + g_cs D` and `F = A_s^own - A_s` solves
 * `F' = -(F K_s + K_s' F) + g_sc D`, both with PSD forcing, so `E, F >= 0`. Diagonals of PSD
 * differences are >= 0, so the own skews per lot `2 A_ii Delta_i` and the spreads at q = 0
 * (`2 c1 + 2 A_ii Delta_i`, the same c1 when k is the same) are ordered too. Without the
 * parameter ordering none of this need hold, so only ordered cases are tested.
 */
const calmSpec = portfolioSpec(4, { sigmaScale: 1, aScale: 2, rho: 0.4, gamma: 0.1 });
const stormSpec = portfolioSpec(4, { sigmaScale: 3, aScale: 1, rho: 0.7, gamma: 0.1 });

/** Smallest eigenvalue of `hi - lo` relative to `max |hi|` (>= -1e-12: `hi >= lo`). */
function loewnerGap(hi: Float64Array, lo: Float64Array, n: number): number {
  const d = Float64Array.from(hi, (v, i) => v - lo[i]!);
  const scale = Math.max(...Array.from(hi, Math.abs));
  return symmetricEigen(d, n).values[0]! / scale;
}

function expectOrdered(chain: Float64Array[], n: number): void {
  for (let k = 0; k + 1 < chain.length; k++)
    expect(loewnerGap(chain[k + 1]!, chain[k]!, n)).toBeGreaterThan(-1e-12);
}

const model = (specs: PortfolioSpec[], up: number, down: number): CoupledMultiAssetModel => ({
  names: ['calm', 'storm'],
  generatorPerSec: [
    [-up, up],
    [down, -down],
  ],
  params: specs.map(problemOf),
});

describe('switching between calm and storm: values between the regimes own', () => {
  it('the parameters are Loewner ordered (precondition: 9 C_s - C_c > 0, Dm_s < Dm_c)', () => {
    const [calm, storm] = [calmSpec, stormSpec].map(
      (s) => multiAssetRiccati(problemOf(s)).prepared,
    );
    expect(loewnerGap(storm!.phi, calm!.phi, 4)).toBeGreaterThan(0);
    storm!.liquidity.forEach((d, i) => {
      expect(d).toBeLessThan(calm!.liquidity[i]!);
    });
  });

  it('stationary: Gamma_c/2 <= A_c <= A_s <= Gamma_s/2, strictly moved, with ordered skews', () => {
    const sol = solveCoupledMultiAssetStationary(model([calmSpec, stormSpec], 0.05, 0.2));
    const ownCalm = multiAssetRiccati(problemOf(calmSpec)).valueMatrixAt(Infinity);
    const ownStorm = multiAssetRiccati(problemOf(stormSpec)).valueMatrixAt(Infinity);
    const [calm, storm] = sol.solutions;
    expectOrdered([ownCalm, calm!.valueMatrix, storm!.valueMatrix, ownStorm], 4);
    // The coupling matters: the calm regime's diagonal moves by several percent.
    expect(calm!.valueMatrix[0]! / ownCalm[0]!).toBeGreaterThan(1.05);
    const spread = (s: typeof calm) => {
      const q = quotesFor(s!, [0, 0, 0, 0], createMultiAssetQuotes(s!));
      return q.bidDeltaPrice.map((b, v) => b + q.askDeltaPrice[v]!);
    };
    const calmSpread = spread(calm);
    const stormSpread = spread(storm);
    for (let i = 0; i < 4; i++) {
      const own = (a: Float64Array) => 2 * a[i * 4 + i]! * calmSpec.lotSize[i]!;
      expect(calm!.skewPerLot[i * 4 + i]!).toBeGreaterThan(own(ownCalm));
      expect(storm!.skewPerLot[i * 4 + i]!).toBeGreaterThan(calm!.skewPerLot[i * 4 + i]!);
      expect(storm!.skewPerLot[i * 4 + i]!).toBeLessThan(own(ownStorm));
    }
    calmSpread.forEach((s, v) => {
      expect(stormSpread[v]!).toBeGreaterThan(s);
    });
  });

  it('finite horizon: A_c^own(tau) <= A_c(tau) <= A_s(tau) <= A_s^own(tau) at every tau', () => {
    const taus = [0.5, 3, 20, 200];
    const sol = solveCoupledMultiAssetFiniteHorizon(model([calmSpec, stormSpec], 0.3, 0.6), {
      tauSec: taus,
    });
    const ownCalm = multiAssetRiccati(problemOf(calmSpec));
    const ownStorm = multiAssetRiccati(problemOf(stormSpec));
    taus.forEach((tau, j) => {
      const [calm, storm] = sol.solutions[j]!;
      expectOrdered(
        [
          ownCalm.valueMatrixAt(tau),
          calm!.valueMatrix,
          storm!.valueMatrix,
          ownStorm.valueMatrixAt(tau),
        ],
        4,
      );
    });
  });

  it('property: random ordered calm/storm pairs and rates keep the stationary order', () => {
    const spec = fc.record({
      n: fc.integer({ min: 1, max: 3 }),
      rho: fc.double({ min: -0.4, max: 0.9, noNaN: true }),
      sigmaUp: fc.double({ min: 1, max: 5, noNaN: true }),
      liquidityDown: fc.double({ min: 0.1, max: 1, noNaN: true }),
      up: fc.double({ min: 1e-3, max: 5, noNaN: true }),
      down: fc.double({ min: 1e-3, max: 5, noNaN: true }),
    });
    fc.assert(
      fc.property(spec, ({ n, rho, sigmaUp, liquidityDown, up, down }) => {
        const calm = portfolioSpec(n, { sigmaScale: 1, aScale: 1, rho, gamma: 0.2 });
        calm.rho = uniformCorrelation(n, n > 1 ? Math.max(rho, -1 / (n - 1) + 0.05) : 0);
        const storm: PortfolioSpec = {
          ...calm,
          sigma: calm.sigma.map((s) => s * sigmaUp),
          venues: calm.venues.map((vs) => vs.map(([a, k]) => [a * liquidityDown, k] as const)),
        };
        expect(dmOf(storm).every((d, i) => d <= dmOf(calm)[i]!)).toBe(true);
        const sol = solveCoupledMultiAssetStationary(model([calm, storm], up, down));
        expect(sol.residual).toBeLessThan(1e-12);
        const own = [calm, storm].map((s) =>
          multiAssetRiccati(problemOf(s)).valueMatrixAt(Infinity),
        );
        expectOrdered([own[0]!, ...sol.solutions.map((s) => s.valueMatrix), own[1]!], n);
      }),
      { numRuns: 60, seed: 20240611 },
    );
  });
});
