import type { LinearlyImplicitSystem } from '@mm/hjb-core';
import { BandedMMatrixLu } from '../linalg/BandedMMatrixLu.js';
import type { CoupledRhs } from './coupledRhs.js';

/**
 * The regime-coupled HJB as a linearly implicit system for hjb-core's `ExtrapolatedIntegrator`:
 * the stacked Jacobian (regimes interleaved) is banded in generator form, so `I - s J` is an
 * M-matrix with row surplus 1, factored by `BandedMMatrixLu` once per substep length. A macro step
 * costs O(K^2 n m^2) for half-bandwidth m (the number of regimes).
 */
export class BandedCoupledSystem implements LinearlyImplicitSystem {
  readonly size: number;
  private readonly lu: BandedMMatrixLu;
  private readonly jac: Float64Array;
  private readonly fm: Float64Array;
  private readonly dy: Float64Array;

  constructor(private readonly rhs: CoupledRhs) {
    this.size = rhs.levels * rhs.regimes;
    this.lu = new BandedMMatrixLu(this.size, rhs.regimes);
    this.jac = new Float64Array(this.lu.rates.length);
    this.fm = new Float64Array(this.size);
    this.dy = new Float64Array(this.size);
  }

  evaluate(y: Float64Array, out: Float64Array): void {
    this.rhs.evaluate(y, out);
  }

  linearizeAt(y: Float64Array): void {
    this.rhs.rates(y, this.jac, 1);
  }

  substeps(y0: Float64Array, f0: Float64Array, H: number, m: number, out: Float64Array): void {
    const { lu, jac, fm, dy } = this;
    const s = H / m;
    for (let k = 0; k < jac.length; k++) lu.rates[k] = s * jac[k]!;
    lu.surplus.fill(1);
    lu.factor();
    out.set(y0);
    for (let step = 0; step < m; step++) {
      if (step > 0) this.rhs.evaluate(out, fm);
      const f = step === 0 ? f0 : fm;
      for (let i = 0; i < out.length; i++) dy[i] = s * f[i]!;
      lu.solve(dy);
      for (let i = 0; i < out.length; i++) out[i] = out[i]! + dy[i]!;
    }
  }
}
