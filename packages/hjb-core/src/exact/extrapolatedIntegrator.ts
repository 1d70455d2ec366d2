/**
 * A stiff ODE integrator for `y' = f(y)` (Deuflhard's LIMEX idea): linearly implicit Euler
 * substeps `(I - s J) dy = s f(y)` with `J` evaluated once per macro step, for substep counts
 * 1..K, combined by Aitken-Neville extrapolation in the step size to order K; the last two
 * extrapolants give the error estimate for step-size control. The linear algebra (tridiagonal,
 * banded, with algebraic rows) belongs to the `LinearlyImplicitSystem`.
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

/** What the integrator needs from a problem: its right-hand side and its linearised substeps. */
export interface LinearlyImplicitSystem {
  readonly size: number;
  /** `out = f(y)`. */
  evaluate(y: Float64Array, out: Float64Array): void;
  /** Fix the Jacobian (and any constraint's active set) at the start of a macro step. */
  linearizeAt(y: Float64Array, f: Float64Array): void;
  /** `m` linearly implicit Euler substeps of length `H/m` from `y0` (with `f(y0) = f0`) into `out`. */
  substeps(y0: Float64Array, f0: Float64Array, H: number, m: number, out: Float64Array): void;
  /** Applied to every accepted state (e.g. the inequality of a QVI). */
  finish?(y: Float64Array): void;
}

/** Number of extrapolation columns: order 6 with substep counts 1..6 (fewest RHS evaluations at 1e-9..1e-10 in bench/). */
const K = 6;

export class ExtrapolatedIntegrator {
  private readonly f0: Float64Array;
  /** Extrapolation table rows T[j][*], each of length n. */
  private readonly table: Float64Array[][];
  private step = 0;
  accepted = 0;
  rejected = 0;

  constructor(
    private readonly system: LinearlyImplicitSystem,
    private readonly options: StiffOptions,
  ) {
    const n = system.size;
    this.f0 = new Float64Array(n);
    this.table = Array.from({ length: K }, (_, j) =>
      Array.from({ length: j + 1 }, () => new Float64Array(n)),
    );
  }

  /** Advance `y` in place by `span` (> 0). */
  advance(y: Float64Array, span: number): void {
    const { system, options, table, f0 } = this;
    const n = system.size;
    if (this.step <= 0) this.step = span;
    let done = 0;
    while (done < span) {
      if (this.accepted + this.rejected >= options.maxSteps)
        throw new Error(`stiff solver gave up after ${options.maxSteps} steps`);
      const last = done + this.step >= span * (1 - 1e-12);
      const H = last ? span - done : this.step;
      system.evaluate(y, f0);
      system.linearizeAt(y, f0);
      for (let j = 0; j < K; j++) system.substeps(y, f0, H, j + 1, table[j]![0]!);
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
        if (
          options.steadyGrowthShortcut &&
          !last &&
          this.jumpIfSteady(y, best, H, span - done - H)
        ) {
          system.finish?.(y);
          return;
        }
        y.set(best);
        system.finish?.(y);
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
    const { options } = this;
    const n = y0.length;
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
}
