export interface RegimeHysteresisOptions {
  /** Probability another regime must reach before the acted-on regime changes (default 0.8, > 0.5). */
  threshold?: number;
  /** Seconds the challenger must stay at or above `threshold`, continuously (default 0). */
  minDwellSec?: number;
  /** The acted-on regime at the start (default 0). */
  initialRegime?: number;
}

/**
 * The regime the engine acts on, with hysteresis so that quotes do not flap between regimes'
 * solutions when the posterior hovers near 1/2: the acted-on regime switches to `r` only once
 * `prob[r] >= threshold` has held continuously for `minDwellSec` seconds (with `minDwellSec = 0`,
 * at the first observation where it holds). A threshold above 1/2 means at most one challenger.
 * Pure and allocation-free: time comes in as an argument.
 */
export class RegimeHysteresis {
  readonly threshold: number;
  readonly minDwellSec: number;
  /** The acted-on regime. */
  regime: number;
  /** The regime currently above the threshold (not yet switched to), or -1. */
  challenger = -1;
  private challengerSinceSec = Number.NaN;

  constructor(options: RegimeHysteresisOptions = {}) {
    this.threshold = options.threshold ?? 0.8;
    this.minDwellSec = options.minDwellSec ?? 0;
    this.regime = options.initialRegime ?? 0;
    if (!(this.threshold > 0.5 && this.threshold <= 1))
      throw new RangeError(`threshold must be in (0.5, 1], got ${this.threshold}`);
    if (!(this.minDwellSec >= 0) || !Number.isFinite(this.minDwellSec))
      throw new RangeError(`minDwellSec must be finite and >= 0, got ${this.minDwellSec}`);
    if (!Number.isInteger(this.regime) || this.regime < 0)
      throw new RangeError(`initialRegime must be an integer >= 0, got ${this.regime}`);
  }

  /** Observe the posterior `prob` at `tSec`; returns the acted-on regime. */
  observe(tSec: number, prob: ArrayLike<number>): number {
    let top = -1;
    for (let r = 0; r < prob.length; r++) {
      if (r !== this.regime && prob[r]! >= this.threshold) top = r;
    }
    if (top < 0) {
      this.challenger = -1;
      return this.regime;
    }
    if (top !== this.challenger) {
      this.challenger = top;
      this.challengerSinceSec = tSec;
    }
    if (tSec - this.challengerSinceSec >= this.minDwellSec) {
      this.regime = top;
      this.challenger = -1;
    }
    return this.regime;
  }
}
