import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawdownSeries, maxDrawdown } from '../src/index.js';

describe('drawdown', () => {
  it('follows the running peak: a worked example', () => {
    // peaks 0, 3, 3, 3, 5, 5; falls 0, 0, 2, 4, 0, 1
    const pnl = [0, 3, 1, -1, 5, 4];
    expect(Array.from(drawdownSeries(pnl))).toEqual([0, 0, -2, -4, 0, -1]);
    expect(maxDrawdown(pnl)).toBe(4);
  });

  it('is 0 for a series that never falls, and skips non-finite values', () => {
    expect(maxDrawdown([1, 2, 2, 7])).toBe(0);
    expect(maxDrawdown([])).toBe(0);
    expect(Array.from(drawdownSeries([2, Number.NaN, 1]))).toEqual([0, Number.NaN, -1]);
    expect(maxDrawdown([2, Number.NaN, 1])).toBe(1);
  });

  it('max drawdown = -min of the series = the largest pnl[i] - pnl[j] with i <= j (brute force)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 60 }),
        (pnl) => {
          let brute = 0;
          for (let i = 0; i < pnl.length; i++)
            for (let j = i; j < pnl.length; j++) brute = Math.max(brute, pnl[i]! - pnl[j]!);
          const series = drawdownSeries(pnl);
          const minOfSeries = series.reduce((m, x) => Math.min(m, x), 0);
          expect(maxDrawdown(pnl)).toBe(brute);
          expect(0 - minOfSeries).toBe(brute);
          for (const x of series) expect(x).toBeLessThanOrEqual(0);
        },
      ),
    );
  });
});
