import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generatorFromTransition,
  MatrixExponential,
  matrixLogarithm,
  regimeClasses,
  stationaryDistribution,
} from '../src/index.js';
import { BandedMMatrixLu } from '../src/linalg/BandedMMatrixLu.js';
import { flatten } from '../src/linalg/smallMatrix.js';

/** Test-only reference: Taylor series with scaling and squaring, in nested arrays. */
function taylorExpm(a: number[][], t: number): number[][] {
  const norm = Math.max(...a.map((row) => row.reduce((s, v) => s + Math.abs(v * t), 0)));
  const s = Math.max(0, Math.ceil(Math.log2(norm * 8)));
  const x = a.map((row) => row.map((v) => (v * t) / 2 ** s));
  const mul = (p: number[][], q: number[][]) =>
    p.map((row) => q[0]!.map((_, j) => row.reduce((acc, v, k) => acc + v * q[k]![j]!, 0)));
  let term: number[][] = a.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
  let sum = term.map((row) => row.slice());
  for (let k = 1; k <= 30; k++) {
    term = mul(term, x).map((row) => row.map((v) => v / k));
    sum = sum.map((row, i) => row.map((v, j) => v + term[i]![j]!));
  }
  for (let k = 0; k < s; k++) sum = mul(sum, sum);
  return sum;
}

const generatorArb = (n: number) =>
  fc
    .array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: n * n, maxLength: n * n })
    .map((v) =>
      Array.from({ length: n }, (_, i) => {
        // Rates are 0 or at least 1e-9 per second (no subnormal rates).
        const row = Array.from({ length: n }, (_, j) =>
          i === j || v[i * n + j]! < 1e-9 ? 0 : v[i * n + j]!,
        );
        row[i] = -row.reduce((s, x) => s + x, 0);
        return row;
      }),
    );

describe('matrix exponential of a generator', () => {
  const expm = new MatrixExponential(2);
  it('two regimes: P(dt) = Pi + exp(-(a + b) dt) (I - Pi), exact', () => {
    for (const [a, b, dt] of [
      [0.002, 0.01, 1],
      [3, 0.5, 7],
      [1e-9, 2e-9, 0.1],
      [40, 25, 3],
    ] as const) {
      const P = expm.compute([-a, a, b, -b], dt, new Float64Array(4));
      const e = Math.exp(-(a + b) * dt);
      const pi = [b / (a + b), a / (a + b)];
      const want = [pi[0]! + e * pi[1]!, pi[1]! * (1 - e), pi[0]! * (1 - e), pi[1]! + e * pi[0]!];
      want.forEach((w, k) => {
        expect(Math.abs(P[k]! - w)).toBeLessThan(1e-15 + 1e-13 * w);
      });
    }
  });

  it('three regimes with equal rates: P = Pi + exp(-3 l dt) (I - Pi)', () => {
    const l = 0.7;
    const G = [
      [-2 * l, l, l],
      [l, -2 * l, l],
      [l, l, -2 * l],
    ];
    const P = new MatrixExponential(3).compute(flatten(G), 2.5, new Float64Array(9));
    const e = Math.exp(-3 * l * 2.5);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        expect(P[i * 3 + j]).toBeCloseTo(1 / 3 + e * ((i === j ? 1 : 0) - 1 / 3), 14);
  });

  it('property: stochastic, semigroup, and equal to a Taylor-series reference', () => {
    const e3 = new MatrixExponential(3);
    fc.assert(
      fc.property(
        generatorArb(3),
        fc.double({ min: 1e-3, max: 20, noNaN: true }),
        fc.double({ min: 1e-3, max: 20, noNaN: true }),
        (G, s, t) => {
          const g = flatten(G);
          const Ps = e3.compute(g, s, new Float64Array(9));
          const Pt = e3.compute(g, t, new Float64Array(9));
          const Pst = e3.compute(g, s + t, new Float64Array(9));
          const ref = taylorExpm(G, t);
          for (let i = 0; i < 3; i++) {
            let rowSum = 0;
            for (let j = 0; j < 3; j++) {
              const pij = Pt[i * 3 + j]!;
              rowSum += pij;
              expect(pij).toBeGreaterThanOrEqual(-1e-14);
              // Both sides square up to ~11 times (|G| t up to ~200): rounding grows like 2^s eps.
              expect(Math.abs(pij - ref[i]![j]!)).toBeLessThan(1e-10);
              let prod = 0;
              for (let k = 0; k < 3; k++) prod += Ps[i * 3 + k]! * Pt[k * 3 + j]!;
              expect(Math.abs(prod - Pst[i * 3 + j]!)).toBeLessThan(1e-10);
            }
            expect(Math.abs(rowSum - 1)).toBeLessThan(1e-12);
          }
        },
      ),
    );
  });

  it('property: the logarithm inverts it, and the generator is read back from P(dt)', () => {
    fc.assert(
      fc.property(generatorArb(3), fc.double({ min: 0.01, max: 1, noNaN: true }), (G, frac) => {
        // The principal logarithm returns G dt only while |Im(eig(G)) dt| < pi. Gershgorin puts
        // the eigenvalues in |z + m| <= m (m the largest exit rate), so dt <= 1/m is safe; beyond
        // it P(dt) is genuinely compatible with other generators.
        const m = Math.max(...G.map((row, i) => -row[i]!));
        const dt = m > 0 ? frac / m : frac;
        const P = new MatrixExponential(3).compute(flatten(G), dt, new Float64Array(9));
        const L = matrixLogarithm(P, 3);
        const est = generatorFromTransition(P, 3, dt);
        expect(est.embeddable).toBe(true);
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++) {
            expect(Math.abs(L[i * 3 + j]! - G[i]![j]! * dt)).toBeLessThan(1e-10);
            expect(Math.abs(est.generatorPerSec[i]![j]! - G[i]![j]!)).toBeLessThan(1e-9);
          }
      }),
    );
  });

  it('a transition matrix without a generator is projected and flagged', () => {
    // Alternating every step: eigenvalue -0.8, no real logarithm.
    const est = generatorFromTransition([0.1, 0.9, 0.9, 0.1], 2, 1);
    expect(est.embeddable).toBe(false);
    est.generatorPerSec.forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
      row.forEach((v, j) => {
        if (i !== j) expect(v).toBeGreaterThanOrEqual(0);
      });
    });
  });
});

describe('generator structure', () => {
  it('stationary distribution solves pi G = 0', () => {
    fc.assert(
      fc.property(generatorArb(3), (G) => {
        const irreducible =
          regimeClasses(G).closed.length === 1 && regimeClasses(G).transient.length === 0;
        const pi = stationaryDistribution(G);
        if (!irreducible) {
          expect(pi).toBeNull();
          return;
        }
        expect(pi).not.toBeNull();
        expect(Array.from(pi!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 13);
        const scale = Math.max(...G.flat().map(Math.abs));
        for (let j = 0; j < 3; j++) {
          const v = G.reduce((s, row, i) => s + pi![i]! * row[j]!, 0);
          expect(Math.abs(v)).toBeLessThan(1e-13 * scale);
        }
      }),
    );
  });

  it('classes: G = 0 has one closed class per regime; one-way switching has a transient regime', () => {
    expect(
      regimeClasses([
        [0, 0],
        [0, 0],
      ]),
    ).toEqual({ closed: [[0], [1]], transient: [] });
    expect(
      regimeClasses([
        [-1, 1],
        [0, 0],
      ]),
    ).toEqual({ closed: [[1]], transient: [0] });
    expect(
      stationaryDistribution([
        [0, 0],
        [0, 0],
      ]),
    ).toBeNull();
  });
});

describe('banded M-matrix LU (generator form)', () => {
  it('property: matches a dense solve, including rows that sum to 0 except one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 12 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.boolean(),
        (m, n, stream, zeroSurplus) => {
          const it = stream[Symbol.iterator]();
          const next = () => it.next().value as number;
          const lu = new BandedMMatrixLu(n, m);
          const dense = Array.from({ length: n }, () => new Array<number>(n).fill(0));
          for (let i = 0; i < n; i++) {
            let off = 0;
            for (let j = Math.max(0, i - m); j <= Math.min(n - 1, i + m); j++) {
              if (j === i) continue;
              // Keep the chain connected: nearest neighbours always have a rate.
              const w =
                Math.abs(j - i) === 1
                  ? 0.1 + next()
                  : next() < 0.5
                    ? 0
                    : next() * 10 ** (6 * next() - 3);
              lu.rates[i * (2 * m + 1) + (j - i + m)] = w;
              dense[i]![j] = -w;
              off += w;
            }
            const s = zeroSurplus ? (i === n - 1 ? 0.5 : 0) : 0.1 + next();
            lu.surplus[i] = s;
            dense[i]![i] = s + off;
          }
          const b = Float64Array.from({ length: n }, () => next() - 0.5);
          const x = Float64Array.from(b);
          lu.factor();
          lu.solve(x);
          for (let i = 0; i < n; i++) {
            const ax = dense[i]!.reduce((acc, v, j) => acc + v * x[j]!, 0);
            const scale = dense[i]!.reduce((acc, v, j) => acc + Math.abs(v * x[j]!), 0);
            expect(Math.abs(ax - b[i]!)).toBeLessThanOrEqual(1e-12 * (scale + Math.abs(b[i]!)));
          }
        },
      ),
    );
  });

  it('keeps full relative accuracy where plain elimination cancels', () => {
    // A birth-death generator pinned at its left end, rates 1e8 times larger going left:
    // the solution grows like 1e8^i while Gaussian elimination forms 1 + 1e8 - 1e8.
    const n = 4;
    const lu = new BandedMMatrixLu(n, 1);
    const up = 1;
    const down = 1e8;
    for (let i = 0; i < n; i++) {
      if (i > 0) lu.rates[i * 3] = down;
      if (i < n - 1) lu.rates[i * 3 + 2] = up;
    }
    lu.surplus[0] = down; // the pinned neighbour's rate
    const x = new Float64Array(n).fill(1);
    lu.factor();
    lu.solve(x);
    // Expected hitting-time-like solution from exact recurrences (computed by hand in rationals).
    // Check the residual of each row relative to its terms.
    const dense = (i: number, j: number) =>
      i === j
        ? (i === 0 ? down : 0) + (i > 0 ? down : 0) + (i < n - 1 ? up : 0)
        : j === i - 1
          ? -down
          : j === i + 1
            ? -up
            : 0;
    for (let i = 0; i < n; i++) {
      let ax = 0;
      let scale = 0;
      for (let j = 0; j < n; j++) {
        ax += dense(i, j) * x[j]!;
        scale += Math.abs(dense(i, j) * x[j]!);
      }
      expect(Math.abs(ax - 1)).toBeLessThan(1e-14 * scale);
    }
    expect(x[n - 1]! / x[0]!).toBeGreaterThan(1);
  });
});
