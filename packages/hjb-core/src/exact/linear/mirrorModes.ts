import type { ModeSource } from './modeSource.js';
import { type TridiagonalMode, TridiagonalModes } from './tridiagonalModes.js';

const HALF_LOG_2 = 0.5 * Math.log(2);

/**
 * Modes of a mirror-symmetric tridiagonal matrix (`d_{-q} = d_q` on `q = -Q..Q`, one
 * off-diagonal `e`): every eigenvector is even or odd, so the matrix splits into two half
 * chains with simple, well separated spectra. Even: `q = 0..Q` with the `(0, 1)` coupling
 * `sqrt(2) e` (`v(0) = x_0`, `v(+-q) = x_q / sqrt 2`); odd: `q = 1..Q` (`v(0) = 0`,
 * `v(+-q) = +-x_q / sqrt 2`). Mirror pairs of localised modes, equal to rounding in the full
 * matrix, are then no problem for the twisted eigenvectors.
 */
export class MirrorModes implements ModeSource {
  readonly n: number;
  readonly lambdas: number[] = [];
  readonly vectors: TridiagonalMode[] = [];
  private readonly qMax: number;
  private readonly even: TridiagonalModes;
  private readonly odd: TridiagonalModes;
  /** For each merged mode: which half and its index there. */
  private readonly origin: { odd: boolean; index: number }[] = [];
  private nextEven = 0;
  private nextOdd = 0;

  /** `dHalf[q]` for `q = 0..Q` (Q >= 1), off-diagonal `e > 0`. */
  constructor(dHalf: Float64Array, e: number) {
    const qMax = dHalf.length - 1;
    if (qMax < 1) throw new RangeError('a mirror chain needs Q >= 1');
    this.qMax = qMax;
    this.n = 2 * qMax + 1;
    const eEven = new Float64Array(qMax).fill(e);
    eEven[0] = Math.SQRT2 * e;
    this.even = new TridiagonalModes(dHalf, eEven);
    this.odd = new TridiagonalModes(dHalf.slice(1), new Float64Array(qMax - 1).fill(e));
  }

  get failed(): boolean {
    return this.even.failed || this.odd.failed;
  }

  eigenvalue(j: number): number {
    if (!Number.isInteger(j) || j < 0 || j >= this.n)
      throw new RangeError(`mode index must be an integer in [0, ${this.n - 1}], got ${j}`);
    while (this.lambdas.length <= j) {
      const e = this.nextEven <= this.qMax ? this.even.eigenvalue(this.nextEven) : -Infinity;
      const o = this.nextOdd < this.qMax ? this.odd.eigenvalue(this.nextOdd) : -Infinity;
      if (e >= o) {
        this.origin.push({ odd: false, index: this.nextEven++ });
        this.lambdas.push(e);
      } else {
        this.origin.push({ odd: true, index: this.nextOdd++ });
        this.lambdas.push(o);
      }
    }
    return this.lambdas[j]!;
  }

  mode(j: number): TridiagonalMode {
    while (this.vectors.length <= j) {
      const m = this.vectors.length;
      const lambda = this.eigenvalue(m);
      const { odd, index } = this.origin[m]!;
      this.vectors.push(
        odd
          ? this.unfoldOdd(this.odd.mode(index), lambda)
          : this.unfoldEven(this.even.mode(index), lambda),
      );
    }
    return this.vectors[j]!;
  }

  private unfoldEven(x: TridiagonalMode, lambda: number): TridiagonalMode {
    const Q = this.qMax;
    const logAbs = new Float64Array(this.n);
    const sign = new Int8Array(this.n);
    logAbs[Q] = x.logAbs[0]!;
    sign[Q] = x.sign[0]!;
    for (let q = 1; q <= Q; q++) {
      logAbs[Q + q] = logAbs[Q - q] = x.logAbs[q]! - HALF_LOG_2;
      sign[Q + q] = sign[Q - q] = x.sign[q]!;
    }
    return { lambda, logAbs, sign };
  }

  private unfoldOdd(x: TridiagonalMode, lambda: number): TridiagonalMode {
    const Q = this.qMax;
    const logAbs = new Float64Array(this.n);
    const sign = new Int8Array(this.n);
    logAbs[Q] = Number.NEGATIVE_INFINITY;
    sign[Q] = 1;
    for (let q = 1; q <= Q; q++) {
      logAbs[Q + q] = logAbs[Q - q] = x.logAbs[q - 1]! - HALF_LOG_2;
      sign[Q + q] = x.sign[q - 1]!;
      sign[Q - q] = -x.sign[q - 1]! as 1 | -1;
    }
    return { lambda, logAbs, sign };
  }
}
