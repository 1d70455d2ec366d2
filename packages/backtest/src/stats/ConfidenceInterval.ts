import { mean, standardError } from './descriptive.js';
import { normalQuantile } from './normalQuantile.js';

/** How an interval was computed. */
export type CiMethod = 'normal' | 'delta' | 'bootstrap';

/** A point estimate with a two-sided confidence interval, in the units of the estimate. */
export interface ConfidenceInterval {
  estimate: number;
  lower: number;
  upper: number;
  /** Coverage, e.g. 0.95. */
  level: number;
  method: CiMethod;
  /** Standard error of the estimate when the method has one (normal, delta), else `NaN`. */
  standardError: number;
}

/** The default coverage of every interval in this package. */
export const DEFAULT_CI_LEVEL = 0.95;

/** Check a coverage level, naming the field on failure. */
export function checkLevel(level: number, field = 'level'): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`${field} must be in (0, 1), got ${level}`);
}

/** Two-sided normal critical value `z` with `P(|Z| <= z) = level` (1.959964 for 0.95). */
export function zForLevel(level: number = DEFAULT_CI_LEVEL): number {
  checkLevel(level);
  return normalQuantile(0.5 + level / 2);
}

/** `estimate +- z * standardError`, labelled with `method`. */
export function normalInterval(
  estimate: number,
  stdError: number,
  level: number = DEFAULT_CI_LEVEL,
  method: CiMethod = 'normal',
): ConfidenceInterval {
  const half = zForLevel(level) * stdError;
  return {
    estimate,
    lower: estimate - half,
    upper: estimate + half,
    level,
    method,
    standardError: stdError,
  };
}

/**
 * Normal-approximation interval for the mean of an iid sample: `mean +- z sd/sqrt(n)`
 * (central limit theorem; for small n a t-interval would be wider). Fewer than 2 values give
 * `NaN` bounds.
 */
export function meanCi(
  xs: ArrayLike<number>,
  level: number = DEFAULT_CI_LEVEL,
): ConfidenceInterval {
  return normalInterval(mean(xs), standardError(xs), level, 'normal');
}

/** Does the interval contain `x` (bounds included)? */
export function ciContains(ci: ConfidenceInterval, x: number): boolean {
  return ci.lower <= x && x <= ci.upper;
}
