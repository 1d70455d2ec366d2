import { type HjbProblem, validateHjbProblem } from './HjbProblem.js';
import { hjbSlopes } from './hjbRhs.js';
import { quoteTableFromValues } from './QuoteTable.js';
import type { StationarySolution } from './StationarySolution.js';

export interface StationaryOptions {
  /** Warm start, e.g. the previous solution's `h` when only the drift or the book changed. */
  initialH?: Float64Array;
  /** Iteration budget (default 200). */
  maxIterations?: number;
}

const ROW_CONTINUE = 0;
const ROW_BUY = 1;
const ROW_SELL = -1;

/**
 * The stationary HJB `g = mu q - phi q^2 + H_b(h(q+1) - h(q)) + H_a(h(q-1) - h(q))`, with the
 * taker QVI `max(that - g, h(q+1) - c_b - h(q), h(q-1) - c_a - h(q)) = 0` when taker costs are set,
 * solved by Newton's method on `(h, g)` with `h` pinned at one level. For a linear gain Newton is
 * exactly Howard's policy iteration (the linearisation of `H` at `p0` is the evaluation of the
 * quote `d*(p0)`), which converges monotonically; the linear systems are two tridiagonal solves
 * either side of the pinned level plus one scalar equation, O(qMax) per iteration.
 */
export function solveStationary(
  problem: HjbProblem,
  options: StationaryOptions = {},
): StationarySolution {
  validateHjbProblem(problem);
  const { qMax, bid, ask, phiPerLot2Sec: phi, muPerLotSec: mu, taker } = problem;
  const n = 2 * qMax + 1;
  const h = options.initialH ? Float64Array.from(options.initialH) : initialGuess(problem);
  if (h.length !== n) throw new RangeError(`initialH must have ${n} levels, got ${h.length}`);
  const maxIterations = options.maxIterations ?? 200;
  const running = new Float64Array(n);
  for (let i = 0; i < n; i++) running[i] = mu * (i - qMax) - phi * (i - qMax) ** 2;
  const sb = new Float64Array(n);
  const sa = new Float64Array(n);
  const kind = new Int8Array(n);
  const r = new Float64Array(n);
  const work = new TridiagonalWork(n);
  let g = Number.NaN;
  for (let it = 1; it <= maxIterations; it++) {
    hjbSlopes(problem, h, sb, sa);
    // Residuals of the current iterate; g is eliminated at the pinned level below.
    for (let i = 0; i < n; i++) {
      const hi = h[i]!;
      let cont = running[i]!;
      if (i < n - 1) cont += bid.hamiltonian(h[i + 1]! - hi);
      if (i > 0) cont += ask.hamiltonian(h[i - 1]! - hi);
      r[i] = cont; // minus g, added once g is known
      kind[i] = ROW_CONTINUE;
    }
    if (Number.isNaN(g)) g = r[qMax]!;
    let maxRes = 0;
    for (let i = 0; i < n; i++) {
      let best = r[i]! - g;
      let k = ROW_CONTINUE;
      if (taker) {
        if (i < n - 1) {
          const buy = h[i + 1]! - taker.buyCostPerLot - h[i]!;
          if (buy > best) {
            best = buy;
            k = ROW_BUY;
          }
        }
        if (i > 0) {
          const sell = h[i - 1]! - taker.sellCostPerLot - h[i]!;
          if (sell > best) {
            best = sell;
            k = ROW_SELL;
          }
        }
      }
      r[i] = best;
      kind[i] = k;
      maxRes = Math.max(maxRes, Math.abs(best));
    }
    if (!Number.isFinite(maxRes))
      throw new Error('stationary solver diverged (non-finite residual): check the parameters');
    const pin = nearestContinuation(kind, qMax);
    const dg = work.newtonStep(kind, sb, sa, r, pin);
    g += dg;
    let maxStep = Math.abs(dg);
    let maxH = 0;
    for (let i = 0; i < n; i++) {
      maxStep = Math.max(maxStep, Math.abs(work.dh[i]!));
      h[i] = h[i]! + work.dh[i]!;
      maxH = Math.max(maxH, Math.abs(h[i]!));
    }
    if (maxStep <= 1e-13 * (1 + maxH + Math.abs(g))) {
      const h0 = h[qMax]!;
      for (let i = 0; i < n; i++) h[i] = h[i]! - h0;
      return { table: quoteTableFromValues(problem, h), valuePerSec: g, iterations: it };
    }
  }
  throw new Error(`stationary solver did not converge in ${maxIterations} iterations`);
}

/** The quadratic `h = -s q^2` balancing `phi q^2` against the curvature of `H` at 0. */
function initialGuess(problem: HjbProblem): Float64Array {
  const { qMax, bid, ask, phiPerLot2Sec: phi } = problem;
  const eps = 1e-6;
  const curvature =
    (bid.hamiltonianSlope(eps) -
      bid.hamiltonianSlope(-eps) +
      ask.hamiltonianSlope(eps) -
      ask.hamiltonianSlope(-eps)) /
    (4 * eps);
  const s = curvature > 0 && phi > 0 ? Math.sqrt(phi / (4 * curvature)) : 0;
  const h = new Float64Array(2 * qMax + 1);
  for (let i = 0; i < h.length; i++) h[i] = -s * (i - qMax) ** 2;
  return h;
}

function nearestContinuation(kind: Int8Array, center: number): number {
  for (let d = 0; d < kind.length; d++) {
    if (center - d >= 0 && kind[center - d] === ROW_CONTINUE) return center - d;
    if (center + d < kind.length && kind[center + d] === ROW_CONTINUE) return center + d;
  }
  throw new Error('no continuation level: every level trades as taker');
}

/**
 * Scratch space for the Newton step. Rows (with `dh_pin = 0`):
 *   continue: sa_i dh_{i-1} - (sa_i + sb_i) dh_i + sb_i dh_{i+1} - dg = -r_i
 *   buy:      dh_{i+1} - dh_i = -r_i          sell: dh_{i-1} - dh_i = -r_i
 * Each side of the pin is tridiagonal in its own unknowns; solving it for the right-hand sides
 * `-r` and the `dg` column gives `dh = a + b dg`, and the pinned row then fixes `dg`.
 */
class TridiagonalWork {
  readonly dh: Float64Array;
  private readonly lower: Float64Array;
  private readonly diag: Float64Array;
  private readonly upper: Float64Array;
  private readonly rhsA: Float64Array;
  private readonly rhsB: Float64Array;
  private readonly cPrime: Float64Array;

  constructor(n: number) {
    this.dh = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.diag = new Float64Array(n);
    this.upper = new Float64Array(n);
    this.rhsA = new Float64Array(n);
    this.rhsB = new Float64Array(n);
    this.cPrime = new Float64Array(n);
  }

  newtonStep(
    kind: Int8Array,
    sb: Float64Array,
    sa: Float64Array,
    r: Float64Array,
    pin: number,
  ): number {
    const n = kind.length;
    const { lower, diag, upper, rhsA, rhsB, dh } = this;
    for (let i = 0; i < n; i++) {
      const k = kind[i];
      if (k === ROW_CONTINUE) {
        lower[i] = sa[i]!;
        upper[i] = sb[i]!;
        diag[i] = -(sa[i]! + sb[i]!);
        rhsB[i] = 1; // coefficient of dg moved to the right-hand side
      } else if (k === ROW_BUY) {
        lower[i] = 0;
        upper[i] = 1;
        diag[i] = -1;
        rhsB[i] = 0;
      } else {
        lower[i] = 1;
        upper[i] = 0;
        diag[i] = -1;
        rhsB[i] = 0;
      }
      rhsA[i] = -r[i]!;
    }
    // Blocks [0, pin) and (pin, n): the couplings to dh_pin = 0 drop out.
    this.solveBlock(0, pin);
    this.solveBlock(pin + 1, n);
    const aL = pin > 0 ? rhsA[pin - 1]! : 0;
    const bL = pin > 0 ? rhsB[pin - 1]! : 0;
    const aU = pin < n - 1 ? rhsA[pin + 1]! : 0;
    const bU = pin < n - 1 ? rhsB[pin + 1]! : 0;
    const coef = sa[pin]! * bL + sb[pin]! * bU - 1;
    const dg = (-r[pin]! - sa[pin]! * aL - sb[pin]! * aU) / coef;
    for (let i = 0; i < n; i++) dh[i] = i === pin ? 0 : rhsA[i]! + rhsB[i]! * dg;
    return dg;
  }

  /** Thomas algorithm on rows [from, to), both right-hand sides in place. */
  private solveBlock(from: number, to: number): void {
    if (to <= from) return;
    const { lower, diag, upper, rhsA, rhsB, cPrime } = this;
    let denom = diag[from]!;
    if (denom === 0) throw new Error('stationary solver: singular Newton system');
    cPrime[from] = from + 1 < to ? upper[from]! / denom : 0;
    rhsA[from] = rhsA[from]! / denom;
    rhsB[from] = rhsB[from]! / denom;
    for (let i = from + 1; i < to; i++) {
      denom = diag[i]! - lower[i]! * cPrime[i - 1]!;
      if (denom === 0) throw new Error('stationary solver: singular Newton system');
      cPrime[i] = i + 1 < to ? upper[i]! / denom : 0;
      rhsA[i] = (rhsA[i]! - lower[i]! * rhsA[i - 1]!) / denom;
      rhsB[i] = (rhsB[i]! - lower[i]! * rhsB[i - 1]!) / denom;
    }
    for (let i = to - 2; i >= from; i--) {
      rhsA[i] = rhsA[i]! - cPrime[i]! * rhsA[i + 1]!;
      rhsB[i] = rhsB[i]! - cPrime[i]! * rhsB[i + 1]!;
    }
  }
}
