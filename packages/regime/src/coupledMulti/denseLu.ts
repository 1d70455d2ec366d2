/**
 * Solve `a x = b` for a dense row-major `size x size` matrix by LU with partial pivoting, in
 * place: `a` is overwritten by its factors and `b` by `x`. Returns false (leaving `b` partly
 * eliminated) when a pivot falls below `size * eps * max|a|`: numerically singular.
 */
export function solveDenseInPlace(a: Float64Array, b: Float64Array, size: number): boolean {
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  const tiny = size * Number.EPSILON * scale;
  for (let k = 0; k < size; k++) {
    let p = k;
    let best = Math.abs(a[k * size + k]!);
    for (let i = k + 1; i < size; i++) {
      const v = Math.abs(a[i * size + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > tiny)) return false;
    if (p !== k) {
      for (let j = k; j < size; j++) {
        const t = a[p * size + j]!;
        a[p * size + j] = a[k * size + j]!;
        a[k * size + j] = t;
      }
      const t = b[p]!;
      b[p] = b[k]!;
      b[k] = t;
    }
    const inv = 1 / a[k * size + k]!;
    for (let i = k + 1; i < size; i++) {
      const l = a[i * size + k]! * inv;
      if (l === 0) continue;
      a[i * size + k] = l;
      for (let j = k + 1; j < size; j++) a[i * size + j]! -= l * a[k * size + j]!;
      b[i]! -= l * b[k]!;
    }
  }
  for (let k = size - 1; k >= 0; k--) {
    let s = b[k]!;
    for (let j = k + 1; j < size; j++) s -= a[k * size + j]! * b[j]!;
    b[k] = s / a[k * size + k]!;
  }
  return true;
}
