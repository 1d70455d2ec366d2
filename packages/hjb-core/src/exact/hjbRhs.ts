import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';
import type { HjbProblem } from './HjbProblem.js';

/**
 * The right-hand side of the reduced HJB in time-to-go `tau = T - t`:
 * `dh_i/dtau = mu q - phi q^2 + 1{q < qMax} H_b(h_{i+1} - h_i) + 1{q > -qMax} H_a(h_{i-1} - h_i)`.
 * Returned as a closure `(h, out) => void` so the integrator's inner loop allocates nothing.
 * Exponential intensities with one `k` on both sides share one `exp` per level.
 */
export type HjbRhs = (h: Float64Array, out: Float64Array) => void;

export function makeHjbRhs(problem: HjbProblem): HjbRhs {
  const { qMax, bid, ask, phiPerLot2Sec: phi, muPerLotSec: mu } = problem;
  const n = 2 * qMax + 1;
  const running = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const q = i - qMax;
    running[i] = mu * q - phi * q * q;
  }
  if (
    bid instanceof ExponentialIntensity &&
    ask instanceof ExponentialIntensity &&
    bid.kPerPrice === ask.kPerPrice
  ) {
    const k = bid.kPerPrice;
    const sb = bid.hScale;
    const sa = ask.hScale;
    return (h, out) => {
      // e = exp(k (h_{i+1} - h_i)): H_b at i is sb * e, H_a at i+1 is sa / e.
      let prevInv = 0; // sa / e_{i-1}, the ask term of level i
      for (let i = 0; i < n - 1; i++) {
        const e = Math.exp(k * (h[i + 1]! - h[i]!));
        out[i] = running[i]! + sb * e + prevInv;
        prevInv = sa / e;
      }
      out[n - 1] = running[n - 1]! + prevInv;
    };
  }
  return (h, out) => {
    for (let i = 0; i < n; i++) {
      const hi = h[i]!;
      let v = running[i]!;
      if (i < n - 1) v += bid.hamiltonian(h[i + 1]! - hi);
      if (i > 0) v += ask.hamiltonian(h[i - 1]! - hi);
      out[i] = v;
    }
  };
}

/**
 * The Jacobian of the right-hand side is tridiagonal: for level i, `dF_i/dh_{i+1} = H_b'`,
 * `dF_i/dh_{i-1} = H_a'`, `dF_i/dh_i = -(H_b' + H_a')`. Writes the two slopes per level.
 */
export function hjbSlopes(
  problem: HjbProblem,
  h: Float64Array,
  bidSlope: Float64Array,
  askSlope: Float64Array,
): void {
  const n = 2 * problem.qMax + 1;
  for (let i = 0; i < n; i++) {
    bidSlope[i] = i < n - 1 ? problem.bid.hamiltonianSlope(h[i + 1]! - h[i]!) : 0;
    askSlope[i] = i > 0 ? problem.ask.hamiltonianSlope(h[i - 1]! - h[i]!) : 0;
  }
}
