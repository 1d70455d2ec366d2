import { matrixLogarithm } from '../linalg/matrixLogarithm.js';

/** A generator read off a per-step transition matrix. */
export interface GeneratorEstimate {
  /** `G[r][r']`, switches per second; a valid generator. */
  generatorPerSec: number[][];
  /**
   * Whether `P = expm(G dt)` has an exact generator solution: the matrix logarithm had no
   * negative off-diagonal (the embedding problem). When false, negative rates were set to 0
   * and the diagonal re-balanced, so `expm(G dt)` only approximates `P`.
   */
  embeddable: boolean;
}

/**
 * The generator `G = log(P) / dt` of a transition matrix `P` (row-major, rows summing to 1)
 * estimated at a fixed step `dtSec`: the principal matrix logarithm, projected onto generators
 * when necessary (see `embeddable`). For small switching probabilities `G ~ (P - I)/dt`.
 * Without a real logarithm (an eigenvalue of P on the negative axis: regimes that alternate
 * every step) the exit rate is `-ln(P_rr)/dt`, split in proportion to `P_rr'` (not embeddable).
 */
export function generatorFromTransition(
  transition: ArrayLike<number>,
  regimes: number,
  dtSec: number,
): GeneratorEstimate {
  if (!(dtSec > 0) || !Number.isFinite(dtSec))
    throw new RangeError(`dtSec must be finite and > 0, got ${dtSec}`);
  const n = regimes;
  let log: ArrayLike<number>;
  try {
    log = matrixLogarithm(transition, n);
  } catch {
    return { generatorPerSec: leaveRates(transition, n, dtSec), embeddable: false };
  }
  let embeddable = true;
  // Rounding in the logarithm is relative to the largest entry, not to each row.
  let scale = 0;
  for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(log[k]!));
  const g: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    let total = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) {
        row.push(0);
        continue;
      }
      let v = log[i * n + j]! / dtSec;
      if (v < 0) {
        if (v < (-1e-12 * scale) / dtSec) embeddable = false;
        v = 0;
      }
      row.push(v);
      total += v;
    }
    row[i] = -total;
    g.push(row);
  }
  return { generatorPerSec: g, embeddable };
}

function leaveRates(p: ArrayLike<number>, n: number, dtSec: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const stay = p[i * n + i]!;
    const exit = stay > 0 ? -Math.log(stay) / dtSec : Number.MAX_VALUE;
    const row = Array.from({ length: n }, (_, j) =>
      j === i || stay >= 1 ? 0 : (exit * p[i * n + j]!) / (1 - stay),
    );
    row[i] = -row.reduce((a, b) => a + b, 0);
    return row;
  });
}
