import {
  checkScalarUpdate,
  type Estimator,
  ewmaWeight,
  incrementInRange,
  type Rejection,
  requirePositive,
} from './Estimator.js';

export interface EwmaVolatilityOptions {
  /** Half-life of the exponential kernel, seconds. */
  halfLifeSec: number;
  /** Seconds of data needed before `isReady` (default `halfLifeSec`). */
  warmUpSec?: number;
  /** Increments needed before `isReady` (default 2). */
  minIncrements?: number;
}

/**
 * Exponentially weighted volatility of a level `x` (e.g. a mid price, or its log), per unit time.
 *
 * Each accepted update after the first contributes the per-second variance sample
 * `dx^2 / dt` with the kernel mass of its interval, `w = 1 - exp(-dt ln2 / halfLife)`:
 * `num <- (1 - w) num + w dx^2/dt`, `mass <- (1 - w) mass + w`, `variance = num / mass`
 * (dividing by the mass removes the start-up bias). So a long gap weighs as much as its length,
 * and splitting an interval into parts that carry the same per-second variance changes nothing.
 *
 * `value`: volatility in x-units per sqrt(second) (price units per sqrt(second) for a mid price).
 */
export class EwmaVolatility implements Estimator<number, number> {
  readonly halfLifeSec: number;
  readonly warmUpSec: number;
  readonly minIncrements: number;
  lastRejection: Rejection | null = null;
  count = 0;
  private firstTSec = Number.NaN;
  private lastTSec = Number.NaN;
  private lastX = Number.NaN;
  private num = 0;
  private mass = 0;

  constructor(options: EwmaVolatilityOptions) {
    requirePositive('halfLifeSec', options.halfLifeSec);
    this.halfLifeSec = options.halfLifeSec;
    this.warmUpSec = options.warmUpSec ?? options.halfLifeSec;
    this.minIncrements = options.minIncrements ?? 2;
    if (!(this.warmUpSec >= 0) || !Number.isFinite(this.warmUpSec))
      throw new RangeError(`warmUpSec must be finite and >= 0, got ${this.warmUpSec}`);
    if (!Number.isInteger(this.minIncrements) || this.minIncrements < 1)
      throw new RangeError(`minIncrements must be an integer >= 1, got ${this.minIncrements}`);
  }

  update(tSec: number, x: number): boolean {
    let rejection = checkScalarUpdate(this.lastTSec, tSec, x);
    const dt = tSec - this.lastTSec;
    const dx = x - this.lastX;
    if (!rejection && this.count > 0 && !incrementInRange(dx, dt))
      rejection = 'x: increment out of range';
    this.lastRejection = rejection;
    if (rejection) return false;
    if (this.count === 0) {
      this.firstTSec = tSec;
    } else {
      const w = ewmaWeight(dt, this.halfLifeSec);
      this.num += w * ((dx * dx) / dt - this.num);
      this.mass += w * (1 - this.mass);
    }
    this.lastTSec = tSec;
    this.lastX = x;
    this.count++;
    return true;
  }

  get isReady(): boolean {
    return this.count > this.minIncrements && this.lastTSec - this.firstTSec >= this.warmUpSec;
  }

  /** Variance of `dx` per second, x-units^2 per second; NaN before the first increment. */
  get variancePerSec(): number {
    return this.mass > 0 ? this.num / this.mass : Number.NaN;
  }

  /** Volatility, x-units per sqrt(second). */
  get value(): number {
    return Math.sqrt(this.variancePerSec);
  }
}
