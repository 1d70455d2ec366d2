import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BookAwareIntensity,
  ExponentialIntensity,
  glftC,
  type HjbProblem,
  solveFiniteHorizon,
  solveStationary,
  solveStationaryExponential,
} from '../src/index.js';
import { expm, matVec } from './reference/denseExpm.js';
import { rk4Values } from './reference/rk4Reference.js';

function expProblem(p: {
  qMax: number;
  A: number;
  k: number;
  xi?: number;
  phi: number;
  mu?: number;
  alpha?: number;
  aAsk?: number;
}): HjbProblem {
  return {
    qMax: p.qMax,
    bid: new ExponentialIntensity({ aPerSec: p.A, kPerPrice: p.k, xi: p.xi ?? 0 }),
    ask: new ExponentialIntensity({ aPerSec: p.aAsk ?? p.A, kPerPrice: p.k, xi: p.xi ?? 0 }),
    phiPerLot2Sec: p.phi,
    muPerLotSec: p.mu ?? 0,
    terminal: { alphaPerLot2: p.alpha ?? 0, liquidationCostPerLot: 0 },
  };
}

/**
 * Independent solution of the exponential model (docs/math.md §4.1): w = exp(k h) solves dw/dtau = M w,
 * M tridiagonal with diagonal k (mu q - phi q^2) and off-diagonals A C_xi; w(tau) = expm(M tau) w(0).
 */
function expmValues(p: Parameters<typeof expProblem>[0], tau: number): number[] {
  const n = 2 * p.qMax + 1;
  const c = glftC(p.xi ?? 0, p.k);
  const M = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      const q = i - p.qMax;
      if (i === j) return p.k * ((p.mu ?? 0) * q - p.phi * q * q);
      if (j === i + 1) return p.A * c;
      if (j === i - 1) return (p.aAsk ?? p.A) * c;
      return 0;
    }),
  );
  const w0 = Array.from({ length: n }, (_, i) =>
    Math.exp(-p.k * (p.alpha ?? 0) * (i - p.qMax) ** 2),
  );
  const w = matVec(expm(M.map((r) => r.map((v) => v * tau))), w0);
  return w.map((v) => Math.log(v) / p.k);
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

describe('finite horizon, exponential model, against the dense Pade matrix exponential', () => {
  const cases = [
    {
      name: 'Cartea-Jaimungal (xi = 0) with drift and terminal penalty',
      p: { qMax: 10, A: 2, k: 1.5, phi: 0.01, mu: 0.02, alpha: 0.05 },
      T: 5,
    },
    { name: 'GLFT model A (xi = gamma)', p: { qMax: 8, A: 1.2, k: 0.8, xi: 0.3, phi: 0.02 }, T: 3 },
    {
      name: 'asymmetric intensities',
      p: { qMax: 6, A: 1.5, aAsk: 0.7, k: 2, phi: 0.05, mu: -0.03 },
      T: 10,
    },
  ];
  for (const { name, p, T } of cases) {
    it(`${name}: h and quotes to 1e-9 relative`, () => {
      const problem = expProblem(p);
      const sol = solveFiniteHorizon(problem, { horizonSec: T, outputSteps: 4 });
      for (const [j, t] of [
        [0, 0],
        [2, T / 2],
      ] as const) {
        const ref = expmValues(p, T - t);
        const table = sol.tables[j]!;
        expect(sol.timesSec[j]).toBeCloseTo(t, 12);
        expect(maxRelDiff(table.h, ref)).toBeLessThan(1e-9);
        // Quotes from the reference: d_b = static - (h(q+1) - h(q)).
        const n = ref.length;
        const staticDelta = (problem.bid as ExponentialIntensity).staticDelta;
        const refBid = ref.slice(0, n - 1).map((h, i) => staticDelta - (ref[i + 1]! - h));
        expect(maxRelDiff(table.bidDelta.slice(0, n - 1), refBid)).toBeLessThan(1e-9);
      }
    });
  }
});

describe('finite horizon, book-aware model, against a fine-step RK4 reference', () => {
  const mid = 100;
  const mk = (side: 'bid' | 'ask') =>
    new BookAwareIntensity({
      side,
      lambda0PerSec: 1,
      betaPerPrice: (0.1 * 1e4) / mid, // the seed's 0.1 per bps at mid 100
      halfSpreadPrice: 0.05,
      imbalance: 0.6,
    });
  it('agrees to 1e-6 relative (drift, penalty, terminal liquidation cost)', () => {
    const problem: HjbProblem = {
      qMax: 8,
      bid: mk('bid'),
      ask: mk('ask'),
      phiPerLot2Sec: 0.001,
      muPerLotSec: 0.002,
      terminal: { alphaPerLot2: 0.001, liquidationCostPerLot: 0.06 },
    };
    const sol = solveFiniteHorizon(problem, { horizonSec: 20 });
    const ref = rk4Values(
      {
        qMax: 8,
        bid: problem.bid,
        ask: problem.ask,
        phi: 0.001,
        mu: 0.002,
        alpha: 0.001,
        liquidationCost: 0.06,
      },
      20,
      4000,
    );
    expect(maxRelDiff(sol.tables[0]!.h, ref)).toBeLessThan(1e-6);
  });
});

describe('stationary solutions', () => {
  const glft = {
    qMax: 30,
    A: 2.986162360812285,
    k: 0.04235741115084049,
    xi: 0.05,
    phi: (0.05 * 10.69 ** 2) / 2,
  };
  it('Newton (Howard) and the Perron eigenvector agree: two independent methods', () => {
    const cases: Parameters<typeof expProblem>[0][] = [
      glft,
      { ...glft, mu: 0.4 },
      { qMax: 12, A: 1.5, aAsk: 0.9, k: 2, phi: 0.05, mu: -0.03 },
    ];
    for (const p of cases) {
      const problem = expProblem(p);
      // Newton from the closed-form quadratic h = -(c2/2) q^2, c2/2 = sqrt(phi/(4 k A C_xi))
      // (Gueant's approximation), so that it owes nothing to the eigenvector.
      const s = Math.sqrt(p.phi / (4 * p.k * p.A * glftC(p.xi ?? 0, p.k)));
      const start = Float64Array.from({ length: 2 * p.qMax + 1 }, (_, i) => -s * (i - p.qMax) ** 2);
      const a = solveStationary(problem, { initialH: start });
      const b = solveStationaryExponential(problem);
      expect(a.iterations).toBeGreaterThan(3);
      expect(Math.abs(a.valuePerSec - b.valuePerSec) / Math.abs(b.valuePerSec)).toBeLessThan(1e-12);
      expect(maxRelDiff(a.table.h, b.table.h)).toBeLessThan(1e-10);
      expect(maxRelDiff(a.table.askDelta.slice(1), b.table.askDelta.slice(1))).toBeLessThan(1e-10);
    }
  });

  it('the Perron solution does not underflow on a wide grid (qMax = 500)', () => {
    const sol = solveStationaryExponential(expProblem({ ...glft, qMax: 500 }));
    expect(sol.table.h.every(Number.isFinite)).toBe(true);
    expect(sol.table.bidDelta[1000]).toBeNaN();
  });

  it('a long finite horizon tends to the stationary quotes', () => {
    const problem = expProblem({ ...glft, qMax: 10 });
    const stat = solveStationary(problem);
    const fin = solveFiniteHorizon(problem, { horizonSec: 2000 });
    const mid = problem.qMax;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    for (const i of [0, mid - 5, mid, mid + 5]) {
      if (i > 0)
        expect(rel(fin.tables[0]!.askDelta[i]!, stat.table.askDelta[i]!)).toBeLessThan(1e-8);
    }
    // Shorter horizons are further from the stationary quotes.
    const short = solveFiniteHorizon(problem, { horizonSec: 0.5 });
    expect(rel(short.tables[0]!.bidDelta[mid + 5]!, stat.table.bidDelta[mid + 5]!)).toBeGreaterThan(
      1e-3,
    );
  });

  it('book-aware stationary: Newton converges and satisfies the equation', () => {
    const problem: HjbProblem = {
      qMax: 15,
      bid: new BookAwareIntensity({
        side: 'bid',
        lambda0PerSec: 1,
        betaPerPrice: 10,
        halfSpreadPrice: 0.05,
        imbalance: 0.3,
      }),
      ask: new BookAwareIntensity({
        side: 'ask',
        lambda0PerSec: 1,
        betaPerPrice: 10,
        halfSpreadPrice: 0.05,
        imbalance: 0.3,
      }),
      phiPerLot2Sec: 0.0005,
      muPerLotSec: 0,
    };
    const { table, valuePerSec: g } = solveStationary(problem);
    const h = table.h;
    for (let i = 0; i < h.length; i++) {
      const q = i - 15;
      let v = -0.0005 * q * q;
      if (i < h.length - 1) v += problem.bid.hamiltonian(h[i + 1]! - h[i]!);
      if (i > 0) v += problem.ask.hamiltonian(h[i - 1]! - h[i]!);
      expect(Math.abs(v - g)).toBeLessThan(1e-12);
    }
  });
});

describe('structure of the optimal quotes', () => {
  const base = { qMax: 10, A: 1.5, k: 1.2, phi: 0.02 };
  it('drift skews quotes in its direction: upward drift tightens the bid, widens the ask', () => {
    const up = solveStationary(expProblem({ ...base, mu: 0.05 })).table;
    const down = solveStationary(expProblem({ ...base, mu: -0.05 })).table;
    expect(up.bidDelta[10]!).toBeLessThan(up.askDelta[10]!);
    expect(down.bidDelta[10]!).toBeGreaterThan(down.askDelta[10]!);
  });

  it('no bid at +qMax, no ask at -qMax, both sides elsewhere', () => {
    const t = solveFiniteHorizon(expProblem(base), { horizonSec: 10 }).tables[0]!;
    expect(t.bidDelta[20]).toBeNaN();
    expect(t.askDelta[0]).toBeNaN();
    for (let i = 1; i < 20; i++) {
      expect(Number.isFinite(t.bidDelta[i]!)).toBe(true);
      expect(Number.isFinite(t.askDelta[i]!)).toBe(true);
    }
  });

  it('taker QVI: trades only near the limits, on the reducing side, and the constraints hold', () => {
    const problem: HjbProblem = {
      ...expProblem({ ...base, phi: 0.2 }),
      taker: { buyCostPerLot: 0.8, sellCostPerLot: 0.8 },
    };
    for (const table of [
      solveStationary(problem).table,
      solveFiniteHorizon(problem, { horizonSec: 50 }).tables[0]!,
    ]) {
      const { h, take } = table;
      expect(take[10]).toBe(0);
      expect(take[20]).toBe(-1); // long at the limit: sell
      expect(take[0]).toBe(1); // short at the limit: buy
      for (let i = 0; i <= 20; i++) {
        if (i > 10) expect(take[i]).not.toBe(1);
        if (i < 10) expect(take[i]).not.toBe(-1);
        if (i < 20) expect(h[i]!).toBeGreaterThanOrEqual(h[i + 1]! - 0.8 - 1e-9);
        if (i > 0) expect(h[i]!).toBeGreaterThanOrEqual(h[i - 1]! - 0.8 - 1e-9);
      }
    }
  });

  it('stationary taker QVI: Newton agrees with a long finite horizon', () => {
    const problem: HjbProblem = {
      ...expProblem({ ...base, phi: 0.2 }),
      taker: { buyCostPerLot: 0.8, sellCostPerLot: 0.8 },
    };
    const stat = solveStationary(problem).table;
    const fin = solveFiniteHorizon(problem, { horizonSec: 3000 }).tables[0]!;
    const rel = (x: Float64Array) => Array.from(x, (v) => v - x[10]!);
    expect(maxRelDiff(rel(fin.h), rel(stat.h))).toBeLessThan(1e-6);
    expect(Array.from(fin.take)).toEqual(Array.from(stat.take));
  });
});

describe('properties (fast-check)', () => {
  const params = fc.record({
    qMax: fc.integer({ min: 1, max: 25 }),
    A: fc.double({ min: 0.1, max: 10, noNaN: true }),
    k: fc.double({ min: 0.1, max: 5, noNaN: true }),
    phi: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
    xi: fc.constantFrom(0, 0.1, 1),
  });
  const spread0 = (p: Parameters<typeof expProblem>[0]) => {
    const t = solveStationary(expProblem(p)).table;
    return t.bidDelta[p.qMax]! + t.askDelta[p.qMax]!;
  };

  it('q -> -q symmetry without drift: bid(q) = ask(-q), h(q) = h(-q)', () => {
    fc.assert(
      fc.property(params, (p) => {
        const t = solveStationary(expProblem(p)).table;
        const n = 2 * p.qMax + 1;
        for (let i = 0; i < n; i++) {
          const j = n - 1 - i;
          expect(Math.abs(t.h[i]! - t.h[j]!)).toBeLessThan(1e-9 * (1 + Math.abs(t.h[i]!)));
          if (i < n - 1)
            expect(Math.abs(t.bidDelta[i]! - t.askDelta[j]!)).toBeLessThan(
              1e-9 * (1 + Math.abs(t.bidDelta[i]!)),
            );
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the spread at q = 0 grows with phi (sigma^2) and falls with A and k', () => {
    fc.assert(
      fc.property(params, fc.double({ min: 1.1, max: 3, noNaN: true }), (p, f) => {
        const p1 = { ...p, qMax: Math.max(p.qMax, 2) };
        const s = spread0(p1);
        expect(spread0({ ...p1, phi: p1.phi * f })).toBeGreaterThan(s);
        expect(spread0({ ...p1, A: p1.A * f })).toBeLessThan(s);
        expect(spread0({ ...p1, k: p1.k * f })).toBeLessThan(s);
      }),
      { numRuns: 30 },
    );
  });

  it('the finite horizon tends to the stationary solution as T grows', () => {
    // Rates bounded below so that T = 400 s spans many relaxation times (the spectral gap of M).
    const fastParams = fc.record({
      qMax: fc.integer({ min: 1, max: 8 }),
      A: fc.double({ min: 1, max: 10, noNaN: true }),
      k: fc.double({ min: 0.5, max: 5, noNaN: true }),
      phi: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
      xi: fc.constantFrom(0, 0.1, 1),
    });
    fc.assert(
      fc.property(fastParams, (p) => {
        const problem = expProblem({ ...p, qMax: Math.min(p.qMax, 8) });
        const stat = solveStationary(problem).table;
        const gap = (T: number) => {
          const t = solveFiniteHorizon(problem, { horizonSec: T }).tables[0]!;
          let m = 0;
          for (let i = 1; i < t.h.length; i++)
            m = Math.max(m, Math.abs(t.askDelta[i]! - stat.askDelta[i]!));
          return m;
        };
        const g1 = gap(1);
        const g2 = gap(400);
        expect(g2).toBeLessThanOrEqual(g1 + 1e-9);
        expect(g2).toBeLessThan(1e-4);
      }),
      { numRuns: 20 },
    );
  });
});

describe('bad input', () => {
  const ok = expProblem({ qMax: 3, A: 1, k: 1, phi: 0.1 });
  it('names the field', () => {
    expect(() => solveStationary({ ...ok, qMax: 0 })).toThrow(/qMax/);
    expect(() => solveStationary({ ...ok, phiPerLot2Sec: -1 })).toThrow(/phiPerLot2Sec/);
    expect(() => solveFiniteHorizon(ok, { horizonSec: Number.NaN })).toThrow(/horizonSec/);
    expect(() => new ExponentialIntensity({ aPerSec: -1, kPerPrice: 1 })).toThrow(/aPerSec/);
    expect(() =>
      solveStationary({ ...ok, taker: { buyCostPerLot: 0, sellCostPerLot: 1 } }),
    ).toThrow(/buyCostPerLot/);
  });
});
