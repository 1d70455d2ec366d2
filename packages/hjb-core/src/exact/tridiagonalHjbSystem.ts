import type { LinearlyImplicitSystem } from './extrapolatedIntegrator.js';
import type { HjbProblem } from './HjbProblem.js';
import { type HjbRhs, hjbSlopes, makeHjbRhs } from './hjbRhs.js';
import type { TakerConstraint } from './projectTaker.js';

/**
 * The single-asset HJB as a linearly implicit system: tridiagonal Jacobian from the Hamiltonian
 * slopes; with taker costs, the levels in the exercise region are algebraic rows for the step
 * (an index-1 DAE `M y' = f` with `M_ii = 0`): buy `y_i = y_{i+1} - c_b`, sell `y_i = y_{i-1} - c_a`,
 * so the extrapolation sees a smooth map and each substep lands exactly on the constraints.
 */
export class TridiagonalHjbSystem implements LinearlyImplicitSystem {
  readonly size: number;
  private readonly rhs: HjbRhs;
  private readonly sub: Float64Array;
  private readonly sup: Float64Array;
  private readonly cPrime: Float64Array;
  private readonly invPivot: Float64Array;
  private readonly lowerCoef: Float64Array;
  private readonly fm: Float64Array;
  private readonly dy: Float64Array;

  constructor(
    private readonly problem: HjbProblem,
    private readonly constraint?: TakerConstraint,
  ) {
    const n = 2 * problem.qMax + 1;
    this.size = n;
    this.rhs = makeHjbRhs(problem);
    this.sub = new Float64Array(n);
    this.sup = new Float64Array(n);
    this.cPrime = new Float64Array(n);
    this.invPivot = new Float64Array(n);
    this.lowerCoef = new Float64Array(n);
    this.fm = new Float64Array(n);
    this.dy = new Float64Array(n);
  }

  evaluate(y: Float64Array, out: Float64Array): void {
    this.rhs(y, out);
  }

  linearizeAt(y: Float64Array, f: Float64Array): void {
    this.constraint?.begin(y, f);
    // dF_i/dy_{i-1} = H_a' (sub), dF_i/dy_{i+1} = H_b' (sup), dF_i/dy_i = -(sub + sup).
    hjbSlopes(this.problem, y, this.sup, this.sub);
  }

  finish(y: Float64Array): void {
    this.constraint?.finish(y);
  }

  substeps(y0: Float64Array, f0: Float64Array, H: number, m: number, out: Float64Array): void {
    const { size: n, sub, sup, cPrime, invPivot, lowerCoef, fm, dy, constraint } = this;
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
      const f = step === 0 ? f0 : fm;
      if (step > 0) this.rhs(out, fm);
      // Forward sweep, then back substitution; algebraic rows carry the constraint residual.
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const kind = active ? active[i]! : 0;
        const r =
          kind === 0
            ? s * f[i]!
            : kind === 1
              ? out[i + 1]! - constraint!.upCost - out[i]!
              : out[i - 1]! - constraint!.downCost - out[i]!;
        prev = (r - lowerCoef[i]! * prev) * invPivot[i]!;
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
