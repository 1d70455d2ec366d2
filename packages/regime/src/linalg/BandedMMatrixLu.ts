/**
 * LU without pivoting of a banded M-matrix given in generator form, `A = D - W`: off-diagonal
 * rates `W_ij >= 0` within half-bandwidth `m`, and the row surpluses `S_i = sum_j A_ij >= 0`, so
 * `A_ii = S_i + sum_{j != i} W_ij`. The diagonal is never formed by subtraction: elimination keeps
 * the surplus of each row over the columns still active (`S_i += l_ik S_k` when row k is added
 * to row i with multiplier `l_ik = W_ik / A_kk >= 0`), and each pivot is that surplus plus the
 * row's remaining rates (the Grassmann-Taksar-Heyman idea, here for a band). Every operation adds
 * non-negative numbers, so pivots keep full relative accuracy even when rows sum to 0 (the
 * pinned Newton systems of the stationary HJB) or the rates differ by many orders of magnitude.
 *
 * Storage: row-major band, entry (i, j) at `i * (2m + 1) + (j - i + m)`; the diagonal slot unused.
 * `factor` and `solve` allocate nothing.
 */
export class BandedMMatrixLu {
  readonly width: number;
  /** Off-diagonal rates `W`, written by the caller before `factor` (overwritten by it). */
  readonly rates: Float64Array;
  /** Row surpluses `S`, written by the caller before `factor` (overwritten by it). */
  readonly surplus: Float64Array;
  private readonly pivot: Float64Array;

  constructor(
    readonly n: number,
    readonly m: number,
  ) {
    this.width = 2 * m + 1;
    this.rates = new Float64Array(n * this.width);
    this.surplus = new Float64Array(n);
    this.pivot = new Float64Array(n);
  }

  /** Factor in place. Throws when a pivot is not positive (a row that can reach no surplus). */
  factor(): void {
    const { n, m, width: w, rates, surplus, pivot } = this;
    for (let k = 0; k < n; k++) {
      const last = Math.min(n - 1, k + m);
      let d = surplus[k]!;
      for (let j = k + 1; j <= last; j++) d += rates[k * w + (j - k + m)]!;
      if (!(d > 0) || !Number.isFinite(d))
        throw new RangeError(`singular system: unknown ${k} is not connected to any surplus`);
      pivot[k] = d;
      for (let i = k + 1; i <= last; i++) {
        const ik = i * w + (k - i + m);
        const wik = rates[ik]!;
        if (wik === 0) continue;
        const l = wik / d;
        rates[ik] = l; // the multiplier, for the forward sweep
        surplus[i] = surplus[i]! + l * surplus[k]!;
        for (let j = k + 1; j <= last; j++) {
          if (j === i) continue;
          const ij = i * w + (j - i + m);
          rates[ij] = rates[ij]! + l * rates[k * w + (j - k + m)]!;
        }
      }
    }
  }

  /** Solve `A x = b` in place (after `factor`). */
  solve(b: Float64Array): void {
    const { n, m, width: w, rates, pivot } = this;
    for (let k = 0; k < n; k++) {
      const bk = b[k]!;
      if (bk === 0) continue;
      const last = Math.min(n - 1, k + m);
      for (let i = k + 1; i <= last; i++) b[i] = b[i]! + rates[i * w + (k - i + m)]! * bk;
    }
    for (let k = n - 1; k >= 0; k--) {
      const last = Math.min(n - 1, k + m);
      let s = b[k]!;
      for (let j = k + 1; j <= last; j++) s += rates[k * w + (j - k + m)]! * b[j]!;
      b[k] = s / pivot[k]!;
    }
  }
}
