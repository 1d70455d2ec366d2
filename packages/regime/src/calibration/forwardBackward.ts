/**
 * Scaled forward-backward (Rabiner 1989, section V.A) for an R-state hidden Markov chain with a
 * per-step transition matrix `P` (row-major R x R) and per-step log emission densities
 * `logDensity[t * R + r]`. Densities are rescaled per step by their maximum (folded into the
 * log-likelihood) and the forward variables by their sum, so nothing under- or overflows.
 */
export interface ForwardBackwardResult {
  /** `gamma[t * R + r] = P(regime_t = r | all observations)`. */
  smoothed: Float64Array;
  /** `sum_t P(regime_t = i, regime_{t+1} = j | all)`, row-major R x R. */
  pairCounts: Float64Array;
  /** Log-likelihood of all observations. */
  logLikelihood: number;
}

export function forwardBackward(
  logDensity: Float64Array,
  transition: Float64Array,
  initialProb: ArrayLike<number>,
  regimes: number,
): ForwardBackwardResult {
  const R = regimes;
  const T = logDensity.length / R;
  const b = new Float64Array(T * R);
  const alpha = new Float64Array(T * R);
  const scale = new Float64Array(T);
  let logLikelihood = 0;
  for (let t = 0; t < T; t++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < R; r++) m = Math.max(m, logDensity[t * R + r]!);
    for (let r = 0; r < R; r++) b[t * R + r] = Math.exp(logDensity[t * R + r]! - m);
    let c = 0;
    for (let j = 0; j < R; j++) {
      let p = 0;
      if (t === 0) p = initialProb[j]!;
      else for (let i = 0; i < R; i++) p += alpha[(t - 1) * R + i]! * transition[i * R + j]!;
      const a = p * b[t * R + j]!;
      alpha[t * R + j] = a;
      c += a;
    }
    if (!(c > 0)) throw new RangeError(`observation ${t} has zero probability under the model`);
    for (let j = 0; j < R; j++) alpha[t * R + j] = alpha[t * R + j]! / c;
    scale[t] = c;
    logLikelihood += Math.log(c) + m;
  }
  const smoothed = new Float64Array(T * R);
  const pairCounts = new Float64Array(R * R);
  const beta = new Float64Array(R).fill(1);
  const next = new Float64Array(R);
  for (let r = 0; r < R; r++) smoothed[(T - 1) * R + r] = alpha[(T - 1) * R + r]!;
  for (let t = T - 2; t >= 0; t--) {
    // w_j = b_{t+1}(j) beta_{t+1}(j) / c_{t+1}
    for (let j = 0; j < R; j++) next[j] = (b[(t + 1) * R + j]! * beta[j]!) / scale[t + 1]!;
    for (let i = 0; i < R; i++) {
      let s = 0;
      const ai = alpha[t * R + i]!;
      for (let j = 0; j < R; j++) {
        const v = transition[i * R + j]! * next[j]!;
        s += v;
        pairCounts[i * R + j] = pairCounts[i * R + j]! + ai * v;
      }
      beta[i] = s;
    }
    for (let i = 0; i < R; i++) smoothed[t * R + i] = alpha[t * R + i]! * beta[i]!;
  }
  return { smoothed, pairCounts, logLikelihood };
}
