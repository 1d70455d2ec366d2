/**
 * Dense kernels for the small (R x R, R <= ~4) matrices of regime models: row-major
 * `Float64Array`s of length `n * n`, results written into caller-provided buffers so the
 * filter's per-observation path allocates nothing.
 */

/** `out = a b` (`out` must not alias `a` or `b`). */
export function matMul(a: Float64Array, b: Float64Array, n: number, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      out[i * n + j] = s;
    }
  }
}

/** Max row sum of absolute values (the infinity norm). */
export function normInf(a: Float64Array, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]!);
    best = Math.max(best, s);
  }
  return best;
}

/**
 * Solve `a X = b` in place for an `n x n` right-hand side: `a` is overwritten by its LU factors
 * (partial pivoting) and `b` by `X`. Throws on an exactly singular matrix.
 */
export function solveInPlace(a: Float64Array, b: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]!) > Math.abs(a[p * n + k]!)) p = i;
    if (a[p * n + k] === 0) throw new RangeError('singular matrix');
    if (p !== k) {
      swapRows(a, n, p, k);
      swapRows(b, n, p, k);
    }
    const inv = 1 / a[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const l = a[i * n + k]! * inv;
      if (l === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j] = a[i * n + j]! - l * a[k * n + j]!;
      for (let j = 0; j < n; j++) b[i * n + j] = b[i * n + j]! - l * b[k * n + j]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const inv = 1 / a[k * n + k]!;
    for (let j = 0; j < n; j++) {
      let s = b[k * n + j]!;
      for (let i = k + 1; i < n; i++) s -= a[k * n + i]! * b[i * n + j]!;
      b[k * n + j] = s * inv;
    }
  }
}

function swapRows(m: Float64Array, n: number, p: number, k: number): void {
  for (let j = 0; j < n; j++) {
    const t = m[p * n + j]!;
    m[p * n + j] = m[k * n + j]!;
    m[k * n + j] = t;
  }
}

/** Row-major copy of a nested array (`rows.length` square). */
export function flatten(rows: readonly (readonly number[])[]): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = rows[i]![j]!;
  return out;
}

/** Nested-array copy of a row-major `n x n` matrix. */
export function unflatten(m: ArrayLike<number>, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => m[i * n + j]!));
}
