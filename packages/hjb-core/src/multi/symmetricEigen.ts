/**
 * Eigendecomposition of a real symmetric matrix by the cyclic Jacobi method (Golub & Van Loan,
 * "Matrix Computations", 4th ed., section 8.5.3, with Rutishauser's update formulas). Each sweep
 * zeroes every off-diagonal pair once; convergence is quadratic after a few sweeps. O(n^3) per
 * sweep: meant for the portfolio sizes here (n <= ~60), where it is simple and accurate to a few
 * ulps of `||A||`.
 */
export interface SymmetricEigen {
  readonly n: number;
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Eigenvectors as columns, row-major `n x n`: `A = V diag(values) V'`. */
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 100;

/**
 * `A = V diag(lambda) V'` for a symmetric row-major `n x n` matrix (only read, never modified).
 * Throws a RangeError for non-finite entries or a wrong length; `name` names the matrix in it.
 */
export function symmetricEigen(a: Float64Array, n: number, name = 'matrix'): SymmetricEigen {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} size must be >= 1, got ${n}`);
  if (a.length !== n * n)
    throw new RangeError(`${name} must have ${n * n} entries (${n}x${n}), got ${a.length}`);
  const m = Float64Array.from(a);
  let frob2 = 0;
  for (let i = 0; i < m.length; i++) {
    if (!Number.isFinite(m[i]!))
      throw new RangeError(`${name}[${Math.floor(i / n)}][${i % n}] must be finite, got ${m[i]}`);
    frob2 += m[i]! * m[i]!;
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  // Entries below this are treated as zero: they no longer move any eigenvalue above rounding.
  const floor = Number.EPSILON * 1e-3 * Math.sqrt(frob2);
  let converged = n === 1 || frob2 === 0;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        const app = m[p * n + p]!;
        const aqq = m[q * n + q]!;
        // Skip when the pair is already negligible relative to its diagonal (the relative
        // criterion keeps small eigenvalues accurate) or absolutely tiny.
        if (
          Math.abs(apq) <= floor ||
          Math.abs(apq) <= 0.5 * Number.EPSILON * Math.sqrt(Math.abs(app * aqq))
        ) {
          m[p * n + q] = 0;
          m[q * n + p] = 0;
          continue;
        }
        rotated = true;
        rotate(m, v, n, p, q, apq, app, aqq);
      }
    converged = !rotated;
  }
  if (!converged)
    throw new Error(
      `${name}: Jacobi eigenvalue iteration did not converge in ${MAX_SWEEPS} sweeps`,
    );
  return sortAscending(m, v, n);
}

/** One Jacobi rotation in the (p, q) plane that zeroes `m[p][q]`, accumulated into `v`. */
function rotate(
  m: Float64Array,
  v: Float64Array,
  n: number,
  p: number,
  q: number,
  apq: number,
  app: number,
  aqq: number,
): void {
  // t = tan(angle), the smaller root of t^2 + 2 theta t - 1 = 0.
  const theta = (aqq - app) / (2 * apq);
  const t =
    Math.abs(theta) > 1e150
      ? 1 / (2 * theta)
      : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  const tau = s / (1 + c);
  m[p * n + p] = app - t * apq;
  m[q * n + q] = aqq + t * apq;
  m[p * n + q] = 0;
  m[q * n + p] = 0;
  for (let r = 0; r < n; r++) {
    if (r !== p && r !== q) {
      const arp = m[r * n + p]!;
      const arq = m[r * n + q]!;
      const np = arp - s * (arq + tau * arp);
      const nq = arq + s * (arp - tau * arq);
      m[r * n + p] = np;
      m[p * n + r] = np;
      m[r * n + q] = nq;
      m[q * n + r] = nq;
    }
    const vrp = v[r * n + p]!;
    const vrq = v[r * n + q]!;
    v[r * n + p] = vrp - s * (vrq + tau * vrp);
    v[r * n + q] = vrq + s * (vrp - tau * vrq);
  }
}

function sortAscending(m: Float64Array, v: Float64Array, n: number): SymmetricEigen {
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (i, j) => m[i * n + i]! - m[j * n + j]!,
  );
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const src = order[c]!;
    values[c] = m[src * n + src]!;
    for (let r = 0; r < n; r++) vectors[r * n + c] = v[r * n + src]!;
  }
  return { n, values, vectors };
}

/**
 * `V diag(f(lambda_k)) V'`, the matrix function of the decomposed symmetric matrix; the result
 * is symmetric by construction. `f` receives each eigenvalue and its index (ascending order).
 */
export function symmetricFunction(
  eig: SymmetricEigen,
  f: (lambda: number, index: number) => number,
  out: Float64Array = new Float64Array(eig.n * eig.n),
): Float64Array {
  const { n, values, vectors } = eig;
  const fl = new Float64Array(n);
  for (let k = 0; k < n; k++) fl[k] = f(values[k]!, k);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k]! * fl[k]! * vectors[j * n + k]!;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  return out;
}
