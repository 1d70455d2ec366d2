/**
 * Lower-triangular `L` with `L L' = C` for a correlation matrix `C` (symmetric, unit diagonal,
 * positive semi-definite), row-major `n x n`. Zero pivots (perfectly correlated assets) are
 * allowed: pivots below `1e-7 n` count as zero, so a near-singular `C` is reproduced to within
 * `sqrt(1e-7 n)`; a negative pivot (not PSD) is rejected. Throws a RangeError naming the entry.
 */
export function choleskyOfCorrelation(correlation: readonly (readonly number[])[]): Float64Array {
  const n = correlation.length;
  if (n < 1) throw new RangeError('correlation must have at least one row');
  for (let i = 0; i < n; i++) {
    const row = correlation[i]!;
    if (row.length !== n)
      throw new RangeError(`correlation[${i}] must have ${n} entries, got ${row.length}`);
    if (row[i] !== 1) throw new RangeError(`correlation[${i}][${i}] must be 1, got ${row[i]}`);
    for (let j = 0; j < n; j++) {
      const v = row[j]!;
      if (!(v >= -1 && v <= 1))
        throw new RangeError(`correlation[${i}][${j}] must be in [-1, 1], got ${v}`);
      if (Math.abs(v - correlation[j]![i]!) > 1e-12)
        throw new RangeError(`correlation[${i}][${j}] must equal correlation[${j}][${i}]`);
    }
  }
  // Pivots within tol of 0 count as zero (perfectly correlated assets). Rounding in a pivot after
  // a small one grows like eps / (small pivot), so tol must exceed sqrt(eps); for a PSD matrix
  // the column below a zero pivot is then within sqrt(tol) of 0 (Cauchy-Schwarz; checked with a
  // margin of 2), which bounds what the factor drops from C.
  const tol = 1e-7 * n;
  const columnTol = 2 * Math.sqrt(tol);
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = 1;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (d < -tol)
      throw new RangeError(`correlation is not positive semi-definite (pivot ${j} is ${d})`);
    const ljj = d > tol ? Math.sqrt(d) : 0;
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = correlation[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (ljj > 0) l[i * n + j] = s / ljj;
      else if (Math.abs(s) > columnTol)
        throw new RangeError(`correlation is not positive semi-definite (row ${i}, column ${j})`);
    }
  }
  return l;
}

/** `out = L e`: correlated standard normals from independent ones (`L` row-major, lower). */
export function correlate(l: Float64Array, e: Float64Array, out: Float64Array): void {
  const n = e.length;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let k = 0; k <= i; k++) s += l[row + k]! * e[k]!;
    out[i] = s;
  }
}
