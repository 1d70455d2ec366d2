import type { InventoryChain } from './inventoryChain.js';

/** One piece of a policy that changes in time: its chain, held for `durationSec`. */
export interface ChainPiece {
  chain: InventoryChain;
  durationSec: number;
}

/** Poisson terms beyond `rate + TAIL_SIGMAS sqrt(rate) + TAIL_EXTRA` carry < 1e-20 of the mass. */
const TAIL_SIGMAS = 10;
const TAIL_EXTRA = 25;

/**
 * The backward Kolmogorov equation of a policy's inventory chain (DESIGN 3.9): the expected
 * objective `V(0, q) = E[ int_0^T reward(q_t) dt + terminal(q_T) | q_0 = q ]` for every start
 * level, for a policy held piecewise constant in time (`pieces` in time order; a stationary
 * policy is one piece). Each piece solves `dV/dtau = reward + G V` exactly by uniformisation:
 * with `R` the largest exit rate and `P = I + G/R` (a stochastic tridiagonal matrix),
 *
 *   e^{G s} V = sum_k Pois(k; R s) P^k V,   int_0^s e^{G u} reward du = (1/R) sum_k P(N > k) P^k reward,
 *
 * summed by Horner's rule (one tridiagonal product per term), every weight positive: no
 * cancellation, and the truncation below 1e-20 of the mass. O(levels x (R T + 10 sqrt(R T))).
 * `terminal[i]` is the value at T (e.g. `-alpha q^2`), same units as the objective.
 */
export function expectedObjective(
  pieces: readonly ChainPiece[],
  terminal: Float64Array,
): Float64Array {
  if (pieces.length === 0) throw new RangeError('pieces must not be empty');
  const n = terminal.length;
  let v = Float64Array.from(terminal);
  let acc = new Float64Array(n);
  let tmp = new Float64Array(n);
  for (let p = pieces.length - 1; p >= 0; p--) {
    const { chain, durationSec } = pieces[p]!;
    if (2 * chain.qMax + 1 !== n)
      throw new RangeError(`pieces[${p}] has ${2 * chain.qMax + 1} levels, terminal has ${n}`);
    if (!(durationSec >= 0) || !Number.isFinite(durationSec))
      throw new RangeError(`pieces[${p}].durationSec must be finite and >= 0, got ${durationSec}`);
    if (durationSec === 0) continue;
    const { upRatePerSec: up, downRatePerSec: down, rewardPerSec: reward } = chain;
    let R = 0;
    for (let i = 0; i < n; i++) R = Math.max(R, up[i]! + down[i]!);
    if (R === 0) {
      for (let i = 0; i < n; i++) v[i] = v[i]! + reward[i]! * durationSec;
      continue;
    }
    const lambda = R * durationSec;
    const K = Math.ceil(lambda + TAIL_SIGMAS * Math.sqrt(lambda) + TAIL_EXTRA);
    // Poisson weights p_k (in logs from the mode outward, so nothing underflows early) and the
    // tails c_k = P(N > k).
    const pk = poissonWeights(lambda, K);
    const ck = new Float64Array(K + 1);
    let tail = 0;
    for (let k = K; k >= 0; k--) {
      ck[k] = tail;
      tail += pk[k]!;
    }
    // Horner: acc = u_K; acc = u_k + P acc, u_k = p_k V + (c_k / R) reward.
    for (let i = 0; i < n; i++) acc[i] = pk[K]! * v[i]! + (ck[K]! / R) * reward[i]!;
    for (let k = K - 1; k >= 0; k--) {
      const a = pk[k]!;
      const b = ck[k]! / R;
      for (let i = 0; i < n; i++) {
        const ai = acc[i]!;
        let g = 0;
        if (i < n - 1) g += up[i]! * (acc[i + 1]! - ai);
        if (i > 0) g += down[i]! * (acc[i - 1]! - ai);
        tmp[i] = a * v[i]! + b * reward[i]! + ai + g / R;
      }
      [acc, tmp] = [tmp, acc];
    }
    [v, acc] = [acc, v];
  }
  return v;
}

/** `Pois(k; lambda)` for `k = 0..K`, from the mode in both directions (log-safe for any lambda). */
function poissonWeights(lambda: number, K: number): Float64Array {
  const w = new Float64Array(K + 1);
  const mode = Math.min(K, Math.floor(lambda));
  // ln p_mode = -lambda + mode ln(lambda) - ln(mode!)
  let logP = -lambda + mode * Math.log(lambda) - logFactorial(mode);
  w[mode] = Math.exp(logP);
  for (let k = mode + 1; k <= K; k++) {
    logP += Math.log(lambda / k);
    w[k] = Math.exp(logP);
  }
  logP = -lambda + mode * Math.log(lambda) - logFactorial(mode);
  for (let k = mode - 1; k >= 0; k--) {
    logP += Math.log((k + 1) / lambda);
    w[k] = Math.exp(logP);
  }
  return w;
}

/** `ln(m!)`: exact sum for small m, Stirling's series beyond. */
function logFactorial(m: number): number {
  if (m < 30) {
    let s = 0;
    for (let i = 2; i <= m; i++) s += Math.log(i);
    return s;
  }
  const x = m + 1;
  return (
    (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3)
  );
}
