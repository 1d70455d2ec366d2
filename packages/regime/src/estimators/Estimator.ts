/**
 * The one contract every incremental estimator in this package follows (after the `Indicator` of
 * bennycode/trading-signals): feed observations in time order with `update(tSec, x)`, read
 * `value` once `isReady`.
 *
 * Time is an argument (seconds, any origin), never a clock. Estimates are per unit time (per
 * second), so irregular timestamps are handled by the elapsed `dt`, not by counting messages.
 *
 * Bad input never throws (the engine must not crash on bad venue data): `update` returns `false`,
 * leaves the state unchanged and records why in `lastRejection`, naming the field. Rejected:
 * non-finite time, time not strictly after the previous accepted update (two messages with the
 * same timestamp: the second is dropped; its price change is not lost, it is part of the next
 * accepted increment), non-finite or wrongly sized `x`, and an increment whose per-second
 * variance `dx^2 / dt` overflows (a garbage price, or a finite jump over a subnormal `dt`), which
 * would otherwise poison the estimate for good.
 */
export interface Estimator<TInput, TValue> {
  /** Feed one observation at `tSec` (seconds); `true` if accepted, `false` if rejected. */
  update(tSec: number, x: TInput): boolean;
  /** Whether the warm-up is over and `value` is meaningful (finite). */
  readonly isReady: boolean;
  /** The current estimate (units in each implementation's doc); not meaningful before `isReady`. */
  readonly value: TValue;
  /** Why the most recent `update` was rejected; `null` after an accepted one. */
  readonly lastRejection: Rejection | null;
  /** Number of accepted updates. */
  readonly count: number;
}

/** A rejected update, naming the offending field. */
export type Rejection =
  | 'tSec: not finite'
  | 'tSec: not after the previous update'
  | 'x: not finite'
  | 'x: wrong length'
  | 'x: increment out of range'
  | 'dtSec: not finite and > 0';

/**
 * Shared time/value checks: the rejection for `(tSec, x)` after an update at `lastTSec`
 * (`NaN` before the first), or `null` when acceptable.
 */
export function checkScalarUpdate(lastTSec: number, tSec: number, x: number): Rejection | null {
  if (!Number.isFinite(tSec)) return 'tSec: not finite';
  if (tSec <= lastTSec) return 'tSec: not after the previous update';
  if (!Number.isFinite(x)) return 'x: not finite';
  return null;
}

/** As `checkScalarUpdate` for a vector observation of `n` components. */
export function checkVectorUpdate(
  lastTSec: number,
  tSec: number,
  x: ArrayLike<number>,
  n: number,
): Rejection | null {
  if (!Number.isFinite(tSec)) return 'tSec: not finite';
  if (tSec <= lastTSec) return 'tSec: not after the previous update';
  if (x.length !== n) return 'x: wrong length';
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]!)) return 'x: not finite';
  return null;
}

/** Whether the per-second variance sample `dx^2 / dt` of an increment is finite. */
export function incrementInRange(dx: number, dtSec: number): boolean {
  return Number.isFinite((dx * dx) / dtSec);
}

/**
 * The weight an exponentially decaying kernel with half-life `halfLifeSec` gives to the most
 * recent `dtSec`: `1 - exp(-dt ln2 / halfLife)`, computed without cancellation for small dt.
 */
export function ewmaWeight(dtSec: number, halfLifeSec: number): number {
  return -Math.expm1((-dtSec * Math.LN2) / halfLifeSec);
}

/** Throws a RangeError naming `name` unless `value` is finite and > 0 (constructor checks). */
export function requirePositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`${name} must be finite and > 0, got ${value}`);
}
