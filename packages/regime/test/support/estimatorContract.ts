import { expect, it } from 'vitest';
import type { Estimator } from '../../src/estimators/Estimator.js';

/** How to drive one estimator through the contract. */
export interface ContractSubject<TInput, TValue> {
  name: string;
  make(): Estimator<TInput, TValue>;
  /** The k-th well-formed observation (any times are chosen by the contract). */
  sample(k: number): TInput;
  /** A non-finite observation. */
  bad: TInput;
  /** A finite observation whose increment from any sample overflows `dx^2`. */
  huge: TInput;
  /** Updates at 1-second spacing that are certainly enough to finish the warm-up. */
  warmUpUpdates: number;
  /** Finite check of the value (scalar or every component). */
  finite(value: TValue): boolean;
}

/**
 * The one contract every estimator passes (after trading-signals' `testIndicatorContract`):
 * not ready before any data, ready and finite after the warm-up, and bad input (non-finite time
 * or value, time not after the previous update) returns false, names the field and changes
 * nothing.
 */
export function estimatorContract<TInput, TValue>(s: ContractSubject<TInput, TValue>): void {
  const snapshot = (e: Estimator<TInput, TValue>) =>
    JSON.stringify([e.isReady, e.count, toArray(e.value)]);

  it(`${s.name}: not ready before warm-up, finite after`, () => {
    const e = s.make();
    expect(e.isReady).toBe(false);
    expect(e.count).toBe(0);
    expect(e.update(0, s.sample(0))).toBe(true);
    expect(e.isReady).toBe(false);
    for (let k = 1; k <= s.warmUpUpdates; k++) expect(e.update(k, s.sample(k))).toBe(true);
    expect(e.isReady).toBe(true);
    expect(s.finite(e.value)).toBe(true);
    expect(e.lastRejection).toBeNull();
  });

  it(`${s.name}: rejects bad input by returning false, naming the field, state unchanged`, () => {
    const e = s.make();
    for (let k = 0; k <= s.warmUpUpdates; k++) e.update(k * 0.5 + 100, s.sample(k));
    const t = s.warmUpUpdates * 0.5 + 100;
    const before = snapshot(e);
    const cases: [number, TInput, string][] = [
      [Number.NaN, s.sample(1), 'tSec: not finite'],
      [Number.POSITIVE_INFINITY, s.sample(1), 'tSec: not finite'],
      [t, s.sample(1), 'tSec: not after the previous update'],
      [t - 1, s.sample(1), 'tSec: not after the previous update'],
      [t + 1, s.bad, 'x: not finite'],
      [t + 1, s.huge, 'x: increment out of range'],
    ];
    for (const [time, x, reason] of cases) {
      expect(e.update(time, x)).toBe(false);
      expect(e.lastRejection).toBe(reason);
      expect(snapshot(e)).toBe(before);
    }
    // Still usable: the next good update is accepted and judged against the last accepted time.
    expect(e.update(t + 1, s.sample(2))).toBe(true);
    expect(e.lastRejection).toBeNull();
  });
}

function toArray(v: unknown): unknown {
  return typeof v === 'number' ? [v] : Array.from(v as ArrayLike<number>);
}
