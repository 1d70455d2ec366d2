import type { TridiagonalMode } from './tridiagonalModes.js';

/** Eigenpairs of a symmetric matrix, largest eigenvalue first, computed on demand. */
export interface ModeSource {
  readonly n: number;
  /** Eigenvalues found so far, descending. */
  readonly lambdas: readonly number[];
  /** Unit eigenvectors found so far, `vectors[j]` for `lambdas[j]`. */
  readonly vectors: readonly TridiagonalMode[];
  /** Set when a vector could not be computed to full accuracy (callers fall back). */
  readonly failed: boolean;
  eigenvalue(j: number): number;
  mode(j: number): TridiagonalMode;
}
