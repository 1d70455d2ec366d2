import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matMul, matrixFromRows } from '../src/multi/matrix.js';
import {
  covarianceFromCorrelation,
  penaltyMatrix,
  validatePenaltyMatrix,
} from '../src/multi/penalty.js';
import { psdSqrt } from '../src/multi/psdSqrt.js';
import { symmetricEigen } from '../src/multi/symmetricEigen.js';

/** mulberry32: a seeded PRNG for test matrices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSymmetric(n: number, seed: number): Float64Array {
  const rand = prng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = 2 * rand() - 1;
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return a;
}

/** G G' for a random G with `rank` columns: PSD, singular when rank < n. */
function randomPsd(n: number, rank: number, seed: number): Float64Array {
  const rand = prng(seed);
  const g = Array.from({ length: n }, () => Array.from({ length: rank }, () => 2 * rand() - 1));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < rank; k++) s += g[i]![k]! * g[j]![k]!;
      a[i * n + j] = s;
    }
  return a;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('symmetricEigen (cyclic Jacobi)', () => {
  for (const n of [1, 2, 3, 10, 50]) {
    it(`decomposes a random symmetric ${n}x${n}: A V = V Lambda, V'V = I, ascending`, () => {
      const a = randomSymmetric(n, 1000 + n);
      const { values, vectors } = symmetricEigen(a, n);
      const av = matMul(a, vectors, n);
      let res = 0;
      let orth = 0;
      for (let i = 0; i < n; i++)
        for (let k = 0; k < n; k++) {
          res = Math.max(res, Math.abs(av[i * n + k]! - vectors[i * n + k]! * values[k]!));
          let dot = 0;
          for (let r = 0; r < n; r++) dot += vectors[r * n + i]! * vectors[r * n + k]!;
          orth = Math.max(orth, Math.abs(dot - (i === k ? 1 : 0)));
        }
      expect(res).toBeLessThan(1e-13 * n);
      expect(orth).toBeLessThan(1e-14 * n);
      for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
      // Trace is preserved.
      let trace = 0;
      let sum = 0;
      for (let k = 0; k < n; k++) {
        trace += a[k * n + k]!;
        sum += values[k]!;
      }
      expect(Math.abs(trace - sum)).toBeLessThan(1e-13 * n);
    });
  }

  it('gives the textbook eigenvalues of [[2, 1], [1, 2]] (1 and 3) and a diagonal matrix as is', () => {
    const e = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
    expect(e.values[0]).toBeCloseTo(1, 15);
    expect(e.values[1]).toBeCloseTo(3, 15);
    const d = symmetricEigen(Float64Array.from([5, 0, 0, -2]), 2);
    expect(Array.from(d.values)).toEqual([-2, 5]);
  });

  it('keeps small eigenvalues of a graded PD matrix accurate (relative stopping rule)', () => {
    // diag(1, 1e-8) rotated by 30 degrees: eigenvalues exactly 1 and 1e-8.
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const a = Float64Array.from([
      c * c + 1e-8 * s * s,
      c * s * (1 - 1e-8),
      c * s * (1 - 1e-8),
      s * s + 1e-8 * c * c,
    ]);
    const e = symmetricEigen(a, 2);
    expect(Math.abs(e.values[0]! - 1e-8)).toBeLessThan(1e-15);
  });

  it('rejects a wrong length or non-finite entries, naming the matrix', () => {
    expect(() => symmetricEigen(new Float64Array(3), 2, 'Psi')).toThrow(/Psi must have 4 entries/);
    expect(() => symmetricEigen(Float64Array.from([1, Number.NaN, Number.NaN, 1]), 2)).toThrow(
      /matrix\[0\]\[1\] must be finite/,
    );
  });
});

describe('psdSqrt', () => {
  for (const [n, rank] of [
    [3, 3],
    [10, 10],
    [10, 4],
    [50, 50],
  ] as const) {
    it(`S S = A and S symmetric for a random PSD ${n}x${n} of rank ${rank}`, () => {
      const a = randomPsd(n, rank, 7 * n + rank);
      const s = psdSqrt(a, n);
      const ss = matMul(s, s, n);
      let scale = 0;
      for (const v of a) scale = Math.max(scale, Math.abs(v));
      expect(maxAbsDiff(ss, a)).toBeLessThan(1e-12 * scale * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) expect(s[i * n + j]).toBe(s[j * n + i]);
      // PSD: the square root's eigenvalues are >= 0 (to rounding).
      expect(symmetricEigen(s, n).values[0]!).toBeGreaterThan(-1e-7 * Math.sqrt(scale));
    });
  }

  it('of diag(4, 9) is diag(2, 3); of [[2, 1], [1, 2]] is ((1 + sqrt 3)/2, (sqrt 3 - 1)/2)', () => {
    const d = psdSqrt(Float64Array.from([4, 0, 0, 9]), 2);
    expect(Array.from(d)).toEqual([2, 0, 0, 3]);
    // Eigenvalues 1 and 3 with vectors (1, -1)/sqrt2 and (1, 1)/sqrt2.
    const s = psdSqrt(Float64Array.from([2, 1, 1, 2]), 2);
    expect(s[0]).toBeCloseTo((1 + Math.sqrt(3)) / 2, 14);
    expect(s[1]).toBeCloseTo((Math.sqrt(3) - 1) / 2, 14);
  });

  it('clips the rounding-level negative eigenvalue of a perfectly correlated covariance', () => {
    const sigma = covarianceFromCorrelation(
      [0.3, 0.7, 0.11],
      [
        [1, 1, 1],
        [1, 1, 1],
        [1, 1, 1],
      ],
    );
    const phi = penaltyMatrix({ kind: 'covariance', gamma: 0.2, covariancePerSec: sigma }, 3);
    const s = psdSqrt(phi, 3);
    expect(maxAbsDiff(matMul(s, s, 3), phi)).toBeLessThan(1e-15);
  });

  it('rejects a clearly negative eigenvalue, naming the matrix', () => {
    expect(() => psdSqrt(Float64Array.from([1, 2, 2, 1]), 2, 'Phi')).toThrow(
      /Phi is not positive semi-definite: smallest eigenvalue -1/,
    );
  });
});

describe('penalty validation', () => {
  it('builds Phi = phi I, phi diag(mid^2) and (gamma/2) Sigma', () => {
    expect(Array.from(penaltyMatrix({ kind: 'identity', phiPerUnit2Sec: 0.5 }, 2))).toEqual([
      0.5, 0, 0, 0.5,
    ]);
    expect(
      Array.from(
        penaltyMatrix({ kind: 'notional', phiPerNotional2Sec: 1e-6, midPrices: [100, 2000] }, 2),
      ),
    ).toEqual([1e-6 * 100 * 100, 0, 0, 1e-6 * 2000 * 2000]);
    const sigma = covarianceFromCorrelation(
      [2, 3],
      [
        [1, 0.5],
        [0.5, 1],
      ],
    );
    expect(sigma).toEqual([
      [4, 3],
      [3, 9],
    ]);
    expect(
      Array.from(penaltyMatrix({ kind: 'covariance', gamma: 0.1, covariancePerSec: sigma }, 2)),
    ).toEqual([0.2, 0.15000000000000002, 0.15000000000000002, 0.45]);
  });

  it('names the asymmetric entries', () => {
    const phiPerUnit2Sec = [
      [1, 0.3],
      [0.2, 1],
    ];
    expect(() => penaltyMatrix({ kind: 'matrix', phiPerUnit2Sec }, 2)).toThrow(
      'Phi is not symmetric: Phi[0][1] = 0.3 but Phi[1][0] = 0.2',
    );
    expect(() =>
      penaltyMatrix({ kind: 'covariance', gamma: 1, covariancePerSec: phiPerUnit2Sec }, 2),
    ).toThrow('Sigma is not symmetric: Sigma[0][1] = 0.3 but Sigma[1][0] = 0.2');
  });

  it('accepts asymmetry at rounding level and symmetrises', () => {
    const phi = penaltyMatrix(
      {
        kind: 'matrix',
        phiPerUnit2Sec: [
          [1, 0.3],
          [0.3 * (1 + 1e-14), 1],
        ],
      },
      2,
    );
    expect(phi[1]).toBe(phi[2]);
  });

  it('rejects sizes that do not match the assets, non-finite entries and non-PSD matrices', () => {
    const rows3 = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    expect(() => penaltyMatrix({ kind: 'matrix', phiPerUnit2Sec: rows3 }, 2)).toThrow(
      /Phi must be 2x2 \(one row per asset\), got 3 rows/,
    );
    expect(() =>
      penaltyMatrix(
        {
          kind: 'matrix',
          phiPerUnit2Sec: [
            [1, 0],
            [0, 1, 2],
          ],
        },
        2,
      ),
    ).toThrow(/Phi must be square: Phi\[1\] has 3 entries, expected 2/);
    expect(() =>
      penaltyMatrix(
        {
          kind: 'matrix',
          phiPerUnit2Sec: [
            [1, Number.NaN],
            [0, 1],
          ],
        },
        2,
      ),
    ).toThrow(/Phi\[0\]\[1\] must be finite/);
    expect(() =>
      penaltyMatrix(
        {
          kind: 'matrix',
          phiPerUnit2Sec: [
            [1, 2],
            [2, 1],
          ],
        },
        2,
      ),
    ).toThrow(/Phi is not positive semi-definite/);
    expect(() =>
      penaltyMatrix(
        {
          kind: 'covariance',
          gamma: 1,
          covariancePerSec: [
            [-1, 0],
            [0, 1],
          ],
        },
        2,
      ),
    ).toThrow(/Sigma is not positive semi-definite/);
    expect(() => penaltyMatrix({ kind: 'identity', phiPerUnit2Sec: -1 }, 2)).toThrow(
      /penalty.phiPerUnit2Sec/,
    );
    expect(() =>
      penaltyMatrix({ kind: 'notional', phiPerNotional2Sec: 1, midPrices: [1] }, 2),
    ).toThrow(/penalty.midPrices must have 2 entries/);
    expect(() => validatePenaltyMatrix(new Float64Array(3), 2)).toThrow(/Phi must have 4 entries/);
    expect(() =>
      covarianceFromCorrelation(
        [1, 1],
        [
          [1, 1.5],
          [1.5, 1],
        ],
      ),
    ).toThrow(/correlation\[0\]\[1\] must be in \[-1, 1\]/);
  });

  it("accepts every G G' and rejects every G G' - c I with c above rounding (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (n, rank, seed) => {
          const a = randomPsd(n, Math.min(rank, n), seed);
          const rows = Array.from({ length: n }, (_, i) =>
            Array.from(a.subarray(i * n, i * n + n)),
          );
          expect(() => penaltyMatrix({ kind: 'matrix', phiPerUnit2Sec: rows }, n)).not.toThrow();
          let scale = 0;
          for (const v of a) scale = Math.max(scale, Math.abs(v));
          const shifted = matrixFromRows(rows, 'x');
          const smallest = symmetricEigen(shifted, n).values[0]!;
          const c = 1e-6 * scale + Math.max(smallest, 0);
          const minus = rows.map((r, i) => r.map((v, j) => (i === j ? v - c : v)));
          expect(() => penaltyMatrix({ kind: 'matrix', phiPerUnit2Sec: minus }, n)).toThrow(
            /Phi is not positive semi-definite/,
          );
        },
      ),
    );
  });
});
