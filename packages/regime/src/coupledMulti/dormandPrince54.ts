/** An autonomous right-hand side `out = f(y)`; `out` never aliases `y`. */
export type AutonomousRhs = (y: Float64Array, out: Float64Array) => void;

export interface DormandPrinceOptions {
  /** Relative tolerance per component. */
  relTol: number;
  /** Absolute tolerance per component, in the units of `y`. */
  absTol: number;
  /** Accepted + rejected step budget over the integrator's life. */
  maxSteps: number;
}

// Dormand & Prince (1980), "A family of embedded Runge-Kutta formulae": the stages, the 5th
// order weights (= last stage row, FSAL) and the error weights (5th minus embedded 4th order).
// The right-hand side is autonomous, so the nodes c_s are not needed.
const A: readonly (readonly number[])[] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

/**
 * Explicit adaptive Dormand-Prince 5(4) with local extrapolation, FSAL, max-norm error control
 * (`|err_i| <= absTol + relTol max(|y_i|, |y_new_i|)`) and Hairer's stiffness indicator (Hairer,
 * Norsett & Wanner, "Solving ODEs I", II.4 and IV.2): an accepted step whose `h |lambda|`,
 * estimated from the last two stages, exceeds 3.25 sat at the edge of the stability region and
 * is counted in `stabilityLimitedSteps` (the step was limited by stability, not accuracy).
 */
export class DormandPrince54 {
  accepted = 0;
  rejected = 0;
  /** Accepted steps at the stability limit (`h |lambda| > 3.25`). */
  stabilityLimitedSteps = 0;
  private readonly k: Float64Array[];
  private readonly stage: Float64Array;
  private readonly y6: Float64Array;
  private readonly yNew: Float64Array;
  private h = 0;
  private fsalValid = false;

  constructor(
    private readonly rhs: AutonomousRhs,
    private readonly dim: number,
    private readonly options: DormandPrinceOptions,
  ) {
    this.k = Array.from({ length: 7 }, () => new Float64Array(dim));
    this.stage = new Float64Array(dim);
    this.y6 = new Float64Array(dim);
    this.yNew = new Float64Array(dim);
  }

  /** Advance `y` in place by `dt >= 0` (time units of the right-hand side). */
  advance(y: Float64Array, dt: number): void {
    const { k, stage, y6, yNew, dim } = this;
    const { relTol, absTol, maxSteps } = this.options;
    if (!this.fsalValid) {
      this.rhs(y, k[0]!);
      this.fsalValid = true;
    }
    if (this.h === 0) this.h = this.initialStep(y);
    let t = 0;
    while (t < dt) {
      if (this.accepted + this.rejected >= maxSteps)
        throw new RangeError(
          `maxSteps: ${maxSteps} steps exhausted ${dt - t} before the end of the interval`,
        );
      const last = t + this.h >= dt * (1 - 1e-14);
      const h = last ? dt - t : this.h;
      for (let s = 1; s < 7; s++) {
        // Stage s's input: y + h sum_j A[s][j] k_j; stage 6's is y6, stage 7's the new y (FSAL).
        const row = A[s]!;
        const into = s === 5 ? y6 : s === 6 ? yNew : stage;
        for (let i = 0; i < dim; i++) {
          let v = 0;
          for (let j = 0; j < s; j++) v += row[j]! * k[j]![i]!;
          into[i] = y[i]! + h * v;
        }
        this.rhs(into, k[s]!);
      }
      let err = 0;
      for (let i = 0; i < dim; i++) {
        let e = 0;
        for (let j = 0; j < 7; j++) e += E[j]! * k[j]![i]!;
        const sc = absTol + relTol * Math.max(Math.abs(y[i]!), Math.abs(yNew[i]!));
        err = Math.max(err, Math.abs(h * e) / sc);
      }
      if (!Number.isFinite(err)) throw new Error('DormandPrince54: the solution became non-finite');
      const factor = Math.min(5, Math.max(0.2, 0.9 * err ** -0.2));
      if (err > 1) {
        this.rejected++;
        this.h = h * Math.min(1, factor);
        continue;
      }
      this.accepted++;
      this.stiffnessTest(h, y6, yNew);
      y.set(yNew);
      k[0]!.set(k[6]!);
      t = last ? dt : t + h;
      // A step clipped to the interval's end does not shrink the step for the next interval.
      if (!last) this.h = h * factor;
      else if (factor < 1) this.h = Math.min(this.h, h * factor);
    }
  }

  /** `h |lambda| ~ h ||k7 - k6|| / ||y7 - y6||`, the Jacobian's size along the step. */
  private stiffnessTest(h: number, y6: Float64Array, y7: Float64Array): void {
    let num = 0;
    let den = 0;
    for (let i = 0; i < this.dim; i++) {
      num += (this.k[6]![i]! - this.k[5]![i]!) ** 2;
      den += (y7[i]! - y6[i]!) ** 2;
    }
    if (den > 0 && h * Math.sqrt(num / den) > 3.25) this.stabilityLimitedSteps++;
  }

  /** Hairer's starting step from `||y||`, `||f(y)||` and a trial Euler step (max norms). */
  private initialStep(y: Float64Array): number {
    const { relTol, absTol } = this.options;
    const f0 = this.k[0]!;
    let d0 = 0;
    let d1 = 0;
    for (let i = 0; i < this.dim; i++) {
      const sc = absTol + relTol * Math.abs(y[i]!);
      d0 = Math.max(d0, Math.abs(y[i]!) / sc);
      d1 = Math.max(d1, Math.abs(f0[i]!) / sc);
    }
    const h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
    for (let i = 0; i < this.dim; i++) this.stage[i] = y[i]! + h0 * f0[i]!;
    const f1 = this.k[1]!;
    this.rhs(this.stage, f1);
    let d2 = 0;
    for (let i = 0; i < this.dim; i++)
      d2 = Math.max(d2, Math.abs(f1[i]! - f0[i]!) / (absTol + relTol * Math.abs(y[i]!)) / h0);
    const d = Math.max(d1, d2);
    const h1 = d <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / d) ** 0.2;
    return Math.min(100 * h0, h1);
  }
}
