import { defaultEmStart } from './defaultEmStart.js';
import { type ForwardBackwardResult, forwardBackward } from './forwardBackward.js';
import { type GeneratorEstimate, generatorFromTransition } from './generatorFromTransition.js';

export interface BaumWelchOptions {
  /** Number of regimes R (>= 1). */
  regimes: number;
  /** The fixed observation interval, seconds (EM here assumes equally spaced returns). */
  dtSec: number;
  /** Starting point; by default sigmas from quantile groups of |dx|, sticky transitions. */
  initial?: {
    sigmaPerSqrtSec: ArrayLike<number>;
    /** Per-step transition matrix, row-major R x R. */
    transition: ArrayLike<number>;
    initialProb: ArrayLike<number>;
  };
  /** Iteration budget (default 500). */
  maxIterations?: number;
  /** Stop when the log-likelihood gains less than this per observation (default 1e-10). */
  tolerance?: number;
}

export interface BaumWelchResult extends GeneratorEstimate {
  /** Volatility per regime, x-units per sqrt(second), ascending (regime 0 is the calmest). */
  sigmaPerSqrtSec: Float64Array;
  /** Per-step transition matrix, row-major R x R. */
  transition: Float64Array;
  /** `P(regime_0 = r)`. */
  initialProb: Float64Array;
  /** Log-likelihood at the returned parameters; `trace[k]` after k M-steps (non-decreasing). */
  logLikelihood: number;
  trace: number[];
  iterations: number;
  converged: boolean;
  /** Smoothed regime probabilities at the returned parameters, `[t * R + r]`. */
  smoothed: Float64Array;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Baum-Welch (EM) calibration of a zero-mean Markov-switching volatility model on returns
 * `dx_t` observed every `dtSec` seconds: `dx_t ~ N(0, sigma_r^2 dt)` in regime r. E-step: scaled
 * forward-backward; M-step: `pi = gamma_0`, `P_ij = sum xi_t(i,j) / sum gamma_t(i)`,
 * `sigma_r^2 = sum gamma_t(r) dx_t^2 / (dt sum gamma_t(r))`. Each iteration cannot lower the
 * likelihood. Switch rates follow from the transition matrix (`generatorFromTransition`).
 * Offline (an optimizer job): allocates freely.
 */
export function baumWelch(returns: ArrayLike<number>, options: BaumWelchOptions): BaumWelchResult {
  const { regimes: R, dtSec: dt } = options;
  const T = returns.length;
  if (!Number.isInteger(R) || R < 1)
    throw new RangeError(`regimes must be an integer >= 1, got ${R}`);
  if (!(dt > 0) || !Number.isFinite(dt))
    throw new RangeError(`dtSec must be finite and > 0, got ${dt}`);
  if (T < 2 * R) throw new RangeError(`returns must have at least ${2 * R} entries, got ${T}`);
  for (let t = 0; t < T; t++)
    if (!Number.isFinite(returns[t]!)) throw new RangeError(`returns[${t}] must be finite`);
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-10;
  const start = options.initial ?? defaultEmStart(returns, R, dt);
  const sigma = Float64Array.from(start.sigmaPerSqrtSec);
  const P = Float64Array.from(start.transition);
  const pi = Float64Array.from(start.initialProb);
  let variance = 0;
  for (let t = 0; t < T; t++) variance += returns[t]! ** 2;
  const floorVar = (variance / (T * dt)) * 1e-12 || Number.MIN_VALUE;
  const logDensity = new Float64Array(T * R);
  const trace: number[] = [];
  let fb = eStep(returns, sigma, P, pi, dt, logDensity);
  trace.push(fb.logLikelihood);
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations && !converged) {
    mStep(returns, fb, R, dt, floorVar, sigma, P, pi);
    fb = eStep(returns, sigma, P, pi, dt, logDensity);
    iterations++;
    const gain = fb.logLikelihood - trace[trace.length - 1]!;
    trace.push(fb.logLikelihood);
    converged = gain <= tolerance * T;
  }
  return sortByVolatility(sigma, P, pi, fb, trace, iterations, converged, dt);
}

function eStep(
  dx: ArrayLike<number>,
  sigma: Float64Array,
  P: Float64Array,
  pi: Float64Array,
  dt: number,
  logDensity: Float64Array,
): ForwardBackwardResult {
  const R = sigma.length;
  const c = -HALF_LOG_2PI - 0.5 * Math.log(dt);
  for (let t = 0; t < dx.length; t++)
    for (let r = 0; r < R; r++)
      logDensity[t * R + r] = c - Math.log(sigma[r]!) - (0.5 * dx[t]! ** 2) / (sigma[r]! ** 2 * dt);
  return forwardBackward(logDensity, P, pi, R);
}

function mStep(
  dx: ArrayLike<number>,
  fb: ForwardBackwardResult,
  R: number,
  dt: number,
  floorVar: number,
  sigma: Float64Array,
  P: Float64Array,
  pi: Float64Array,
): void {
  const T = dx.length;
  const { smoothed: g, pairCounts } = fb;
  for (let r = 0; r < R; r++) {
    let w = 0;
    let s2 = 0;
    let wLeave = 0; // sum of gamma_t(r) for t < T - 1
    for (let t = 0; t < T; t++) {
      const gr = g[t * R + r]!;
      w += gr;
      s2 += gr * dx[t]! ** 2;
      if (t < T - 1) wLeave += gr;
    }
    sigma[r] = Math.sqrt(w > 0 ? Math.max(floorVar, s2 / (w * dt)) : floorVar);
    pi[r] = g[r]!;
    for (let j = 0; j < R; j++)
      P[r * R + j] = wLeave > 0 ? pairCounts[r * R + j]! / wLeave : r === j ? 1 : 0;
  }
}

function sortByVolatility(
  sigma: Float64Array,
  P: Float64Array,
  pi: Float64Array,
  fb: ForwardBackwardResult,
  trace: number[],
  iterations: number,
  converged: boolean,
  dt: number,
): BaumWelchResult {
  const R = sigma.length;
  const order = Array.from({ length: R }, (_, r) => r).sort((a, b) => sigma[a]! - sigma[b]!);
  const transition = new Float64Array(R * R);
  for (let i = 0; i < R; i++)
    for (let j = 0; j < R; j++) transition[i * R + j] = P[order[i]! * R + order[j]!]!;
  const T = fb.smoothed.length / R;
  const smoothed = new Float64Array(T * R);
  for (let t = 0; t < T; t++)
    for (let r = 0; r < R; r++) smoothed[t * R + r] = fb.smoothed[t * R + order[r]!]!;
  return {
    sigmaPerSqrtSec: Float64Array.from(order, (r) => sigma[r]!),
    transition,
    initialProb: Float64Array.from(order, (r) => pi[r]!),
    ...generatorFromTransition(transition, R, dt),
    logLikelihood: fb.logLikelihood,
    trace,
    iterations,
    converged,
    smoothed,
  };
}
