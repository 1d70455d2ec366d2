import { BandMatrix } from './bandedLu.js';
import { quadraticForm } from './matrix.js';
import {
  type MultiAssetProblem,
  type PreparedMultiAsset,
  prepareMultiAsset,
} from './multiAssetProblem.js';
import { solveMultiAssetStationary } from './multiAssetRiccati.js';
import type { MultiAssetQuotes } from './multiAssetSolution.js';

/** Options of the exact product-grid solver. */
export interface MultiAssetGridOptions {
  /** Inventory bound per asset, lots: `|n_i| <= maxLots[i]`, integers >= 1. */
  maxLots: readonly number[];
  /** Newton (policy iteration) budget; default 100. */
  maxIterations?: number;
}

/**
 * The exact stationary solution on the product inventory grid `|n_i| <= N_i` (lots): `theta` and
 * the long-run value rate `g` of the reduced HJB with the exact exponential Hamiltonians,
 *   g = -q' Phi q + sum_i [ 1{n_i < N_i} H_b^i((theta(q) - theta(q + Delta_i e_i)) / Delta_i)
 *                        + 1{n_i > -N_i} H_a^i((theta(q) - theta(q - Delta_i e_i)) / Delta_i) ],
 *   H^i(p) = sum_v (A_v Delta_i C_v / k_v) exp(k_v rebate_v) exp(-k_v p)     (quote currency / s),
 * q in asset units (`q_i = Delta_i n_i`). States are indexed `sum_i (n_i + N_i) strides[i]`.
 */
export interface MultiAssetGridSolution {
  readonly assetCount: number;
  readonly maxLots: Int32Array;
  readonly strides: Int32Array;
  readonly stateCount: number;
  readonly lotSizes: Float64Array;
  readonly venueStart: Int32Array;
  readonly venueStaticDeltaPrice: Float64Array;
  /** `theta(q)`, quote currency, normalised to `theta(0) = 0`. */
  readonly valueCurrency: Float64Array;
  /** `g`, quote currency per second. */
  readonly valuePerSec: number;
  /** Newton iterations used. */
  readonly iterations: number;
}

/** Largest band storage accepted (numbers): 17^3 states need 2.8e6. */
const MAX_BAND_STORAGE = 4e7;
/** Largest factorisation work per iteration (states x bandwidth^2): 17^3 states need 4.1e8. */
const MAX_FACTOR_WORK = 1e9;

/**
 * Solve the stationary HJB on the grid by Newton's method on `(theta, g)` with `theta(0)` pinned.
 * For exponential Hamiltonians (convex in p) each Newton step is a policy evaluation of the
 * linearised quotes (Howard's policy iteration when xi = 0): a sparse generator system, solved
 * exactly by band LU in the lexicographic ordering (bandwidth `strides[0]`). Started from the
 * closed form's quadratic value. Meant for 2-3 assets with small bounds (e.g. 17^3 = 4913 states:
 * about 4e8 flops per iteration).
 */
export function solveMultiAssetGrid(
  problem: MultiAssetProblem | PreparedMultiAsset,
  options: MultiAssetGridOptions,
): MultiAssetGridSolution {
  const prepared = 'assets' in problem ? prepareMultiAsset(problem) : problem;
  const n = prepared.assetCount;
  const { maxLots: bounds } = options;
  if (bounds.length !== n)
    throw new RangeError(`maxLots must have ${n} entries (one per asset), got ${bounds.length}`);
  const maxLots = new Int32Array(n);
  bounds.forEach((b, i) => {
    if (!Number.isInteger(b) || b < 1)
      throw new RangeError(`maxLots[${i}] must be an integer >= 1, got ${b}`);
    maxLots[i] = b;
  });
  const maxIterations = options.maxIterations ?? 100;
  if (!Number.isInteger(maxIterations) || maxIterations < 1)
    throw new RangeError(`maxIterations must be an integer >= 1, got ${maxIterations}`);
  const strides = new Int32Array(n);
  let count = 1;
  for (let i = n - 1; i >= 0; i--) {
    strides[i] = count;
    count *= 2 * maxLots[i]! + 1;
  }
  const bandwidth = strides[0]!;
  if (count * (2 * bandwidth + 1) > MAX_BAND_STORAGE || count * bandwidth ** 2 > MAX_FACTOR_WORK)
    throw new RangeError(
      `maxLots too large: ${count} states with bandwidth ${bandwidth} need about ` +
        `${(count * bandwidth ** 2).toExponential(1)} operations per iteration (limit ${MAX_FACTOR_WORK})`,
    );
  const lots = new Int32Array(count * n);
  for (let s = 0; s < count; s++)
    for (let i = 0; i < n; i++)
      lots[s * n + i] = (Math.floor(s / strides[i]!) % (2 * maxLots[i]! + 1)) - maxLots[i]!;
  const pin = maxLots.reduce((acc, b, i) => acc + b * strides[i]!, 0);

  const { lotSizes, phi } = prepared;
  const units = new Float64Array(n);
  const quadratic = (m: Float64Array, s: number): number => {
    for (let i = 0; i < n; i++) units[i] = lots[s * n + i]! * lotSizes[i]!;
    return quadraticForm(m, units, n);
  };
  const running = new Float64Array(count);
  const theta = new Float64Array(count);
  const start = solveMultiAssetStationary(prepared).valueMatrix;
  for (let s = 0; s < count; s++) {
    running[s] = -quadratic(phi, s);
    theta[s] = -quadratic(start, s);
  }

  const rates = new Float64Array(count * n * 2); // w per (state, asset, side: 0 bid, 1 ask)
  const r = new Float64Array(count);
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const band = new BandMatrix(count, bandwidth);
  let g = Number.NaN;
  let prevStep = Number.POSITIVE_INFINITY;
  for (let it = 1; it <= maxIterations; it++) {
    let maxRate = 0;
    for (let s = 0; s < count; s++) {
      let f = running[s]!;
      for (let i = 0; i < n; i++)
        for (let side = 0; side < 2; side++) {
          const nb = neighbour(s, i, side, lots, n, maxLots, strides);
          let w = 0;
          if (nb >= 0) {
            const p = (theta[s]! - theta[nb]!) / lotSizes[i]!;
            const [h, slope] = hamiltonian(prepared, i, p);
            f += h;
            w = slope / lotSizes[i]!;
          }
          rates[(s * n + i) * 2 + side] = w;
          maxRate = Math.max(maxRate, w);
        }
      r[s] = f;
    }
    if (Number.isNaN(g)) g = r[pin]!;
    const floor = maxRate * 1e-200; // keep the chain connected where a rate underflows
    band.clear();
    for (let s = 0; s < count; s++) {
      r[s] = r[s]! - g;
      if (!Number.isFinite(r[s]!))
        throw new Error('multi-asset grid solver diverged (non-finite residual)');
      if (s === pin) {
        band.add(s, s, 1);
        x[s] = 0;
        y[s] = 0;
        continue;
      }
      for (let i = 0; i < n; i++)
        for (let side = 0; side < 2; side++) {
          const nb = neighbour(s, i, side, lots, n, maxLots, strides);
          if (nb < 0) continue;
          const k = (s * n + i) * 2 + side;
          const w = Math.max(rates[k]!, floor);
          rates[k] = w;
          band.add(s, s, -w);
          if (nb !== pin) band.add(s, nb, w);
        }
      x[s] = -r[s]!;
      y[s] = 1;
    }
    band.factor();
    band.solve(x);
    band.solve(y);
    let num = -r[pin]!;
    let den = -1;
    for (let i = 0; i < n; i++)
      for (let side = 0; side < 2; side++) {
        const nb = neighbour(pin, i, side, lots, n, maxLots, strides);
        if (nb < 0) continue;
        const w = Math.max(rates[(pin * n + i) * 2 + side]!, floor);
        num -= w * x[nb]!;
        den += w * y[nb]!;
      }
    const dg = num / den;
    g += dg;
    let maxStep = 0;
    let maxTheta = 0;
    for (let s = 0; s < count; s++) {
      const d = s === pin ? 0 : x[s]! + dg * y[s]!;
      theta[s] = theta[s]! + d;
      maxStep = Math.max(maxStep, Math.abs(d));
      maxTheta = Math.max(maxTheta, Math.abs(theta[s]!));
    }
    const stepOk = Math.abs(dg) <= 1e-12 * Math.abs(g) || dg === 0;
    const converged =
      (maxStep <= 1e-12 * maxTheta && stepOk) ||
      // Stagnation at rounding level: quadratic convergence has stopped paying.
      (maxStep > 0.5 * prevStep &&
        maxStep <= 1e-9 * maxTheta &&
        Math.abs(dg) <= 1e-9 * Math.abs(g));
    prevStep = maxStep;
    if (converged)
      return {
        assetCount: n,
        maxLots,
        strides,
        stateCount: count,
        lotSizes,
        venueStart: prepared.venueStart,
        venueStaticDeltaPrice: prepared.venueStaticDeltaPrice,
        valueCurrency: theta,
        valuePerSec: g,
        iterations: it,
      };
  }
  throw new Error(`multi-asset grid solver did not converge in ${maxIterations} iterations`);
}

/** The neighbour after a fill of asset i (side 0: bid filled, +1 lot; 1: ask, -1 lot), or -1. */
function neighbour(
  s: number,
  i: number,
  side: number,
  lots: Int32Array,
  n: number,
  maxLots: Int32Array,
  strides: Int32Array,
): number {
  const l = lots[s * n + i]!;
  if (side === 0) return l < maxLots[i]! ? s + strides[i]! : -1;
  return l > -maxLots[i]! ? s - strides[i]! : -1;
}

/** `[H(p), -H'(p)]` of asset i's side (the venues' sum). */
function hamiltonian(prepared: PreparedMultiAsset, i: number, p: number): [number, number] {
  let h = 0;
  let slope = 0;
  const end = prepared.venueStart[i + 1]!;
  for (let v = prepared.venueStart[i]!; v < end; v++) {
    const k = prepared.venueKPerPrice[v]!;
    const term = prepared.venueHamiltonianScale[v]! * Math.exp(-k * p);
    h += term;
    slope += k * term;
  }
  return [h, slope];
}

/** The state index of `inventoryLots`; RangeError naming the entry when off the grid. */
export function gridStateIndex(
  grid: MultiAssetGridSolution,
  inventoryLots: ArrayLike<number>,
): number {
  let s = 0;
  for (let i = 0; i < grid.assetCount; i++) {
    const l = inventoryLots[i]!;
    const b = grid.maxLots[i]!;
    if (!Number.isInteger(l) || Math.abs(l) > b)
      throw new RangeError(`inventoryLots[${i}] must be an integer in [-${b}, ${b}], got ${l}`);
    s += (l + b) * grid.strides[i]!;
  }
  return s;
}

/**
 * The exact optimal quotes at `inventoryLots` into `out` (layout of `createMultiAssetQuotes`):
 * `p_b^i = (theta(q) - theta(q + Delta_i e_i)) / Delta_i`, distance `c1_v - rebate_v + p_b^i`;
 * `NaN` for the bid at `n_i = +N_i` and the ask at `n_i = -N_i`.
 */
export function gridQuotesFor(
  grid: MultiAssetGridSolution,
  inventoryLots: ArrayLike<number>,
  out: MultiAssetQuotes,
): MultiAssetQuotes {
  return gridQuotesAtIndex(grid, gridStateIndex(grid, inventoryLots), out);
}

/** As `gridQuotesFor`, by state index. */
export function gridQuotesAtIndex(
  grid: MultiAssetGridSolution,
  s: number,
  out: MultiAssetQuotes,
): MultiAssetQuotes {
  const { valueCurrency: theta, strides, maxLots, lotSizes } = grid;
  const t = theta[s]!;
  for (let i = 0; i < grid.assetCount; i++) {
    const l = (Math.floor(s / strides[i]!) % (2 * maxLots[i]! + 1)) - maxLots[i]!;
    const d = lotSizes[i]!;
    const pb = l < maxLots[i]! ? (t - theta[s + strides[i]!]!) / d : Number.NaN;
    const pa = l > -maxLots[i]! ? (t - theta[s - strides[i]!]!) / d : Number.NaN;
    out.bidMarginalPrice[i] = pb;
    out.askMarginalPrice[i] = pa;
    const end = grid.venueStart[i + 1]!;
    for (let v = grid.venueStart[i]!; v < end; v++) {
      const c = grid.venueStaticDeltaPrice[v]!;
      out.bidDeltaPrice[v] = c + pb;
      out.askDeltaPrice[v] = c + pa;
    }
  }
  return out;
}
