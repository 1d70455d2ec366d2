import { TridiagonalModes } from '../exact/linear/tridiagonalModes.js';
import { type ChainPiece, expectedObjective } from './expectedObjective.js';
import type { InventoryChain } from './inventoryChain.js';
import { evaluateStationary } from './stationaryRate.js';

/** The neglected transient must be below this fraction of `1 + |V|`. */
const TRANSIENT_RELATIVE = 1e-12;
/** Modes of the transient tried before handing over to uniformisation. */
const MAX_MODES = 32;

/**
 * `V(T, q0)` of a stationary policy in O(levels) when the horizon is long against the chain's
 * mixing time: with `g` the exact rate and `h` the relative values (`G h = g - reward`, the
 * Poisson equation, solved by the birth-death flux recursion), the backward Kolmogorov solution is
 *
 *   V(T) = g T + h + e^{G T} (terminal - h),   e^{G T} x = (pi . x) 1 + transient,
 *
 * the transient from the slowest modes of the symmetrised generator (detailed balance), taken
 * until the rest, bounded by `e^{lambda_J T} ||Pi^{1/2} x|| / sqrt(pi(q0))`, is below 1e-12 of the
 * value. Returns null when 32 modes do not get there, or the chain does not cover every level:
 * callers then sum the transient by uniformisation.
 */
export function longHorizonObjective(
  chain: InventoryChain,
  horizonSec: number,
  terminal: Float64Array,
  startLevel = 0,
): number | null {
  const { qMax, upRatePerSec: up, downRatePerSec: down, rewardPerSec: reward } = chain;
  const n = 2 * qMax + 1;
  for (let i = 0; i < n - 1; i++) if (!(up[i]! > 0) || !(down[i + 1]! > 0)) return null;
  const ev = evaluateStationary(chain, startLevel);
  const pi = ev.distribution;
  const g = ev.exactRatePerSec;
  // Flux recursion: up_i (h_{i+1} - h_i) = sum_{m <= i} pi_m (g - r_m) / pi_i, summed from the
  // smaller side (prefix below the median, suffix above) so nothing cancels.
  const excess = new Float64Array(n);
  for (let i = 0; i < n; i++) excess[i] = pi[i]! * (g - reward[i]!);
  const prefix = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += excess[i]!;
    prefix[i] = acc;
  }
  const suffix = new Float64Array(n); // sum_{m > i}
  acc = 0;
  for (let i = n - 1; i >= 0; i--) {
    suffix[i] = acc;
    acc += excess[i]!;
  }
  const h = new Float64Array(n);
  let cdf = 0;
  for (let i = 0; i < n - 1; i++) {
    cdf += pi[i]!;
    const flow = cdf <= 0.5 ? prefix[i]! : -suffix[i]!;
    h[i + 1] = h[i]! + flow / (pi[i]! * up[i]!);
  }
  // The transient e^{G T} x - (pi . x) 1 by the modes of S = Pi^{1/2} G Pi^{-1/2} (symmetric by
  // detailed balance; eigenvalues 0 > lambda_1 > ...): (1/sqrt(pi_s)) sum_{j>=1} e^{lambda_j T}
  // v_j(s) (v_j . y), y = Pi^{1/2} x, taken until the rest, <= e^{lambda_J T} ||y|| / sqrt(pi_s),
  // is negligible.
  const d = new Float64Array(n);
  const e = new Float64Array(n - 1);
  for (let i = 0; i < n; i++) d[i] = -(up[i]! + down[i]!);
  for (let i = 0; i < n - 1; i++) e[i] = Math.sqrt(up[i]! * down[i + 1]!);
  const modes = new TridiagonalModes(d, e);
  const y = new Float64Array(n);
  let norm2 = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const x = terminal[i]! - h[i]!;
    y[i] = Math.sqrt(pi[i]!) * x;
    norm2 += y[i]! * y[i]!;
    mean += pi[i]! * x;
  }
  const s = startLevel + qMax;
  const value = g * horizonSec + h[s]! + mean;
  const scale = Math.sqrt(norm2 / pi[s]!);
  let transient = 0;
  for (let j = 1; j <= Math.min(n - 1, MAX_MODES); j++) {
    const growth = Math.exp(modes.eigenvalue(j) * horizonSec);
    if (growth * scale <= TRANSIENT_RELATIVE * (1 + Math.abs(value + transient)))
      return value + transient;
    if (j === n - 1 || j === MAX_MODES) break;
    const v = modes.mode(j);
    if (modes.failed) return null;
    let dot = 0;
    for (let i = 0; i < n; i++) dot += v.sign[i]! * Math.exp(v.logAbs[i]!) * y[i]!;
    transient += (growth * v.sign[s]! * Math.exp(v.logAbs[s]!) * dot) / Math.sqrt(pi[s]!);
  }
  return null;
}

/**
 * `V(0, q0)` of a policy given as pieces (see `expectedObjective`): the O(levels) long-horizon
 * form for a stationary policy when its transient is provably negligible, else uniformisation.
 */
export function expectedObjectiveFrom(
  pieces: readonly ChainPiece[],
  terminal: Float64Array,
  startLevel = 0,
): number {
  const only = pieces.length === 1 ? pieces[0]! : undefined;
  if (only) {
    const fast = longHorizonObjective(only.chain, only.durationSec, terminal, startLevel);
    if (fast !== null) return fast;
  }
  return expectedObjective(pieces, terminal)[startLevel + (pieces[0]?.chain.qMax ?? 0)]!;
}
