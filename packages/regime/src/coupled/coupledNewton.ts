import { BandedMMatrixLu } from '../linalg/BandedMMatrixLu.js';
import { type CoupledRhs, makeCoupledRhs } from './coupledRhs.js';
import type { RegimeCoupledProblem } from './RegimeCoupledProblem.js';
import { choosePin } from './stationaryPin.js';

/**
 * Newton's method (policy iteration) on the stacked stationary system `F(y) - g = 0` of one
 * class of regimes (one closed class, possibly with transient regimes), from the stacked start
 * `y` (updated in place). `ref` is the local index of the closed class's reference regime:
 * the result is normalised so that its `h(0) = 0`. Per step, with `dh_pin = 0`:
 * `-J' dh = res - dg 1` off the pin is one banded M-matrix solve for two right-hand sides
 * (`dh = a + b dg`), and the pinned row fixes `dg` (its denominator `-(1 + sum J_pj |b_j|)` has no
 * cancellation). Converges when the step is below 1e-13 relative.
 */
export function coupledNewton(
  sub: RegimeCoupledProblem,
  y: Float64Array,
  ref: number,
  maxIterations: number,
): { y: Float64Array; g: number; iterations: number } {
  const rhs = makeCoupledRhs(sub);
  const R = rhs.regimes;
  const n = y.length;
  const lu = new BandedMMatrixLu(n, R);
  const jac = new Float64Array(lu.rates.length);
  const w = lu.width;
  const res = new Float64Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  let g = Number.NaN;
  for (let it = 1; it <= maxIterations; it++) {
    rhs.evaluate(y, res);
    rhs.rates(y, jac, 1);
    floorRates(rhs, jac);
    const pin = choosePin(sub, jac, ref);
    if (Number.isNaN(g)) g = res[pin]!;
    let maxRes = 0;
    for (let k = 0; k < n; k++) {
      res[k] = res[k]! - g;
      maxRes = Math.max(maxRes, Math.abs(res[k]!));
    }
    if (!Number.isFinite(maxRes))
      throw new Error(
        'coupled stationary solver diverged (non-finite residual): check the parameters',
      );
    // -J' dh = res - dg 1 off the pin, dh_pin = 0: rates J without the pinned column, whose
    // entries become the rows' surplus; the pinned row is the identity.
    lu.rates.set(jac);
    lu.surplus.fill(0);
    for (let i = Math.max(0, pin - R); i <= Math.min(n - 1, pin + R); i++) {
      const ip = i * w + (pin - i + R);
      lu.surplus[i] = lu.rates[ip]!;
      lu.rates[ip] = 0;
    }
    lu.rates.fill(0, pin * w, (pin + 1) * w);
    lu.surplus[pin] = 1;
    lu.factor();
    for (let k = 0; k < n; k++) {
      a[k] = k === pin ? 0 : res[k]!;
      b[k] = k === pin ? 0 : -1;
    }
    lu.solve(a);
    lu.solve(b);
    // The pinned row: sum_j J_pj (a_j + b_j dg) - dg = -res_p.
    let ja = 0;
    let jb = 0;
    for (let j = Math.max(0, pin - R); j <= Math.min(n - 1, pin + R); j++) {
      if (j === pin) continue;
      const jpj = jac[pin * w + (j - pin + R)]!;
      ja += jpj * a[j]!;
      jb += jpj * b[j]!;
    }
    const dg = (-res[pin]! - ja) / (jb - 1);
    g += dg;
    let maxStep = Math.abs(dg);
    let maxH = 0;
    for (let k = 0; k < n; k++) {
      const d = a[k]! + b[k]! * dg;
      maxStep = Math.max(maxStep, Math.abs(d));
      y[k] = y[k]! + d;
      maxH = Math.max(maxH, Math.abs(y[k]!));
    }
    if (maxStep <= 1e-13 * (1 + maxH + Math.abs(g))) {
      const h0 = y[((n / R - 1) / 2) * R + ref]!; // regime `ref` at q = 0
      for (let k = 0; k < n; k++) y[k] = y[k]! - h0;
      return { y, g, iterations: it };
    }
  }
  throw new Error(`coupled stationary solver did not converge in ${maxIterations} iterations`);
}

/**
 * Floor the inventory rates at 1e-200 of the largest (as hjb-core does): a quote far enough away
 * has a fill rate that underflows to 0, which would disconnect the chain; the effect on values is
 * far below rounding. Regime switching rates are left as they are.
 */
function floorRates(rhs: CoupledRhs, jac: Float64Array): void {
  const R = rhs.regimes;
  const w = 2 * R + 1;
  let max = 0;
  for (let k = 0; k < jac.length; k++) max = Math.max(max, jac[k]!);
  const floor = max * 1e-200;
  const n = rhs.levels * R;
  for (let k = 0; k < n; k++) {
    const i = Math.floor(k / R);
    if (i < rhs.levels - 1 && jac[k * w + 2 * R]! < floor) jac[k * w + 2 * R] = floor;
    if (i > 0 && jac[k * w]! < floor) jac[k * w] = floor;
  }
}
