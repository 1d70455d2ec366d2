import type { Rng } from '../rng/Rng.js';

/**
 * A mid-price process: an immutable model that starts mutable paths. Units: prices in price
 * units, time in seconds, volatilities per sqrt(second).
 *
 * The caller supplies each step's standard-normal shock `z`, so several assets can be driven by
 * correlated shocks (`simulateMultiAsset` correlates them with a Cholesky factor); any further
 * randomness a model needs (regime switches, jumps) comes from `rng`.
 */
export interface MidModel {
  /** Short identifier for logs and tables. */
  readonly name: string;
  /** A fresh path at `midPrice`; may draw its initial state (e.g. a regime) from `rng`. */
  start(midPrice: number, rng: Rng): MidPath;
}

/** One path of a mid process. */
export interface MidPath {
  /** The current mid, price units (a wrapper such as `withJumps` may shift it). */
  midPrice: number;
  /** The model's drift at the current state, price units per second (0 for driftless models). */
  readonly driftPerSec: number;
  /** The current regime index (0 for single-regime models). */
  readonly regime: number;
  /** Advance by `dtSec` with the standard-normal shock `z`; returns the new mid. */
  step(dtSec: number, z: number, rng: Rng): number;
}

/** Throws a RangeError naming `field` unless `value` is finite and >= 0. */
export function requireNonNegative(field: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`${field} must be finite and >= 0, got ${value}`);
}

/** Throws a RangeError naming `field` unless `value` is finite. */
export function requireFinite(field: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${field} must be finite, got ${value}`);
}
