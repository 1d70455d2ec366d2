import { matMul, normInf, solveInPlace } from './smallMatrix.js';

/** Diagonal Pade [6/6] coefficients `c_j = (12 - j)! 6! / (12! j! (6 - j)!)`. */
const C = (() => {
  const c = [1];
  for (let j = 1; j <= 6; j++) c.push((c[j - 1]! * (6 - j + 1)) / (j * (12 - j + 1)));
  return c;
})();

/**
 * `expm(t A)` for a small dense `n x n` matrix: scaling and squaring with the diagonal Pade
 * [6/6] approximant at `||t A / 2^s||_inf <= 1/2`, where its relative error is below 1e-17
 * (Moler & Van Loan, "Nineteen dubious ways", method 3). For a generator `G` (switches per
 * second) and an elapsed `dt` (seconds), `compute(G, dt, P)` is the transition matrix `P(dt)`.
 *
 * All scratch space is allocated once, so `compute` allocates nothing (the filter calls it per
 * observation whose `dt` differs from the previous one).
 */
export class MatrixExponential {
  private readonly x: Float64Array;
  private readonly x2: Float64Array;
  private readonly x4: Float64Array;
  private readonly x6: Float64Array;
  private readonly odd: Float64Array;
  private readonly u: Float64Array;
  private readonly d: Float64Array;

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer >= 1, got ${n}`);
    const m = n * n;
    this.x = new Float64Array(m);
    this.x2 = new Float64Array(m);
    this.x4 = new Float64Array(m);
    this.x6 = new Float64Array(m);
    this.odd = new Float64Array(m);
    this.u = new Float64Array(m);
    this.d = new Float64Array(m);
  }

  /** `out = expm(t a)`; `a` row-major `n x n`, `out` must not alias `a`. */
  compute(a: ArrayLike<number>, t: number, out: Float64Array): Float64Array {
    const { n, x, x2, x4, x6, odd, u, d } = this;
    const m = n * n;
    for (let k = 0; k < m; k++) x[k] = a[k]! * t;
    const norm = normInf(x, n);
    const s = norm > 0.5 ? Math.ceil(Math.log2(norm / 0.5)) : 0;
    if (s > 0) {
      const f = 2 ** -s;
      for (let k = 0; k < m; k++) x[k] = x[k]! * f;
    }
    matMul(x, x, n, x2);
    matMul(x2, x2, n, x4);
    matMul(x4, x2, n, x6);
    // U = X (c1 I + c3 X^2 + c5 X^4), V = c0 I + c2 X^2 + c4 X^4 + c6 X^6.
    for (let k = 0; k < m; k++) odd[k] = C[3]! * x2[k]! + C[5]! * x4[k]!;
    for (let i = 0; i < n; i++) odd[i * n + i] = odd[i * n + i]! + C[1]!;
    matMul(x, odd, n, u);
    for (let k = 0; k < m; k++) {
      const v = C[2]! * x2[k]! + C[4]! * x4[k]! + C[6]! * x6[k]!;
      out[k] = v + u[k]!; // N = V + U
      d[k] = v - u[k]!; // D = V - U
    }
    for (let i = 0; i < n; i++) {
      out[i * n + i] = out[i * n + i]! + C[0]!;
      d[i * n + i] = d[i * n + i]! + C[0]!;
    }
    solveInPlace(d, out, n); // out = D^-1 N
    for (let j = 0; j < s; j++) {
      matMul(out, out, n, x2);
      out.set(x2);
    }
    return out;
  }
}
