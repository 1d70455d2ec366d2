import { BandedMMatrixLu } from '../linalg/BandedMMatrixLu.js';
import type { CoupledRhs } from './coupledRhs.js';

/** Tolerances and budget of the stiff integrator. */
export interface StiffTolerances {
  relTol: number;
  absTol: number;
  /** Give up after this many macro steps, naming the reason. */
  maxSteps: number;
}

/** Extrapolation columns: order 6 with substep counts 1..6, as hjb-core's tridiagonal solver. */
const K = 6;

/**
 * hjb-core's stiff integrator (linearly implicit Euler + Aitken-Neville extrapolation, Deuflhard's
 * LIMEX idea) for a banded Jacobian in generator form: substeps `(I - s J) dy = s f(y)` with `J`
 * evaluated once per macro step; `I - s J` is an M-matrix with row surplus 1, factored by
 * `BandedMMatrixLu` once per substep length. A macro step costs O(K^2 n m^2) for half-bandwidth m.
 */
export class BandedExtrapolation {
  private readonly lu: BandedMMatrixLu;
  private readonly jac: Float64Array;
  private readonly f0: Float64Array;
  private readonly fm: Float64Array;
  private readonly dy: Float64Array;
  private readonly table: Float64Array[][];
  private step = 0;
  accepted = 0;
  rejected = 0;

  constructor(
    private readonly rhs: CoupledRhs,
    private readonly options: StiffTolerances,
  ) {
    const n = rhs.levels * rhs.regimes;
    this.lu = new BandedMMatrixLu(n, rhs.regimes);
    this.jac = new Float64Array(this.lu.rates.length);
    this.f0 = new Float64Array(n);
    this.fm = new Float64Array(n);
    this.dy = new Float64Array(n);
    this.table = Array.from({ length: K }, (_, j) =>
      Array.from({ length: j + 1 }, () => new Float64Array(n)),
    );
  }

  /** Advance `y` in place by `span` (> 0) in time-to-go. */
  advance(y: Float64Array, span: number): void {
    const { options, table } = this;
    const n = y.length;
    if (this.step <= 0) this.step = span;
    let done = 0;
    while (done < span) {
      if (this.accepted + this.rejected >= options.maxSteps)
        throw new Error(`stiff solver gave up after ${options.maxSteps} steps`);
      const last = done + this.step >= span * (1 - 1e-12);
      const H = last ? span - done : this.step;
      this.rhs.evaluate(y, this.f0);
      this.rhs.rates(y, this.jac, 1);
      for (let j = 0; j < K; j++) this.substeps(y, H, j + 1, table[j]![0]!);
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
    const { lu, jac, fm, dy } = this;
    const s = H / m;
    for (let k = 0; k < jac.length; k++) lu.rates[k] = s * jac[k]!;
    lu.surplus.fill(1);
    lu.factor();
    out.set(y0);
    for (let step = 0; step < m; step++) {
      if (step > 0) this.rhs.evaluate(out, fm);
      const rhs = step === 0 ? this.f0 : fm;
      for (let i = 0; i < out.length; i++) dy[i] = s * rhs[i]!;
      lu.solve(dy);
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + dy[i]!;
    }
  }
}
