import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';
import { type HjbProblem, validateHjbProblem } from './HjbProblem.js';
import { quoteTableFromValues } from './QuoteTable.js';
import type { StationarySolution } from './StationarySolution.js';

/**
 * The stationary solution of the exponential model through the linearisation `w = exp(k h)`
 * (docs/math.md §4.1): `dw/dtau = M w` with `M` tridiagonal, `M_ii = k (mu q - phi q^2)`, off-diagonals
 * `k (A/k) C_xi = A C_xi` (zero beyond the inventory bounds). As `tau -> infinity`, `w` aligns with
 * the Perron eigenvector `v` of `M` (positive, simple eigenvalue `lambda = k g`), so
 * `h(q) = ln(v_q / v_0) / k`.
 *
 * The eigenvalue comes from safeguarded Newton with Sturm-count brackets on the symmetrised
 * matrix (off-diagonal `sqrt(M_{i,i+1} M_{i+1,i})`), in `[max_i M_ii, max_i M_ii + 2 off]`; the
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
  const { lambda, iterations } = largestEigenvalue(d, off2, dMax, peak);
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

/**
 * The largest eigenvalue of the symmetric tridiagonal (diag d, squared off-diagonal off2), in
 * `[dMax, dMax + 2 sqrt(off2)]`, by safeguarded Newton on the twisted pivot at the peak `m`:
 * `gamma_m(x) = d_m - x - off2/p+_{m-1} - off2/p-_{m+1}` with forward pivots `p+` from the bottom
 * and backward pivots `p-` from the top of `T - x I`. `1/gamma_m = [(T - x)^-1]_mm`, dominated by
 * the Perron term `v_m^2/(lambda - x)` where the Perron vector peaks, so `gamma_m` is nearly linear
 * in `x` around the root. (The last pivot of a plain LDL^T would not do: the Perron vector is
 * localised, so the pivots far from the peak barely feel the eigenvalue.) The twisted
 * factorisation is a congruence, so its negative pivots count the eigenvalues below `x` (Sylvester)
 * and keep a bracket; a Newton step leaving it bisects.
 */
function largestEigenvalue(
  d: Float64Array,
  off2: number,
  dMax: number,
  m: number,
): { lambda: number; iterations: number } {
  const n = d.length;
  let lo = dMax;
  let hi = dMax + 2 * Math.sqrt(off2);
  let x = hi;
  for (let it = 1; it <= 200; it++) {
    let count = 0;
    // Forward pivots below the peak and their x-derivatives.
    let pf = 0;
    let dpf = 0;
    for (let i = 0; i < m; i++) {
      if (i === 0) {
        pf = d[0]! - x;
        dpf = -1;
      } else {
        const prev = pf === 0 ? 1e-300 : pf;
        const r = off2 / prev;
        dpf = -1 + (r / prev) * dpf;
        pf = d[i]! - x - r;
      }
      if (pf < 0) count++;
    }
    // Backward pivots above the peak.
    let pb = 0;
    let dpb = 0;
    for (let i = n - 1; i > m; i--) {
      if (i === n - 1) {
        pb = d[i]! - x;
        dpb = -1;
      } else {
        const prev = pb === 0 ? 1e-300 : pb;
        const r = off2 / prev;
        dpb = -1 + (r / prev) * dpb;
        pb = d[i]! - x - r;
      }
      if (pb < 0) count++;
    }
    let gamma = d[m]! - x;
    let dgamma = -1;
    if (m > 0) {
      const prev = pf === 0 ? 1e-300 : pf;
      gamma -= off2 / prev;
      dgamma += (off2 / (prev * prev)) * dpf;
    }
    if (m < n - 1) {
      const prev = pb === 0 ? 1e-300 : pb;
      gamma -= off2 / prev;
      dgamma += (off2 / (prev * prev)) * dpb;
    }
    if (gamma < 0) count++;
    if (count === n) hi = x;
    else lo = x;
    if (hi - lo <= 4 * Number.EPSILON * Math.max(Math.abs(hi), Math.abs(lo), 1e-300))
      return { lambda: 0.5 * (lo + hi), iterations: it };
    const step = gamma / dgamma;
    if (gamma === 0 || Math.abs(step) <= 2 * Number.EPSILON * Math.abs(x))
      return { lambda: x - step, iterations: it };
    let next = x - step;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    x = next;
  }
  return { lambda: 0.5 * (lo + hi), iterations: 200 };
}
