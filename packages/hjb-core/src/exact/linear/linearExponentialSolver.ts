import { ExponentialIntensity } from '../../intensity/exponentialIntensity.js';
import type { HjbProblem } from '../HjbProblem.js';
import { MirrorModes } from './mirrorModes.js';
import type { ModeSource } from './modeSource.js';
import { TridiagonalModes } from './tridiagonalModes.js';

/** An exponential-fill problem without taker costs: `exp(k h)` linearises its HJB. */
export interface LinearExponentialProblem extends HjbProblem {
  bid: ExponentialIntensity;
  ask: ExponentialIntensity;
  taker?: undefined;
}

/** Exponential intensities on both sides with one `k`, and no taker impulse (DESIGN 3.4). */
export function isLinearExponential(problem: HjbProblem): problem is LinearExponentialProblem {
  return (
    problem.taker === undefined &&
    problem.bid instanceof ExponentialIntensity &&
    problem.ask instanceof ExponentialIntensity &&
    problem.bid.kPerPrice === problem.ask.kPerPrice
  );
}

/** Neglected modes must be below this fraction of every level's `w` (relative to it). */
const TAIL_RELATIVE = 1e-17;
/** Terms more than this far (natural log) below a level's largest term are skipped. */
const SKIP_LOG = 60;
/**
 * A level whose modal sum cancels more than this (sum |terms| / |sum|) is not trusted: rounding
 * in the terms and eigenvectors (~1e-16 of the largest, times ~10-100) would reach ~1e-12 of `w`.
 */
const MAX_CANCELLATION = 1e3;

/**
 * The finite-horizon HJB of an exponential model in w-space (DESIGN 3.4, Gueant 2017 eq. 3.13):
 * with `w = exp(k h)`, `dw/dtau = M w`, `M` tridiagonal with `M_ii = k (mu q - phi q^2)`,
 * `M_{i,i+1} = k H_b(0) = A_b C_xi` (bid fill, q up) and `M_{i+1,i} = A_a C_xi`; `w(0) = exp(-k terminal)`.
 * A diagonal similarity `w = D u`, `D_{i+1}/D_i = sqrt(M_{i+1,i}/M_{i,i+1})`, makes it symmetric
 * (`T = D^-1 M D`, off-diagonal `sqrt(M_{i,i+1} M_{i+1,i})`), so
 *
 *   u(tau) = sum_j v_j exp(lambda_j tau) (v_j' u(0)),
 *
 * one eigendecomposition for every time. Everything is in logs (`ln D`, `ln u(0)`, eigenvectors
 * as log-magnitudes and signs, each level's sum scaled by its largest term), so no grid or
 * horizon overflows. Modes are taken from the top until the rest is provably negligible for
 * every level at every requested time: `|sum_{j>=J} v_j(i) e^{lambda_j tau} c_j| <=
 * e^{lambda_J tau} ||u(0)||` (Cauchy-Schwarz), kept below `1e-17 u_i(tau)`.
 */
export class LinearExponentialSolver {
  readonly k: number;
  readonly n: number;
  private readonly modes: ModeSource;
  private readonly logD: Float64Array;
  private readonly logU0: Float64Array;
  private readonly logNormU0: number;
  /** Per mode: `ln |v_j' u(0)|` and its sign. */
  private readonly logCoef: number[] = [];
  private readonly signCoef: number[] = [];
  /** `rowLog[i * modes + j] = ln |v_j(i) c_j|`, `rowSign` its sign (see `ensureModes`). */
  private rowLog = new Float64Array(0);
  private rowSign = new Int8Array(0);

  constructor(problem: LinearExponentialProblem) {
    const { qMax, bid, ask, phiPerLot2Sec: phi, muPerLotSec: mu } = problem;
    const k = bid.kPerPrice;
    const n = 2 * qMax + 1;
    this.k = k;
    this.n = n;
    const up = k * bid.hScale; // M[i, i+1]
    const down = k * ask.hScale; // M[i+1, i]
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const q = i - qMax;
      d[i] = k * (mu * q - phi * q * q);
    }
    const e = Math.sqrt(up * down);
    // Without drift (or one below the rounding of the penalty term) the diagonal is
    // mirror-symmetric: even and odd modes separately.
    this.modes =
      Math.abs(mu) <= 4 * Number.EPSILON * phi || mu === 0
        ? new MirrorModes(
            d.slice(qMax).map((_, q) => -k * phi * q * q),
            e,
          )
        : new TridiagonalModes(d, new Float64Array(n - 1).fill(e));
    const halfLogRatio = 0.5 * Math.log(down / up);
    const alpha = problem.terminal?.alphaPerLot2 ?? 0;
    const liq = problem.terminal?.liquidationCostPerLot ?? 0;
    this.logD = new Float64Array(n);
    this.logU0 = new Float64Array(n);
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const q = i - qMax;
      this.logD[i] = q * halfLogRatio;
      this.logU0[i] = -k * (alpha * q * q + liq * Math.abs(q)) - this.logD[i]!;
      if (this.logU0[i]! > max) max = this.logU0[i]!;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(2 * (this.logU0[i]! - max));
    this.logNormU0 = max + 0.5 * Math.log(s);
  }

  /** Most modes one time needed so far. */
  get modeCount(): number {
    return this.used;
  }

  private used = 0;
  /** Why `values` last returned null (diagnostics). */
  failure: string | undefined;
  private lastCheck = '';

  /**
   * `h(tau)` for each `tau` (seconds of time to go, each > 0); an entry is `null` where the modal
   * sum cannot be trusted to ~1e-12 (heavy cancellation, typically at short times with a steep
   * terminal penalty or one-sided flow, or more than `maxModes` modes needed), and the whole
   * answer is `null` when a mode could not be computed accurately: the caller integrates there.
   */
  values(tausSec: readonly number[], maxModes = 512): (Float64Array | null)[] | null {
    const n = this.n;
    const limit = Math.min(n, maxModes);
    const out: (Float64Array | null)[] = tausSec.map(() => new Float64Array(n));
    // Shortest time first: it needs the most modes; later times need no more than the modes
    // whose neglected tail was small enough before.
    const order = tausSec.map((_, i) => i).sort((a, b) => tausSec[a]! - tausSec[b]!);
    let count = Math.min(limit, 2);
    if (order.length > 0) count = this.modesGuess(tausSec[order[0]!]!, limit);
    let prevTau = Number.NaN;
    for (const idx of order) {
      const tau = tausSec[idx]!;
      if (!Number.isNaN(prevTau) && count < n) {
        // The tail bound that held at the previous time, e^{lambda_count prevTau}.
        const bound = this.modes.eigenvalue(count) * prevTau;
        let c = 2;
        while (c < count && this.modes.eigenvalue(c) * tau > bound) c++;
        count = Math.min(limit, c);
      }
      for (;;) {
        this.ensureModes(count);
        if (this.modes.failed) {
          this.failure = 'a mode could not be made orthogonal to a near-equal neighbour';
          return null;
        }
        if (this.logU(tau, count, out[idx]!)) break;
        if (count >= limit) {
          this.failure = `${this.lastCheck} with ${count} modes at tau ${tau} s`;
          out[idx] = null;
          break;
        }
        count = Math.min(limit, count * 2);
      }
      if (out[idx] === null) continue;
      this.used = Math.max(this.used, count);
      prevTau = tau;
    }
    for (const h of out) {
      if (h === null) continue;
      for (let i = 0; i < n; i++) h[i] = (this.logD[i]! + h[i]!) / this.k;
    }
    return out;
  }

  private ensureModes(count: number): void {
    const start = this.logCoef.length;
    if (count <= start) return;
    for (let j = start; j < count; j++) {
      const { logAbs, sign } = this.modes.mode(j);
      // c_j = sum_m v_j(m) u0(m), a signed log-sum.
      let max = Number.NEGATIVE_INFINITY;
      for (let m = 0; m < this.n; m++) max = Math.max(max, logAbs[m]! + this.logU0[m]!);
      let s = 0;
      for (let m = 0; m < this.n; m++) {
        const x = logAbs[m]! + this.logU0[m]! - max;
        if (x > -SKIP_LOG) s += sign[m]! * Math.exp(x);
      }
      this.logCoef.push(s === 0 ? Number.NEGATIVE_INFINITY : max + Math.log(Math.abs(s)));
      this.signCoef.push(s < 0 ? -1 : 1);
    }
    // Row-major terms `ln |v_j(i) c_j|` and their signs, for the per-level sums.
    const n = this.n;
    const vectors = this.modes.vectors;
    this.rowLog = new Float64Array(n * count);
    this.rowSign = new Int8Array(n * count);
    for (let j = 0; j < count; j++) {
      const v = vectors[j]!;
      const lc = this.logCoef[j]!;
      const sc = this.signCoef[j]!;
      for (let i = 0; i < n; i++) {
        this.rowLog[i * count + j] = v.logAbs[i]! + lc;
        this.rowSign[i * count + j] = v.sign[i]! * sc;
      }
    }
  }

  /**
   * `ln u(tau)` from the first `count` modes into `out`; false when more modes are needed (the
   * neglected ones are not provably negligible, or a level's sum is not positive or cancels).
   * One pass per level with a running maximum: only terms within `e^-60` of it cost an `exp`.
   */
  private logU(tau: number, count: number, out: Float64Array): boolean {
    const n = this.n;
    const stride = this.logCoef.length;
    const lambdas = this.modes.lambdas;
    const { rowLog, rowSign } = this;
    const growth = new Float64Array(count);
    for (let j = 0; j < count; j++) growth[j] = lambdas[j]! * tau;
    let minLog = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const base = i * stride;
      let max = Number.NEGATIVE_INFINITY;
      let s = 0;
      let abs = 0;
      for (let j = 0; j < count; j++) {
        const x = rowLog[base + j]! + growth[j]!;
        const y = x - max;
        if (y > 0) {
          const f = Math.exp(-y); // rescale what was summed to the new maximum
          s = s * f + rowSign[base + j]!;
          abs = abs * f + 1;
          max = x;
        } else if (y > -SKIP_LOG) {
          const t = Math.exp(y);
          s += rowSign[base + j]! * t;
          abs += t;
        }
      }
      if (!(s > 0) || abs > MAX_CANCELLATION * s) {
        this.lastCheck = `level ${i}: sum ${s}, cancellation ${abs / s}`;
        return false;
      }
      const logU = max + Math.log(s);
      out[i] = logU;
      if (logU < minLog) minLog = logU;
    }
    if (count < n) {
      const logTail = this.modes.eigenvalue(count) * tau + this.logNormU0;
      if (logTail > Math.log(TAIL_RELATIVE) + minLog) {
        this.lastCheck = 'neglected modes not negligible';
        return false;
      }
    }
    return true;
  }

  /**
   * Modes for the tail bound at `tau`, estimating each level's `u` by its Perron term
   * (`v_0(i) c_0 e^{lambda_0 tau}`): the first guess, checked by `logU`.
   */
  private modesGuess(tau: number, limit: number): number {
    this.ensureModes(Math.max(1, this.logCoef.length));
    const stride = this.logCoef.length;
    let minPerron = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.n; i++) minPerron = Math.min(minPerron, this.rowLog[i * stride]!);
    const bound =
      (Math.log(TAIL_RELATIVE) + minPerron + this.modes.eigenvalue(0) * tau - this.logNormU0) / tau;
    let c = 2;
    while (c < limit && this.modes.eigenvalue(c) > bound) c++;
    return Math.min(limit, c);
  }
}
