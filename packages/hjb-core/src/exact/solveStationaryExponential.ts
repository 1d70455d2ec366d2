import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';
import { type HjbProblem, validateHjbProblem } from './HjbProblem.js';
import { quoteTableFromValues } from './QuoteTable.js';
import type { StationarySolution } from './StationarySolution.js';

/**
 * The stationary solution of the exponential model through the linearisation `w = exp(k h)`
 * (DESIGN 3.4): `dw/dtau = M w` with `M` tridiagonal, `M_ii = k (mu q - phi q^2)`, off-diagonals
 * `k (A/k) C_xi = A C_xi` (zero beyond the inventory bounds). As `tau -> infinity`, `w` aligns with
 * the Perron eigenvector `v` of `M` (positive, simple eigenvalue `lambda = k g`), so
 * `h(q) = ln(v_q / v_0) / k`.
 *
 * The eigenvalue comes from bisection on Sturm counts of the symmetrised matrix (off-diagonal
 * `sqrt(M_{i,i+1} M_{i+1,i})`), bracketed by `[max_i M_ii, max_i M_ii + 2 max off]`; the
 * eigenvector from ratio recursions run inward from both ends (the stable direction, since the
 * Perron vector decays away from its peak), so nothing underflows however wide the grid.
 * Independent of `solveStationary` (Newton on h): each checks the other in the tests.
 * No taker costs (the QVI is not linear in w).
 */
export function solveStationaryExponential(problem: HjbProblem): StationarySolution {
  validateHjbProblem(problem);
  const { qMax, bid, ask, phiPerLot2Sec: phi, muPerLotSec: mu } = problem;
  if (!(bid instanceof ExponentialIntensity) || !(ask instanceof ExponentialIntensity))
    throw new RangeError('solveStationaryExponential needs exponential intensities on both sides');
  if (bid.kPerPrice !== ask.kPerPrice)
    throw new RangeError('solveStationaryExponential needs the same k on both sides');
  if (problem.taker) throw new RangeError('solveStationaryExponential does not handle taker costs');
  const k = bid.kPerPrice;
  const n = 2 * qMax + 1;
  const up = k * bid.hScale; // M[i, i+1]: a bid fill moves q up
  const down = k * ask.hScale; // M[i, i-1]
  const off2 = up * down;
  const d = new Float64Array(n);
  let dMax = Number.NEGATIVE_INFINITY;
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const q = i - qMax;
    d[i] = k * (mu * q - phi * q * q);
    if (d[i]! > dMax) {
      dMax = d[i]!;
      peak = i;
    }
  }
  // Largest eigenvalue: count(x) = number of eigenvalues < x; lambda_max < x iff count(x) = n.
  let lo = dMax;
  let hi = dMax + 2 * Math.sqrt(off2) + 1e-300;
  let iterations = 0;
  while (iterations < 200) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    iterations++;
    if (countBelow(d, off2, mid) === n) hi = mid;
    else lo = mid;
  }
  const lambda = 0.5 * (lo + hi);
  // Log-eigenvector from both ends: rows give v_{i-1}/v_i from the top and v_{i+1}/v_i from the bottom.
  const logV = new Float64Array(n);
  // From the top down to the peak: s_i = v_{i-1}/v_i, s_{n-1} = (lambda - d_{n-1})/down.
  let inv = 0; // v_{i+1}/v_i
  for (let i = n - 1; i > peak; i--) {
    const s = (lambda - d[i]! - up * inv) / down;
    // log v_{i-1} - log v_i = log s; accumulate later relative to the peak.
    logV[i] = -Math.log(s); // log(v_i / v_{i-1})
    inv = 1 / s;
  }
  // From the bottom up to the peak: t_i = v_{i+1}/v_i.
  let back = 0; // v_{i-1}/v_i
  for (let i = 0; i < peak; i++) {
    const t = (lambda - d[i]! - down * back) / up;
    logV[i] = -Math.log(t); // log(v_i / v_{i+1})
    back = 1 / t;
  }
  // Turn the ratios into log v relative to the peak.
  const h = new Float64Array(n);
  let acc = 0;
  for (let i = peak + 1; i < n; i++) {
    acc += logV[i]!;
    h[i] = acc;
  }
  acc = 0;
  for (let i = peak - 1; i >= 0; i--) {
    acc += logV[i]!;
    h[i] = acc;
  }
  h[peak] = 0;
  const h0 = h[qMax]!;
  for (let i = 0; i < n; i++) h[i] = (h[i]! - h0) / k;
  return { table: quoteTableFromValues(problem, h), valuePerSec: lambda / k, iterations };
}

/** Sturm count: eigenvalues of the symmetric tridiagonal (diag d, off^2 = off2) below x. */
function countBelow(d: Float64Array, off2: number, x: number): number {
  let count = 0;
  let p = d[0]! - x;
  if (p < 0) count++;
  for (let i = 1; i < d.length; i++) {
    if (p === 0) p = 1e-300;
    p = d[i]! - x - off2 / p;
    if (p < 0) count++;
  }
  return count;
}
