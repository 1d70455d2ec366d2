import type { HjbRhs } from './hjbRhs.js';

/**
 * A stiff ODE integrator for `y' = f(y)` whose Jacobian is tridiagonal (Deuflhard's LIMEX idea):
 * linearly implicit Euler substeps `(I - s J) dy = s f(y)` with `J` evaluated once per macro step,
 * for substep counts 1..K, combined by Aitken-Neville extrapolation in the step size to order K;
 * the last two extrapolants give the error estimate for step-size control. Each substep is one
 * `f` evaluation and one O(n) tridiagonal solve, so a macro step costs O(K^2 n).
 *
 * Why not explicit Runge-Kutta: at large |q| the optimal quotes sit inside the spread and their
 * fill rates (the Jacobian's entries) are huge, so explicit steps are limited by stability, not
 * accuracy (hundreds of thousands of steps for qMax = 100).
 */
export interface StiffOptions {
  relTol: number;
  absTol: number;
  /** Give up after this many macro steps, naming the reason. */
  maxSteps: number;
}

/** Writes the Jacobian's sub-diagonal (`dF_i/dy_{i-1}`) and super-diagonal (`dF_i/dy_{i+1}`). */
export type TridiagonalJacobian = (y: Float64Array, sub: Float64Array, sup: Float64Array) => void;

/** Number of extrapolation columns: order 6 with substep counts 1..6 (fewest RHS evaluations at 1e-9..1e-10 in bench/). */
const K = 6;

export class LinearlyImplicitExtrapolation {
  private readonly f0: Float64Array;
  private readonly fm: Float64Array;
  private readonly sub: Float64Array;
  private readonly sup: Float64Array;
  private readonly cPrime: Float64Array;
  private readonly denom: Float64Array;
  private readonly dy: Float64Array;
  /** Extrapolation table rows T[j][*], each of length n. */
  private readonly table: Float64Array[][];
  private step = 0;
  accepted = 0;
  rejected = 0;

  constructor(
    private readonly f: HjbRhs,
    private readonly jacobian: TridiagonalJacobian,
    private readonly n: number,
    private readonly options: StiffOptions,
    /** A projection applied after every substep (the taker constraints); must be idempotent. */
    private readonly project?: (y: Float64Array) => boolean,
  ) {
    this.f0 = new Float64Array(n);
    this.fm = new Float64Array(n);
    this.sub = new Float64Array(n);
    this.sup = new Float64Array(n);
    this.cPrime = new Float64Array(n);
    this.denom = new Float64Array(n);
    this.dy = new Float64Array(n);
    this.table = Array.from({ length: K }, (_, j) =>
      Array.from({ length: j + 1 }, () => new Float64Array(n)),
    );
  }

  /** Advance `y` in place by `span` (> 0). */
  advance(y: Float64Array, span: number): void {
    const { n, options, table } = this;
    if (this.step <= 0) this.step = span;
    let done = 0;
    while (done < span) {
      if (this.accepted + this.rejected >= options.maxSteps)
        throw new Error(`stiff solver gave up after ${options.maxSteps} steps`);
      const last = done + this.step >= span * (1 - 1e-12);
      const H = last ? span - done : this.step;
      this.f(y, this.f0);
      this.jacobian(y, this.sub, this.sup);
      for (let j = 0; j < K; j++) this.substeps(y, H, j + 1, table[j]![0]!);
      // Aitken-Neville for an error expansion in powers of the substep length.
      for (let j = 1; j < K; j++) {
        const row = table[j]!;
        const prev = table[j - 1]!;
        for (let k = 1; k <= j; k++) {
          const c = 1 / ((j + 1) / (j + 1 - k) - 1);
          const a = row[k - 1]!;
          const b = prev[k - 1]!;
          const out = row[k]!;
          for (let i = 0; i < n; i++) out[i] = a[i]! + c * (a[i]! - b[i]!);
        }
      }
      const best = table[K - 1]![K - 1]!;
      const second = table[K - 1]![K - 2]!;
      let errSq = 0;
      for (let i = 0; i < n; i++) {
        const scale =
          options.absTol + options.relTol * Math.max(Math.abs(y[i]!), Math.abs(best[i]!));
        const r = (best[i]! - second[i]!) / scale;
        errSq += r * r;
      }
      const err = Math.sqrt(errSq / n);
      if (!Number.isFinite(err)) {
        this.rejected++;
        this.step = H * 0.1;
        continue;
      }
      const factor = Math.min(4, Math.max(0.1, 0.9 * err ** (-1 / K)));
      if (err <= 1) {
        this.accepted++;
        y.set(best);
        this.project?.(y);
        done = last ? span : done + H;
        if (!last || H >= this.step) this.step = H * factor;
      } else {
        this.rejected++;
        this.step = H * Math.min(0.9, factor);
      }
    }
  }

  /** `m` linearly implicit Euler substeps of length `H/m` from `y0`, result in `out`. */
  private substeps(y0: Float64Array, H: number, m: number, out: Float64Array): void {
    const { n, sub, sup, cPrime, denom: invPivot, fm, dy } = this;
    const s = H / m;
    // Factor (I - s J) once per substep length: J_ii = -(sub_i + sup_i), off-diagonals sub/sup.
    // Keep reciprocal pivots (pre-scaled by s) so the m solves multiply instead of divide.
    let inv = 1 / (1 + s * (sub[0]! + sup[0]!));
    invPivot[0] = inv;
    cPrime[0] = -s * sup[0]! * inv;
    for (let i = 1; i < n; i++) {
      inv = 1 / (1 + s * (sub[i]! + sup[i]!) + s * sub[i]! * cPrime[i - 1]!);
      invPivot[i] = inv;
      cPrime[i] = -s * sup[i]! * inv;
    }
    out.set(y0);
    for (let step = 0; step < m; step++) {
      const rhs = step === 0 ? this.f0 : fm;
      if (step > 0) this.f(out, fm);
      // Forward sweep on s * f, then back substitution.
      let prev = s * rhs[0]! * invPivot[0]!;
      dy[0] = prev;
      for (let i = 1; i < n; i++) {
        prev = s * (rhs[i]! + sub[i]! * prev) * invPivot[i]!;
        dy[i] = prev;
      }
      let next = dy[n - 1]!;
      out[n - 1] = out[n - 1]! + next;
      for (let i = n - 2; i >= 0; i--) {
        next = dy[i]! - cPrime[i]! * next;
        out[i] = out[i]! + next;
      }
      this.project?.(out);
    }
  }
}
