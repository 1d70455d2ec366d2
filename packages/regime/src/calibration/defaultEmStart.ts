/**
 * EM's default starting point for R regimes: sigma_r from the r-th of R equal-count groups of the
 * sorted squared returns (so the starting sigmas are ordered and distinct), sticky transitions
 * (stay with probability 0.99 per step, leave evenly), uniform initial distribution.
 */
export function defaultEmStart(dx: ArrayLike<number>, R: number, dt: number) {
  const sq = Array.from(dx, (v) => v * v).sort((a, b) => a - b);
  const sigmaPerSqrtSec = new Float64Array(R);
  for (let r = 0; r < R; r++) {
    const lo = Math.floor((r * sq.length) / R);
    const hi = Math.floor(((r + 1) * sq.length) / R);
    let s = 0;
    for (let k = lo; k < hi; k++) s += sq[k]!;
    sigmaPerSqrtSec[r] = Math.sqrt(s / ((hi - lo) * dt)) || 1e-300;
  }
  const stay = R === 1 ? 1 : 0.99;
  const transition = new Float64Array(R * R).fill((1 - stay) / Math.max(1, R - 1));
  for (let r = 0; r < R; r++) transition[r * R + r] = stay;
  return { sigmaPerSqrtSec, transition, initialProb: new Float64Array(R).fill(1 / R) };
}
