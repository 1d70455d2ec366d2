import { choleskyOfCorrelation } from '@mm/simulator';

/** How far a diagonal entry may be from 1, or a pair from symmetry (numerically computed matrices). */
export const CORRELATION_TOLERANCE = 1e-9;

/** A problem in a correlation matrix, at a path relative to the matrix. */
export interface MatrixIssue {
  path: (string | number)[];
  message: string;
}

/**
 * What is wrong with `rows` as an `n x n` correlation matrix (in top-level `assets` order): the
 * shape, a non-finite entry, a diagonal not 1 within `CORRELATION_TOLERANCE`, an entry outside
 * [-1, 1], asymmetry beyond the tolerance, or not positive semi-definite. Empty when it is one.
 */
export function correlationIssues(rows: readonly (readonly number[])[], n: number): MatrixIssue[] {
  if (rows.length !== n) {
    return [
      { path: [], message: `expected ${n}x${n} (one row per asset), got ${rows.length} rows` },
    ];
  }
  const issues: MatrixIssue[] = [];
  rows.forEach((row, i) => {
    if (row.length !== n) {
      issues.push({ path: [i], message: `expected ${n} entries, got ${row.length}` });
      return;
    }
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) issues.push({ path: [i, j], message: 'expected a finite number' });
      else if (i === j && Math.abs(v - 1) > CORRELATION_TOLERANCE)
        issues.push({ path: [i, j], message: `expected 1 on the diagonal, got ${v}` });
      else if (!(Math.abs(v) <= 1 + CORRELATION_TOLERANCE))
        issues.push({ path: [i, j], message: `expected a correlation in [-1, 1], got ${v}` });
    });
  });
  if (issues.length > 0) return issues;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const a = rows[i]![j]!;
      const b = rows[j]![i]!;
      if (Math.abs(a - b) > CORRELATION_TOLERANCE)
        issues.push({
          path: [i, j],
          message: `expected symmetric: [${i}][${j}] = ${a}, [${j}][${i}] = ${b}`,
        });
    }
  if (issues.length > 0) return issues;
  try {
    choleskyOfCorrelation(cleanCorrelation(rows));
  } catch (e) {
    return [{ path: [], message: `not positive semi-definite (${(e as Error).message})` }];
  }
  return [];
}

/**
 * A valid correlation matrix made exact: unit diagonal, symmetric (mean of each pair), entries
 * clipped to [-1, 1]. Call after `correlationIssues` found none.
 */
export function cleanCorrelation(rows: readonly (readonly number[])[]): number[][] {
  const n = rows.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      if (i === j) return 1;
      const mean = (rows[i]![j]! + rows[j]![i]!) / 2;
      return Math.max(-1, Math.min(1, mean));
    }),
  );
}
