/**
 * Eigenpairs of a symmetric tridiagonal matrix `T` (diagonal `d`, off-diagonals `e_i > 0`),
 * largest eigenvalue first, computed on demand: the modal solution of the linear w-space path
 * needs only the top few modes at long horizons.
 *
 * Eigenvalues: Rayleigh quotient correction `x + gamma_r / ||z||^2` from the twisted vector `z`
 * at the twist of smallest `|gamma_r|` (`1/gamma_r = [(T - x)^-1]_rr`), inside a bracket kept by
 * Sturm counts (the negative forward pivots of `T - x = L D L'`, Sylvester's inertia); a step
 * leaving the bracket bisects, and convergence is confirmed by counts either side.
 * Eigenvectors: the twisted factorisation at the twist `r` of smallest `|gamma_r|` (Dhillon and
 * Parlett), run outward from `r` as pivot ratios and kept as log-magnitudes and signs, so the
 * super-exponentially small tails of localised modes keep full relative accuracy and nothing
 * under- or overflows on any grid. A cluster of eigenvalues equal to rounding (the mirror modes
 * of a symmetric diagonal) takes one twist per member, each away from the others' support; a
 * vector that still overlaps a near neighbour's is reported in `failed` (callers fall back).
 */
export interface TridiagonalMode {
  lambda: number;
  /** `ln |v_i|` of the unit eigenvector. */
  logAbs: Float64Array;
  /** Sign of `v_i` (+1 or -1). */
  sign: Int8Array;
}

const EPS = Number.EPSILON;
const MAX_ITERATIONS = 200;
/** Members of a cluster: eigenvalues within this many ulps of the matrix scale. */
const CLUSTER_ULPS = 64;
/** A twist is excluded where an earlier cluster member has `|v_i| > 1e-6`. */
const LOG_SUPPORT = Math.log(1e-6);
/** Neighbours (eigenvalues within this fraction of the scale) whose vectors are checked... */
const NEAR_RELATIVE = 1e-2;
/** ...up to this many back... */
const NEIGHBOURS = 16;
/** ...for an overlap `|v_a' v_b|` above this. */
const MAX_OVERLAP = 1e-11;

export class TridiagonalModes {
  readonly n: number;
  /** Eigenvalues found so far, descending. */
  readonly lambdas: number[] = [];
  /** Eigenvectors found so far (`vectors[j]` for `lambdas[j]`). */
  readonly vectors: TridiagonalMode[] = [];
  /** `max |d| + 2 e`: the scale of rounding errors in eigenvalues. */
  readonly scale: number;
  /** Set when a vector could not be made orthogonal to a close neighbour's (see class doc). */
  failed = false;
  private readonly d: Float64Array;
  /** `e[i]` couples rows `i` and `i + 1`; `e2` its square. */
  private readonly e: Float64Array;
  private readonly e2: Float64Array;
  private readonly eMax: number;
  private readonly tiny: number;
  private readonly gershLo: number;
  private readonly gershHi: number;
  private readonly peak: number;
  private readonly fwd: Float64Array;
  private readonly bwd: Float64Array;

  constructor(d: Float64Array, e: Float64Array) {
    const n = d.length;
    if (n < 1) throw new RangeError('the matrix needs at least one row');
    if (e.length !== n - 1) throw new RangeError(`e must have ${n - 1} entries, got ${e.length}`);
    let eMax = 0;
    for (let i = 0; i < n - 1; i++) {
      const ei = e[i]!;
      if (!(ei > 0) || !Number.isFinite(ei))
        throw new RangeError(`e[${i}] must be finite and > 0, got ${ei}`);
      eMax = Math.max(eMax, ei);
    }
    this.n = n;
    this.d = d;
    this.e = e;
    this.e2 = e.map((x) => x * x);
    this.eMax = eMax;
    let dMin = Number.POSITIVE_INFINITY;
    let dMax = Number.NEGATIVE_INFINITY;
    let peak = 0;
    for (let i = 0; i < n; i++) {
      const di = d[i]!;
      if (!Number.isFinite(di)) throw new RangeError(`d[${i}] must be finite, got ${di}`);
      if (di < dMin) dMin = di;
      if (di > dMax) {
        dMax = di;
        peak = i;
      }
    }
    this.peak = peak;
    this.scale = Math.max(Math.abs(dMin), Math.abs(dMax)) + 2 * eMax;
    this.tiny = EPS * EPS * this.scale;
    this.gershLo = dMin - 2 * eMax;
    this.gershHi = dMax + 2 * eMax;
    this.fwd = new Float64Array(n);
    this.bwd = new Float64Array(n);
  }

  /** The `j`-th largest eigenvalue (0-based), computing those above it first. */
  eigenvalue(j: number): number {
    if (!Number.isInteger(j) || j < 0 || j >= this.n)
      throw new RangeError(`mode index must be an integer in [0, ${this.n - 1}], got ${j}`);
    while (this.lambdas.length <= j) this.lambdas.push(this.findEigenvalue(this.lambdas.length));
    return this.lambdas[j]!;
  }

  /** The `j`-th mode with its unit eigenvector, computing those above it first. */
  mode(j: number): TridiagonalMode {
    while (this.vectors.length <= j) {
      const m = this.vectors.length;
      this.vectors.push(this.findVector(m, this.eigenvalue(m)));
    }
    return this.vectors[j]!;
  }

  /** Forward and backward pivots of `T - x`; returns the Sturm count (eigenvalues below x). */
  private pivots(x: number): number {
    const { n, d, e2, tiny, fwd, bwd } = this;
    let count = 0;
    let p = d[0]! - x;
    if (p === 0) p = tiny;
    fwd[0] = p;
    if (p < 0) count++;
    for (let i = 1; i < n; i++) {
      p = d[i]! - x - e2[i - 1]! / p;
      if (p === 0) p = tiny;
      fwd[i] = p;
      if (p < 0) count++;
    }
    p = d[n - 1]! - x;
    if (p === 0) p = tiny;
    bwd[n - 1] = p;
    for (let i = n - 2; i >= 0; i--) {
      p = d[i]! - x - e2[i]! / p;
      if (p === 0) p = tiny;
      bwd[i] = p;
    }
    return count;
  }

  /** `gamma_r = fwd_r + bwd_r - (d_r - x)`. */
  private gamma(r: number, x: number): number {
    return this.fwd[r]! + this.bwd[r]! - (this.d[r]! - x);
  }

  /** `gamma_r / ||z||^2` at the twist `r` of smallest `|gamma_r|` (pivots at x computed). */
  private rayleighCorrection(x: number): number {
    const { n, e, fwd, bwd } = this;
    let r = 0;
    let g = this.gamma(0, x);
    for (let i = 1; i < n; i++) {
      const gi = this.gamma(i, x);
      if (Math.abs(gi) < Math.abs(g)) {
        g = gi;
        r = i;
      }
    }
    let norm2 = 1;
    let z = 1;
    for (let i = r - 1; i >= 0; i--) {
      z = (-e[i]! * z) / fwd[i]!;
      norm2 += z * z;
      if (z * z < 1e-300) break;
    }
    z = 1;
    for (let i = r + 1; i < n; i++) {
      z = (-e[i - 1]! * z) / bwd[i]!;
      norm2 += z * z;
      if (z * z < 1e-300) break;
    }
    return Number.isFinite(norm2) ? g / norm2 : Number.NaN;
  }

  private findEigenvalue(j: number): number {
    const below = this.n - 1 - j; // x <= lambda_j  <=>  count(x) <= below
    const tol = (x: number) => 2 * EPS * Math.max(Math.abs(x), this.eMax);
    let lo: number;
    let hi: number;
    if (j === 0) {
      // The top eigenvalue is at least every diagonal entry (Rayleigh quotient of a unit vector).
      lo = this.d[this.peak]!;
      hi = this.gershHi;
    } else {
      // Search down from the previous eigenvalue in doubling steps (starting from the last gap).
      hi = this.lambdas[j - 1]!;
      if (this.pivots(hi) <= below) return hi; // equal to the previous one in rounding
      let step = j >= 2 ? Math.max(this.lambdas[j - 2]! - hi, 8 * tol(hi)) : this.eMax;
      for (;;) {
        const x = Math.max(hi - step, this.gershLo);
        if (this.pivots(x) <= below) {
          lo = x;
          break;
        }
        hi = x;
        if (x === this.gershLo) {
          lo = x;
          break;
        }
        step *= 2;
      }
    }
    let x = 0.5 * (lo + hi);
    for (let it = 0; it < MAX_ITERATIONS; it++) {
      if (this.pivots(x) <= below) lo = x;
      else hi = x;
      if (hi - lo <= 2 * tol(hi)) return 0.5 * (lo + hi);
      // Rayleigh quotient correction from the twisted vector at the twist of smallest |gamma|:
      // x + gamma_r / ||z||^2 (z_r = 1), quadratically convergent near an eigenvalue.
      const next = x + this.rayleighCorrection(x);
      if (Math.abs(next - x) <= 2 * tol(x)) {
        // Converged in Rayleigh's sense: confirm with counts a few ulps either side.
        const step = 4 * tol(x);
        const a = Math.max(lo, next - step);
        const b = Math.min(hi, next + step);
        if (this.pivots(a) <= below) lo = a;
        if (this.pivots(b) > below) hi = b;
        if (hi - lo <= 2 * step + 2 * tol(hi)) return 0.5 * (lo + hi);
        x = 0.5 * (lo + hi);
        continue;
      }
      x = next > lo && next < hi ? next : 0.5 * (lo + hi);
    }
    return 0.5 * (lo + hi);
  }

  private findVector(j: number, lambda: number): TridiagonalMode {
    this.pivots(lambda);
    // Earlier members of this eigenvalue's cluster: their supports are not available as twists.
    const clusterTol = CLUSTER_ULPS * EPS * this.scale;
    const others: TridiagonalMode[] = [];
    for (let m = 0; m < j; m++)
      if (Math.abs(this.lambdas[m]! - lambda) <= clusterTol) others.push(this.vectors[m]!);
    let v = this.twistedVector(lambda, others);
    // Close neighbours (not equal in rounding): the vector must be orthogonal to theirs.
    const near: TridiagonalMode[] = [];
    for (let m = j - 1; m >= 0 && m >= j - NEIGHBOURS; m--)
      if (this.lambdas[m]! - lambda <= NEAR_RELATIVE * this.scale) near.push(this.vectors[m]!);
    if (near.some((o) => Math.abs(overlap(o, v)) > MAX_OVERLAP)) {
      v = this.twistedVector(lambda, [...others, ...near]);
      if (near.some((o) => Math.abs(overlap(o, v)) > MAX_OVERLAP)) this.failed = true;
    }
    return v;
  }

  /** The twisted vector at `lambda` (pivots computed), twisting outside the supports of `others`. */
  private twistedVector(lambda: number, others: TridiagonalMode[]): TridiagonalMode {
    const { n, e } = this;
    let r = -1;
    let bestGamma = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const g = Math.abs(this.gamma(i, lambda));
      if (g >= bestGamma) continue;
      if (others.some((v) => v.logAbs[i]! > LOG_SUPPORT)) continue;
      bestGamma = g;
      r = i;
    }
    if (r < 0) r = this.peak;
    const logAbs = new Float64Array(n);
    const sign = new Int8Array(n);
    sign[r] = 1;
    for (let i = r - 1; i >= 0; i--) {
      const p = this.fwd[i]!;
      logAbs[i] = logAbs[i + 1]! + Math.log(e[i]! / Math.abs(p));
      sign[i] = (p > 0 ? -sign[i + 1]! : sign[i + 1]!) as 1 | -1;
    }
    for (let i = r + 1; i < n; i++) {
      const p = this.bwd[i]!;
      logAbs[i] = logAbs[i - 1]! + Math.log(e[i - 1]! / Math.abs(p));
      sign[i] = (p > 0 ? -sign[i - 1]! : sign[i - 1]!) as 1 | -1;
    }
    // Normalise: ln ||v|| = max + ln(sum exp(2 (logAbs - max)))/2.
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) if (logAbs[i]! > max) max = logAbs[i]!;
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(2 * (logAbs[i]! - max));
    const logNorm = max + 0.5 * Math.log(s);
    for (let i = 0; i < n; i++) logAbs[i] = logAbs[i]! - logNorm;
    return { lambda, logAbs, sign };
  }
}

/** `v_a' v_b` of two unit vectors in log-magnitude and sign form. */
function overlap(a: TridiagonalMode, b: TridiagonalMode): number {
  let max = Number.NEGATIVE_INFINITY;
  const n = a.logAbs.length;
  for (let i = 0; i < n; i++) max = Math.max(max, a.logAbs[i]! + b.logAbs[i]!);
  if (max < -745) return 0;
  let s = 0;
  for (let i = 0; i < n; i++)
    s += a.sign[i]! * b.sign[i]! * Math.exp(a.logAbs[i]! + b.logAbs[i]! - max);
  return s * Math.exp(max);
}
