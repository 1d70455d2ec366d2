/**
 * A square band matrix (`|i - j| <= bandwidth`) with LU factorisation without pivoting, for the
 * policy-evaluation systems of the grid solver. Those are, after pinning one state, irreducibly
 * diagonally dominant M-matrices (generator rows: off-diagonal rates >= 0, diagonal = minus their
 * sum), for which elimination without pivoting is stable and keeps the band: fill-in stays within
 * it, so a factorisation costs O(size x bandwidth^2) and stores size x (2 bandwidth + 1) numbers.
 */
export class BandMatrix {
  readonly size: number;
  readonly bandwidth: number;
  private readonly width: number;
  /** Row i, column j at `i * width + (j - i + bandwidth)`; after `factor()`, L (unit) and U. */
  private readonly data: Float64Array;

  constructor(size: number, bandwidth: number) {
    this.size = size;
    this.bandwidth = bandwidth;
    this.width = 2 * bandwidth + 1;
    this.data = new Float64Array(size * this.width);
  }

  clear(): void {
    this.data.fill(0);
  }

  /** Add `v` to entry (i, j); `|i - j|` must be within the band. */
  add(i: number, j: number, v: number): void {
    const at = i * this.width + (j - i + this.bandwidth);
    this.data[at] = this.data[at]! + v;
  }

  /** LU in place (Doolittle, no pivoting). Throws if a pivot is not a finite non-zero. */
  factor(): void {
    const { size: n, bandwidth: bw, width: w, data } = this;
    for (let k = 0; k < n; k++) {
      const pivot = data[k * w + bw]!;
      if (!(Math.abs(pivot) > 0) || !Number.isFinite(pivot))
        throw new Error(`band LU: zero or non-finite pivot at row ${k} (singular system)`);
      const last = Math.min(n - 1, k + bw);
      const rowK = k * w + bw - k; // + j gives (k, j)
      for (let i = k + 1; i <= last; i++) {
        const rowI = i * w + bw - i;
        const lik = data[rowI + k]!;
        if (lik === 0) continue;
        const f = lik / pivot;
        data[rowI + k] = f;
        for (let j = k + 1; j <= last; j++) data[rowI + j] = data[rowI + j]! - f * data[rowK + j]!;
      }
    }
  }

  /** Solve `A x = b` in place in `b`, after `factor()`. */
  solve(b: Float64Array): void {
    const { size: n, bandwidth: bw, width: w, data } = this;
    for (let i = 0; i < n; i++) {
      const rowI = i * w + bw - i;
      let s = b[i]!;
      for (let j = Math.max(0, i - bw); j < i; j++) s -= data[rowI + j]! * b[j]!;
      b[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      const rowI = i * w + bw - i;
      let s = b[i]!;
      const last = Math.min(n - 1, i + bw);
      for (let j = i + 1; j <= last; j++) s -= data[rowI + j]! * b[j]!;
      b[i] = s / data[rowI + i]!;
    }
  }
}
