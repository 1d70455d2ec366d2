import {
  BookAwareIntensity,
  ExponentialIntensity,
  type HjbProblem,
  type QuoteTable,
  solveFiniteHorizon,
  solveStationary,
} from '@mm/hjb-core';
import { describe, expect, it } from 'vitest';
import {
  type RegimeCoupledProblem,
  solveCoupledFiniteHorizon,
  solveCoupledStationary,
} from '../src/index.js';
import { coupledResidual, coupledRk4 } from './reference/coupledRk4.js';

function expRegime(
  p: { A: number; k: number; phi: number; mu?: number; xi?: number },
  qMax = 8,
): HjbProblem {
  const intensity = { aPerSec: p.A, kPerPrice: p.k, xi: p.xi ?? 0 };
  return {
    qMax,
    bid: new ExponentialIntensity(intensity),
    ask: new ExponentialIntensity(intensity),
    phiPerLot2Sec: p.phi,
    muPerLotSec: p.mu ?? 0,
    terminal: { alphaPerLot2: 0.02, liquidationCostPerLot: 0 },
  };
}

/**
 * Calm: more fills, small penalty; storm: half the fill rate and 16x the penalty (sigma x 4).
 * Same k, so the static part of the quotes (1/k) is the same and only the inventory skew moves;
 * `wideStorm` also has a smaller k (fills further out), moving the static part as well.
 */
const calm = expRegime({ A: 2, k: 1.5, phi: 0.005 });
const storm = expRegime({ A: 1, k: 1.5, phi: 0.08 });
const wideStorm = expRegime({ A: 1, k: 1, phi: 0.08 });
const bookAware: HjbProblem = {
  qMax: 8,
  bid: new BookAwareIntensity({
    side: 'bid',
    lambda0PerSec: 1,
    betaPerPrice: 1.2,
    halfSpreadPrice: 0.2,
    imbalance: 0.4,
  }),
  ask: new BookAwareIntensity({
    side: 'ask',
    lambda0PerSec: 1,
    betaPerPrice: 1.2,
    halfSpreadPrice: 0.2,
    imbalance: 0.4,
  }),
  phiPerLot2Sec: 0.02,
  muPerLotSec: 0.01,
};
const switching = (up: number, down: number) => [
  [-up, up],
  [down, -down],
];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
}

const maxAbs = (a: ArrayLike<number>) => Math.max(...Array.from(a, Math.abs));

describe('regime-coupled HJB with G = 0 is each regime on its own (hjb-core)', () => {
  const coupled: RegimeCoupledProblem = {
    problems: [calm, storm, bookAware],
    generatorPerSec: [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ],
  };

  it('finite horizon: values agree with solveFiniteHorizon to 1e-8 relative', () => {
    // Both integrators at 1e-11 so that their own errors stay well below the 1e-8 compared.
    const tol = { relTol: 1e-11, absTol: 1e-11 };
    const mine = solveCoupledFiniteHorizon(coupled, { horizonSec: 20, outputSteps: 2, ...tol });
    coupled.problems.forEach((p, r) => {
      const own = solveFiniteHorizon(p, { horizonSec: 20, outputSteps: 2, ...tol });
      for (let j = 0; j <= 2; j++) {
        const a = mine.tables[j]![r]!;
        const b = own.tables[j]!;
        expect(maxAbsDiff(a.h, b.h)).toBeLessThan(1e-8 * (1 + maxAbs(b.h)));
        expect(maxAbsDiff(a.bidDelta, b.bidDelta)).toBeLessThan(1e-8);
        expect(maxAbsDiff(a.askDelta, b.askDelta)).toBeLessThan(1e-8);
      }
    });
  });

  it('stationary: values and g agree with solveStationary to 1e-8 (our Newton from h = 0)', () => {
    const levels = 2 * calm.qMax + 1;
    const mine = solveCoupledStationary(coupled, {
      initialH: coupled.problems.map(() => new Float64Array(levels)),
    });
    coupled.problems.forEach((p, r) => {
      const own = solveStationary(p);
      expect(Math.abs(mine.valuePerSec[r]! - own.valuePerSec)).toBeLessThan(
        1e-8 * (1 + Math.abs(own.valuePerSec)),
      );
      expect(maxAbsDiff(mine.tables[r]!.h, own.table.h)).toBeLessThan(
        1e-8 * (1 + maxAbs(own.table.h)),
      );
      expect(maxAbsDiff(mine.tables[r]!.bidDelta, own.table.bidDelta)).toBeLessThan(1e-8);
    });
  });
});

describe('regime-coupled HJB with switching', () => {
  const coupled: RegimeCoupledProblem = {
    problems: [calm, storm],
    generatorPerSec: switching(0.05, 0.2),
  };

  it('finite horizon agrees with an independent RK4 on the coupled equations (1e-8)', () => {
    const small: RegimeCoupledProblem = {
      problems: [
        expRegime({ A: 2, k: 1.5, phi: 0.005, mu: 0.01 }, 4),
        expRegime({ A: 1, k: 1, phi: 0.08, xi: 0.2 }, 4), // GLFT model A gain
      ],
      generatorPerSec: switching(0.3, 0.7),
    };
    const mine = solveCoupledFiniteHorizon(small, { horizonSec: 5 }).tables[0]!;
    const ref = coupledRk4(small.problems, small.generatorPerSec, 5, 4000);
    mine.forEach((t, r) => {
      expect(maxAbsDiff(t.h, ref[r]!)).toBeLessThan(1e-8 * (1 + maxAbs(ref[r]!)));
    });
  });

  it('identical regimes: switching changes nothing', () => {
    const twin: RegimeCoupledProblem = {
      problems: [calm, calm],
      generatorPerSec: switching(0.4, 1.3),
    };
    const fh = solveCoupledFiniteHorizon(twin, { horizonSec: 20 }).tables[0]!;
    const own = solveFiniteHorizon(calm, { horizonSec: 20 }).tables[0]!;
    const st = solveCoupledStationary(twin);
    const ownSt = solveStationary(calm);
    for (let r = 0; r < 2; r++) {
      expect(maxAbsDiff(fh[r]!.h, own.h)).toBeLessThan(1e-8 * (1 + maxAbs(own.h)));
      expect(maxAbsDiff(st.tables[r]!.h, ownSt.table.h)).toBeLessThan(1e-9);
      expect(st.valuePerSec[r]).toBeCloseTo(ownSt.valuePerSec, 10);
    }
  });

  /** Each regime's coupled quotes lie between the calm and the storm regimes' own quotes. */
  function expectBetween(mine: QuoteTable[], ownCalm: QuoteTable, ownStorm: QuoteTable): void {
    for (const t of mine) {
      for (const side of ['bidDelta', 'askDelta'] as const) {
        for (let i = 0; i < t[side].length; i++) {
          const v = t[side][i]!;
          if (Number.isNaN(v)) continue;
          const lo = Math.min(ownCalm[side][i]!, ownStorm[side][i]!);
          const hi = Math.max(ownCalm[side][i]!, ownStorm[side][i]!);
          expect(v).toBeGreaterThanOrEqual(lo - 1e-9);
          expect(v).toBeLessThanOrEqual(hi + 1e-9);
        }
      }
    }
  }

  /** `h(q + 1) - h(q)` per level: the marginal value of a lot, price units. */
  const marginal = (h: ArrayLike<number>) =>
    Array.from({ length: h.length - 1 }, (_, i) => h[i + 1]! - h[i]!);

  it('different k: the static part differs, but the marginal values lie between the own ones', () => {
    const st = solveCoupledStationary({
      problems: [calm, wideStorm],
      generatorPerSec: switching(0.05, 0.2),
    });
    const own = [solveStationary(calm).table.h, solveStationary(wideStorm).table.h].map(marginal);
    for (const t of st.tables) {
      marginal(t.h).forEach((p, i) => {
        expect(p).toBeGreaterThanOrEqual(Math.min(own[0]![i]!, own[1]![i]!) - 1e-9);
        expect(p).toBeLessThanOrEqual(Math.max(own[0]![i]!, own[1]![i]!) + 1e-9);
      });
    }
  });

  it('finite horizon: quotes per level lie between the regimes’ own, and move towards the other', () => {
    const mine = solveCoupledFiniteHorizon(coupled, { horizonSec: 60 }).tables[0]!;
    const ownCalm = solveFiniteHorizon(calm, { horizonSec: 60 }).tables[0]!;
    const ownStorm = solveFiniteHorizon(storm, { horizonSec: 60 }).tables[0]!;
    expectBetween(mine, ownCalm, ownStorm);
    // At q = +4 the storm skews the ask in harder: the calm regime's ask moves that way.
    const i = calm.qMax + 4;
    expect(mine[0]!.askDelta[i]!).not.toBeCloseTo(ownCalm.askDelta[i]!, 4);
  });

  it('stationary: quotes between the regimes’ own, one common g between theirs, equations hold', () => {
    const st = solveCoupledStationary(coupled);
    const ownCalm = solveStationary(calm);
    const ownStorm = solveStationary(storm);
    expectBetween(st.tables, ownCalm.table, ownStorm.table);
    expect(st.valuePerSec[0]).toBe(st.valuePerSec[1]);
    expect(st.valuePerSec[0]!).toBeLessThan(ownCalm.valuePerSec);
    expect(st.valuePerSec[0]!).toBeGreaterThan(ownStorm.valuePerSec);
    expect(st.tables[0]!.h[calm.qMax]).toBe(0);
    // The coupled stationary equations, evaluated independently: F_r(h_r) + coupling = g.
    const res = coupledResidual(
      coupled.problems,
      coupled.generatorPerSec,
      st.tables.map((t) => Array.from(t.h)),
    );
    for (const row of res)
      for (const v of row) expect(Math.abs(v - st.valuePerSec[0]!)).toBeLessThan(1e-10);
  });

  it('a long horizon tends to the stationary coupled solution', () => {
    const T = 1500;
    const fh = solveCoupledFiniteHorizon(coupled, { horizonSec: T, outputSteps: 150 });
    const st = solveCoupledStationary(coupled);
    const at0 = fh.tables[0]!;
    const at10 = fh.tables[1]!; // t = 10 s
    const level0 = calm.qMax;
    const shift = at0[0]!.h[level0]!;
    for (let r = 0; r < 2; r++) {
      const rel = Float64Array.from(at0[r]!.h, (v) => v - shift);
      expect(maxAbsDiff(rel, st.tables[r]!.h)).toBeLessThan(1e-6);
      expect(maxAbsDiff(at0[r]!.bidDelta, st.tables[r]!.bidDelta)).toBeLessThan(1e-6);
      expect(maxAbsDiff(at0[r]!.askDelta, st.tables[r]!.askDelta)).toBeLessThan(1e-6);
      // h(t) - h(t + 10) = 10 g once the transient has died out.
      expect((at0[r]!.h[level0]! - at10[r]!.h[level0]!) / 10).toBeCloseTo(st.valuePerSec[r]!, 6);
    }
  });

  it('one-way switching (a transient regime) has one g, that of the absorbing regime', () => {
    const st = solveCoupledStationary({
      problems: [calm, storm],
      generatorPerSec: switching(0.1, 0),
    });
    const ownStorm = solveStationary(storm);
    expect(st.valuePerSec[0]).toBeCloseTo(ownStorm.valuePerSec, 10);
    expect(maxAbsDiff(st.tables[1]!.bidDelta, ownStorm.table.bidDelta)).toBeLessThan(1e-9);
  });
});

describe('coupled problem validation', () => {
  it('names the field', () => {
    const bad = (coupled: RegimeCoupledProblem) => () => solveCoupledStationary(coupled);
    expect(
      bad({
        problems: [calm, expRegime({ A: 1, k: 1, phi: 0.1 }, 5)],
        generatorPerSec: switching(1, 1),
      }),
    ).toThrow(/problems\[1\]\.qMax/);
    expect(
      bad({
        problems: [calm, storm],
        generatorPerSec: [
          [-1, 1],
          [-1, 1],
        ],
      }),
    ).toThrow(/generatorPerSec\[1\]\[0\]/);
    expect(
      bad({
        problems: [calm, { ...storm, taker: { buyCostPerLot: 1, sellCostPerLot: 1 } }],
        generatorPerSec: switching(1, 1),
      }),
    ).toThrow(/problems\[1\]\.taker/);
    expect(
      bad({ problems: [calm, { ...storm, phiPerLot2Sec: -1 }], generatorPerSec: switching(1, 1) }),
    ).toThrow(/problems\[1\]\.phiPerLot2Sec/);
  });
});
