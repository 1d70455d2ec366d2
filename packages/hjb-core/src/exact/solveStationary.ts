import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';
import { type HjbProblem, validateHjbProblem } from './HjbProblem.js';
import { pairHamiltonians } from './pairHamiltonians.js';
import { quoteTableFromValues } from './QuoteTable.js';
import type { StationarySolution } from './StationarySolution.js';
import { solveStationaryExponential } from './solveStationaryExponential.js';

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
  const n = 2 * problem.qMax + 1;
  if (options.initialH && options.initialH.length !== n)
    throw new RangeError(`initialH must have ${n} levels, got ${options.initialH.length}`);
  const maxIterations = options.maxIterations ?? 200;
  const start = options.initialH ? Float64Array.from(options.initialH) : initialGuess(problem);
  try {
    return newton(problem, start, maxIterations);
  } catch (err) {
    // A poor start can make an intermediate policy quote so far away that a rate underflows to 0
    // (an ill-posed policy evaluation). Policy iteration from the flat value quotes every level
    // at a finite distance, so retry from there before reporting the problem as ill-posed.
    if (start.every((v) => v === 0)) throw err;
    return newton(problem, new Float64Array(n), maxIterations);
  }
}

function newton(problem: HjbProblem, h: Float64Array, maxIterations: number): StationarySolution {
  const { qMax, bid, ask, phiPerLot2Sec: phi, muPerLotSec: mu, taker } = problem;
  const n = 2 * qMax + 1;
  const running = new Float64Array(n);
  for (let i = 0; i < n; i++) running[i] = mu * (i - qMax) - phi * (i - qMax) ** 2;
  const sb = new Float64Array(n);
  const sa = new Float64Array(n);
  const kind = new Int8Array(n);
  const r = new Float64Array(n);
  const work = new TridiagonalWork(n);
  const residuals = pairHamiltonians(bid, ask);
  let g = Number.NaN;
  let prevStep = Number.POSITIVE_INFINITY;
  for (let it = 1; it <= maxIterations; it++) {
    // Residuals of the current iterate (g is subtracted below) and the slopes, one pass.
    residuals(h, running, r, sb, sa);
    floorSlopes(sb, sa);
    if (Number.isNaN(g)) g = r[qMax]!;
    let maxRes = 0;
    let policyChanged = it === 1;
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
      if (kind[i] !== k) policyChanged = true;
      kind[i] = k;
      maxRes = Math.max(maxRes, Math.abs(best));
    }
    if (!Number.isFinite(maxRes))
      throw new Error('stationary solver diverged (non-finite residual): check the parameters');
    const pin = recurrentPin(kind, sb, sa);
    const dg = work.newtonStep(kind, sb, sa, r, pin);
    g += dg;
    let maxStep = Math.abs(dg);
    let maxH = 0;
    for (let i = 0; i < n; i++) {
      maxStep = Math.max(maxStep, Math.abs(work.dh[i]!));
      h[i] = h[i]! + work.dh[i]!;
      maxH = Math.max(maxH, Math.abs(h[i]!));
    }
    // Converged: this step was below tolerance, or the taker policy is settled, Newton is in its
    // quadratic regime and the next step, predicted as C step^2 with C = step / previous step^2,
    // would be (saves the confirming iteration).
    const tol = 1e-13 * (1 + maxH + Math.abs(g));
    const predicted = (maxStep / (prevStep * prevStep)) * maxStep * maxStep;
    const settled = !policyChanged && maxStep <= 1e-8 * (1 + maxH) && predicted <= tol;
    if (maxStep <= tol || settled) {
      const h0 = h[qMax]!;
      for (let i = 0; i < n; i++) h[i] = h[i]! - h0;
      return { table: quoteTableFromValues(problem, h), valuePerSec: g, iterations: it };
    }
    prevStep = maxStep;
  }
  throw new Error(`stationary solver did not converge in ${maxIterations} iterations`);
}

/**
 * The starting point: for exponential intensities with one k, the Perron solution without taker
 * costs (exact when there are none; Newton then only adds the taker constraints). Otherwise the
 * quadratic `h = -s q^2` balancing `phi q^2` against the curvature of `H` at 0.
 */
function initialGuess(problem: HjbProblem): Float64Array {
  const { qMax, bid, ask, phiPerLot2Sec: phi } = problem;
  if (
    bid instanceof ExponentialIntensity &&
    ask instanceof ExponentialIntensity &&
    bid.kPerPrice === ask.kPerPrice
  )
    return solveStationaryExponential({ ...problem, taker: undefined }).table.h;
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

/**
 * A quote far enough away has a fill rate that underflows to exactly 0 in double precision,
 * although it is positive (e.g. the ask at +qMax under a strong upward drift, which the optimum
 * almost never wants filled). Floor the rates at 1e-200 of the largest so the chain stays
 * connected and the pin and pivots stay finite; the effect on values is far below rounding.
 */
function floorSlopes(sb: Float64Array, sa: Float64Array): void {
  let max = 0;
  for (let i = 0; i < sb.length; i++) max = Math.max(max, sb[i]!, sa[i]!);
  const floor = max * 1e-200;
  const last = sb.length - 1;
  for (let i = 0; i <= last; i++) {
    if (i < last && sb[i]! < floor) sb[i] = floor;
    if (i > 0 && sa[i]! < floor) sa[i] = floor;
  }
}

/**
 * The level to pin: the mode of the stationary distribution of the current quotes
 * (`pi_{i+1}/pi_i = sb_i/sa_{i+1}` for a birth-death chain), among the continuation levels.
 * Pinning where the chain lives keeps the Newton system well conditioned; pinning at a level
 * the chain only passes through makes the response to `dg` huge (1/probability of return) and
 * the pinned row cancels catastrophically.
 */
function recurrentPin(kind: Int8Array, sb: Float64Array, sa: Float64Array): number {
  let logPi = 0;
  let best = Number.NEGATIVE_INFINITY;
  let pin = -1;
  for (let i = 0; i < kind.length; i++) {
    if (i > 0) logPi += Math.log(sb[i - 1]! / sa[i]!);
    if (kind[i] === ROW_CONTINUE && (logPi > best || pin < 0)) {
      best = logPi;
      pin = i;
    }
  }
  if (pin < 0) throw new Error('no continuation level: every level trades as taker');
  return pin;
}

/**
 * Scratch space for the Newton step. Rows (with `dh_pin = 0`):
 *   continue: sa_i dh_{i-1} - (sa_i + sb_i) dh_i + sb_i dh_{i+1} - dg = -r_i
 *   buy:      dh_{i+1} - dh_i = -r_i          sell: dh_{i-1} - dh_i = -r_i
 * Every row has the generator form `l x_{i-1} - (l + u) x_i + u x_{i+1}` with `l, u >= 0`.
 * Each side of the pin is tridiagonal in its own unknowns; solving it for the right-hand sides
 * `-r` and the `dg` column gives `dh = a + b dg`, and the pinned row then fixes `dg`.
 *
 * Plain Thomas elimination loses everything to cancellation here (the rows sum to zero, and with
 * very uneven rates `1 + c'` rounds to 0), so each block is eliminated starting next to the pin and
 * moving away from it, carrying every pivot's deficit `|pivot| - away` as a product (the
 * Grassmann-Taksar-Heyman idea): no subtraction, full relative accuracy.
 */
class TridiagonalWork {
  readonly dh: Float64Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly rhsA: Float64Array;
  private readonly rhsB: Float64Array;
  private readonly pivot: Float64Array;

  constructor(n: number) {
    this.dh = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.upper = new Float64Array(n);
    this.rhsA = new Float64Array(n);
    this.rhsB = new Float64Array(n);
    this.pivot = new Float64Array(n);
  }

  newtonStep(
    kind: Int8Array,
    sb: Float64Array,
    sa: Float64Array,
    r: Float64Array,
    pin: number,
  ): number {
    const n = kind.length;
    const { lower, upper, rhsA, rhsB, dh } = this;
    for (let i = 0; i < n; i++) {
      const k = kind[i];
      lower[i] = k === ROW_CONTINUE ? sa[i]! : k === ROW_SELL ? 1 : 0;
      upper[i] = k === ROW_CONTINUE ? sb[i]! : k === ROW_BUY ? 1 : 0;
      rhsB[i] = k === ROW_CONTINUE ? 1 : 0; // coefficient of dg moved to the right-hand side
      rhsA[i] = -r[i]!;
    }
    // Above the pin the coupling towards it is `lower`; below it, `upper`.
    this.solveAway(pin + 1, n, 1, lower, upper);
    this.solveAway(pin - 1, -1, -1, upper, lower);
    const aL = pin > 0 ? rhsA[pin - 1]! : 0;
    const bL = pin > 0 ? rhsB[pin - 1]! : 0;
    const aU = pin < n - 1 ? rhsA[pin + 1]! : 0;
    const bU = pin < n - 1 ? rhsB[pin + 1]! : 0;
    const coef = sa[pin]! * bL + sb[pin]! * bU - 1;
    const dg = (-r[pin]! - sa[pin]! * aL - sb[pin]! * aU) / coef;
    for (let i = 0; i < n; i++) dh[i] = i === pin ? 0 : rhsA[i]! + rhsB[i]! * dg;
    return dg;
  }

  /**
   * Solve rows `from, from + step, ...` (stopping before `to`) of
   * `toward_i x_{i-step} - (toward_i + away_i) x_i + away_i x_{i+step} = rhs_i`, where the first
   * row's `toward` neighbour is the pinned level (x = 0). Both right-hand sides in place.
   */
  private solveAway(
    from: number,
    to: number,
    step: number,
    toward: Float64Array,
    away: Float64Array,
  ): void {
    if (from === to) return;
    const { rhsA, rhsB, pivot } = this;
    // |pivot_i| = away_i + deficit_i, deficit_first = toward_first,
    // deficit_i = toward_i * deficit_{i-step} / |pivot_{i-step}|.
    let deficit = toward[from]!;
    let prev = -1;
    for (let i = from; i !== to; i += step) {
      if (prev >= 0) deficit = (toward[i]! * deficit) / pivot[prev]!;
      const p = away[i]! + deficit;
      if (!(p > 0)) throw illPosed(i);
      pivot[i] = p;
      // Row scaled by -1: (toward + away) x_i - toward x_prev - away x_next = -rhs.
      const t = prev >= 0 ? toward[i]! : 0;
      rhsA[i] = (-rhsA[i]! + t * (prev >= 0 ? rhsA[prev]! : 0)) / p;
      rhsB[i] = (-rhsB[i]! + t * (prev >= 0 ? rhsB[prev]! : 0)) / p;
      prev = i;
    }
    // Back substitution from the far end: x_i = rhs'_i + (away_i / pivot_i) x_{i+step}.
    let next = -1;
    for (let i = prev; i !== from - step; i -= step) {
      if (next >= 0) {
        const c = away[i]! / pivot[i]!;
        rhsA[i] = rhsA[i]! + c * rhsA[next]!;
        rhsB[i] = rhsB[i]! + c * rhsB[next]!;
      }
      next = i;
    }
  }
}

function illPosed(level: number): Error {
  return new Error(
    `stationary problem is ill-posed: inventory level index ${level} cannot be left (no fill intensity ` +
      'on either side there, e.g. a book imbalance of exactly 0 or 1)',
  );
}
