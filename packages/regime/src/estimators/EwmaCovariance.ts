import {
  checkVectorUpdate,
  type Estimator,
  ewmaWeight,
  incrementInRange,
  type Rejection,
  requirePositive,
} from './Estimator.js';

export interface EwmaCovarianceOptions {
  /** Number of assets `n` (components of each observation). */
  assets: number;
  /** Half-life of the exponential kernel, seconds. */
  halfLifeSec: number;
  /** Seconds of data needed before `isReady` (default `halfLifeSec`). */
  warmUpSec?: number;
  /** Increments needed before `isReady` (default `n + 1`, so the estimate can be full rank). */
  minIncrements?: number;
}

/**
 * Exponentially weighted covariance of the increments of `n` levels (e.g. mid prices of `n`
 * assets), per unit time: the `Sigma` of docs/math.md §6. Each observation is a synchronous snapshot
 * of all `n` levels at `tSec` (e.g. the latest mids sampled on a timer: sampling faster than the
 * assets trade biases correlations towards 0, the Epps effect). As in `EwmaVolatility`, every
 * increment contributes `dx dx' / dt` with the kernel mass of its interval, normalised by the
 * total mass; each term is positive semidefinite, so the estimate is too.
 *
 * `value`: the covariance, row-major `n x n`, x-units^2 per second (a live view: copy to keep).
 */
export class EwmaCovariance implements Estimator<ArrayLike<number>, ArrayLike<number>> {
  readonly assets: number;
  readonly halfLifeSec: number;
  readonly warmUpSec: number;
  readonly minIncrements: number;
  lastRejection: Rejection | null = null;
  count = 0;
  private readonly num: Float64Array;
  private readonly cov: Float64Array;
  private readonly lastX: Float64Array;
  private readonly dx: Float64Array;
  private mass = 0;
  private stale = true;
  private firstTSec = Number.NaN;
  private lastTSec = Number.NaN;

  constructor(options: EwmaCovarianceOptions) {
    const { assets: n, halfLifeSec } = options;
    if (!Number.isInteger(n) || n < 1)
      throw new RangeError(`assets must be an integer >= 1, got ${n}`);
    requirePositive('halfLifeSec', halfLifeSec);
    this.assets = n;
    this.halfLifeSec = halfLifeSec;
    this.warmUpSec = options.warmUpSec ?? halfLifeSec;
    this.minIncrements = options.minIncrements ?? n + 1;
    if (!(this.warmUpSec >= 0) || !Number.isFinite(this.warmUpSec))
      throw new RangeError(`warmUpSec must be finite and >= 0, got ${this.warmUpSec}`);
    if (!Number.isInteger(this.minIncrements) || this.minIncrements < 1)
      throw new RangeError(`minIncrements must be an integer >= 1, got ${this.minIncrements}`);
    this.num = new Float64Array(n * n);
    this.cov = new Float64Array(n * n).fill(Number.NaN);
    this.lastX = new Float64Array(n);
    this.dx = new Float64Array(n);
  }

  update(tSec: number, x: ArrayLike<number>): boolean {
    const n = this.assets;
    let rejection = checkVectorUpdate(this.lastTSec, tSec, x, n);
    if (!rejection && this.count > 0) {
      // Every dx_i^2/dt finite bounds every product dx_i dx_j / dt too.
      for (let i = 0; i < n; i++)
        if (!incrementInRange(x[i]! - this.lastX[i]!, tSec - this.lastTSec))
          rejection = 'x: increment out of range';
    }
    this.lastRejection = rejection;
    if (rejection) return false;
    if (this.count === 0) {
      this.firstTSec = tSec;
    } else {
      const dt = tSec - this.lastTSec;
      const w = ewmaWeight(dt, this.halfLifeSec);
      const { num, dx, lastX } = this;
      for (let i = 0; i < n; i++) dx[i] = x[i]! - lastX[i]!;
      for (let i = 0; i < n; i++) {
        const a = dx[i]! / dt;
        for (let j = i; j < n; j++) {
          const v = num[i * n + j]! + w * (a * dx[j]! - num[i * n + j]!);
          num[i * n + j] = v;
          num[j * n + i] = v;
        }
      }
      this.mass += w * (1 - this.mass);
      this.stale = true;
    }
    this.lastTSec = tSec;
    for (let i = 0; i < n; i++) this.lastX[i] = x[i]!;
    this.count++;
    return true;
  }

  get isReady(): boolean {
    return this.count > this.minIncrements && this.lastTSec - this.firstTSec >= this.warmUpSec;
  }

  /** Covariance per second, row-major `n x n`; NaN before the first increment. */
  get value(): ArrayLike<number> {
    if (this.stale && this.mass > 0) {
      const inv = 1 / this.mass;
      for (let k = 0; k < this.num.length; k++) this.cov[k] = this.num[k]! * inv;
      this.stale = false;
    }
    return this.cov;
  }
}
