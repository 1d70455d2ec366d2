import { MatrixExponential } from '../../src/linalg/MatrixExponential.js';
import { flatten } from '../../src/linalg/smallMatrix.js';
import type { Rng } from './random.js';

export interface RegimePath {
  /** Observation times, seconds (t_0 = 0, then one per return). */
  tSec: Float64Array;
  /** Level x(t_k), starting at 0. */
  level: Float64Array;
  /** `returns[k] = level[k+1] - level[k]` over `dt[k]`. */
  returns: Float64Array;
  dt: Float64Array;
  /** The regime generating `returns[k]` (the regime at t_{k+1}). */
  regime: Int32Array;
  /** Number of regime changes between consecutive observations. */
  switches: number;
}

/**
 * Simulate the Markov-switching model observed at `dt[k]`-spaced times: the regime moves by the
 * exact transition matrix `expm(G dt)`, the return is `N(0, sigma_r^2 dt)` in the new regime
 * (the same discretisation the filter and EM assume).
 */
export function simulateRegimes(
  rng: Rng,
  sigma: readonly number[],
  generator: readonly (readonly number[])[],
  dts: ArrayLike<number>,
  startRegime = 0,
): RegimePath {
  const R = sigma.length;
  const T = dts.length;
  const g = flatten(generator);
  const expm = new MatrixExponential(R);
  const P = new Float64Array(R * R);
  let lastDt = Number.NaN;
  const path: RegimePath = {
    tSec: new Float64Array(T + 1),
    level: new Float64Array(T + 1),
    returns: new Float64Array(T),
    dt: Float64Array.from(dts),
    regime: new Int32Array(T),
    switches: 0,
  };
  let r = startRegime;
  for (let k = 0; k < T; k++) {
    const dt = dts[k]!;
    if (dt !== lastDt) {
      expm.compute(g, dt, P);
      lastDt = dt;
    }
    let u = rng.uniform();
    let next = R - 1;
    for (let s = 0; s < R; s++) {
      u -= P[r * R + s]!;
      if (u < 0) {
        next = s;
        break;
      }
    }
    if (next !== r) path.switches++;
    r = next;
    path.regime[k] = r;
    path.returns[k] = sigma[r]! * Math.sqrt(dt) * rng.normal();
    path.tSec[k + 1] = path.tSec[k]! + dt;
    path.level[k + 1] = path.level[k]! + path.returns[k]!;
  }
  return path;
}
