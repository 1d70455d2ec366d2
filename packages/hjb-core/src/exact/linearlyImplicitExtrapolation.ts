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
  /**
   * Jump to the end once every component grows at one common rate (the HJB's long-horizon regime
   * `h = g tau + h_stat(q)`): if the spread of the per-component rates over the last step, times
   * the time left, is within tolerance, add `rate * timeLeft` and stop. The transient decays, so
   * extrapolating its current rate linearly bounds the error from above.
   */
  steadyGrowthShortcut?: boolean;
}

/**
 * Constraints of a quasi-variational inequality, handled so that each macro step is smooth:
 * `begin` fixes the active set from the state at the start of the step; during the step those
 * rows are algebraic (an index-1 DAE `M y' = f` with `M_ii = 0`): `active[i] = +1` holds
 * `y_i = y_{i+1} - upCost`, `-1` holds `y_i = y_{i-1} - downCost`; `finish` applies the full
 * inequality to the accepted state (levels that start to bind during the step).
 */
export interface StepConstraint {
  readonly active: Int8Array;
  readonly upCost: number;
  readonly downCost: number;
  begin(y: Float64Array, f: Float64Array): void;
  finish(y: Float64Array): void;
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
  private readonly invPivot: Float64Array;
  private readonly lowerCoef: Float64Array;
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
    /** Equality constraints held during a macro step (the taker QVI's exercise region). */
    private readonly constraint?: StepConstraint,
  ) {
    this.f0 = new Float64Array(n);
    this.fm = new Float64Array(n);
    this.sub = new Float64Array(n);
    this.sup = new Float64Array(n);
    this.cPrime = new Float64Array(n);
    this.invPivot = new Float64Array(n);
    this.lowerCoef = new Float64Array(n);
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
      this.constraint?.begin(y, this.f0);
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
        if (options.steadyGrowthShortcut && !last) {
          const left = span - done - H;
          if (this.jumpIfSteady(y, best, H, left)) {
            this.constraint?.finish(y);
            return;
          }
        }
        y.set(best);
        this.constraint?.finish(y);
        done = last ? span : done + H;
        if (!last || H >= this.step) this.step = H * factor;
      } else {
        this.rejected++;
        this.step = H * Math.min(0.9, factor);
      }
    }
  }

  /**
   * With `y0 -> y1` over `H`, if all rates `(y1_i - y0_i)/H` agree to within the tolerance over
   * the time `left`, write `y1 + rate_i * left` into `y0` and report true.
   */
  private jumpIfSteady(y0: Float64Array, y1: Float64Array, H: number, left: number): boolean {
    const { n, options } = this;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let scale = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const r = (y1[i]! - y0[i]!) / H;
      if (r < lo) lo = r;
      if (r > hi) hi = r;
      scale = Math.min(scale, options.absTol + options.relTol * Math.abs(y1[i]!));
    }
    if ((hi - lo) * left > scale) return false;
    for (let i = 0; i < n; i++) y0[i] = y1[i]! + ((y1[i]! - y0[i]!) / H) * left;
    return true;
  }

  /**
   * `m` linearly implicit Euler substeps of length `H/m` from `y0`, result in `out`:
   * `(M - s J) dy = s f` for differential rows, and for algebraic (constrained) rows
   * `dy_i - dy_{i+-1} = y_{i+-1} - cost - y_i`, which lands exactly on the constraint.
   */
  private substeps(y0: Float64Array, H: number, m: number, out: Float64Array): void {
    const { n, sub, sup, cPrime, invPivot, lowerCoef, fm, dy, constraint } = this;
    const active = constraint?.active;
    const s = H / m;
    // Factor once per substep length, keeping reciprocal pivots so the m solves multiply.
    let prevC = 0;
    for (let i = 0; i < n; i++) {
      const kind = active ? active[i]! : 0;
      // Row i: lower * dy_{i-1} + diag * dy_i + upper * dy_{i+1}.
      const lower = kind === 0 ? -s * sub[i]! : kind === -1 ? -1 : 0;
      const diag = kind === 0 ? 1 + s * (sub[i]! + sup[i]!) : 1;
      const upper = kind === 0 ? -s * sup[i]! : kind === 1 ? -1 : 0;
      const inv = 1 / (i === 0 ? diag : diag - lower * prevC);
      invPivot[i] = inv;
      prevC = upper * inv;
      cPrime[i] = prevC;
      lowerCoef[i] = lower;
    }
    out.set(y0);
    for (let step = 0; step < m; step++) {
      const f = step === 0 ? this.f0 : fm;
      if (step > 0) this.f(out, fm);
      // Forward sweep, then back substitution.
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const kind = active ? active[i]! : 0;
        const rhs =
          kind === 0
            ? s * f[i]!
            : kind === 1
              ? out[i + 1]! - constraint!.upCost - out[i]!
              : out[i - 1]! - constraint!.downCost - out[i]!;
        prev = (rhs - lowerCoef[i]! * prev) * invPivot[i]!;
        dy[i] = prev;
      }
      let next = dy[n - 1]!;
      out[n - 1] = out[n - 1]! + next;
      for (let i = n - 2; i >= 0; i--) {
        next = dy[i]! - cPrime[i]! * next;
        out[i] = out[i]! + next;
      }
    }
  }
}
