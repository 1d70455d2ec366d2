import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  annualizeSharpe,
  bootstrapCi,
  ciContains,
  covariance,
  inventoryStats,
  mean,
  meanCi,
  normalCdf,
  normalQuantile,
  quantileSorted,
  ratioOfMeansBootstrapCi,
  ratioOfMeansDeltaCi,
  SECONDS_PER_YEAR,
  sharpeBootstrapCi,
  sharpeDeltaCi,
  sharpeRatio,
  standardDeviation,
  standardError,
  variance,
  zForLevel,
} from '../src/index.js';
import { seededRng } from './support/random.js';

// P&L-like values on a cent grid (subnormal doubles would only test underflow)
const finite = fc.integer({ min: -100_000_000, max: 100_000_000 }).map((i) => i / 100);
const sample = fc.array(finite, { minLength: 2, maxLength: 60 });
const close = (a: number, b: number, rel = 1e-9, abs = 1e-9) =>
  Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));

describe('descriptive statistics', () => {
  it('match hand-computed values', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 14);
    expect(standardDeviation(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(standardError(xs)).toBeCloseTo(Math.sqrt(32 / 7 / 8), 14);
    expect(covariance(xs, xs)).toBeCloseTo(32 / 7, 14);
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0)).toBe(1);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
  });

  it('give NaN, not a throw, for too little data', () => {
    expect(mean([])).toBeNaN();
    expect(variance([3])).toBeNaN();
    expect(meanCi([3]).lower).toBeNaN();
  });

  it('are stable under a large offset', () => {
    const xs = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    expect(variance(xs)).toBeCloseTo(30, 9);
  });
});

describe('normal quantile', () => {
  it('matches reference values', () => {
    // reference: scipy.stats.norm.ppf
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489004, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(zForLevel(0.9)).toBeCloseTo(1.6448536269514722, 13);
  });

  it('inverts the CDF', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(close(normalCdf(normalQuantile(p)), p, 1e-12, 1e-15)).toBe(true);
      }),
    );
  });
});

describe('normal interval for the mean (properties)', () => {
  it('contains the mean and is centred on it', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0.5, max: 0.999, noNaN: true }), (xs, level) => {
        const ci = meanCi(xs, level);
        expect(ci.estimate).toBe(mean(xs));
        expect(ciContains(ci, mean(xs))).toBe(true);
        expect(close(ci.upper - ci.estimate, ci.estimate - ci.lower, 1e-9, 1e-6)).toBe(true);
      }),
    );
  });

  it('widens with the level', () => {
    fc.assert(
      fc.property(sample, (xs) => {
        const narrow = meanCi(xs, 0.8);
        const wide = meanCi(xs, 0.99);
        expect(wide.upper - wide.lower).toBeGreaterThanOrEqual(narrow.upper - narrow.lower);
      }),
    );
  });

  it('scales with the data and shifts with it', () => {
    fc.assert(
      fc.property(
        sample,
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        (xs, c, shift) => {
          const a = meanCi(xs);
          const scaled = meanCi(xs.map((x) => c * x));
          const tol = 1e-6 * (1 + Math.max(...xs.map(Math.abs))) * c;
          expect(close(scaled.lower, c * a.lower, 1e-9, tol)).toBe(true);
          expect(close(scaled.upper, c * a.upper, 1e-9, tol)).toBe(true);
          // negative scale swaps the bounds
          const neg = meanCi(xs.map((x) => -c * x));
          expect(close(neg.lower, -c * a.upper, 1e-9, tol)).toBe(true);
          // shift: sd unchanged, bounds move with the mean
          const shifted = meanCi(xs.map((x) => x + shift));
          expect(
            close(standardDeviation(xs.map((x) => x + shift)), standardDeviation(xs), 1e-7, 1e-4),
          ).toBe(true);
          expect(close(shifted.lower, a.lower + shift, 1e-9, 1e-4)).toBe(true);
        },
      ),
    );
  });

  it('covers the true mean about 95% of the time', () => {
    const rng = seededRng(11);
    let hits = 0;
    const reps = 2000;
    for (let r = 0; r < reps; r++) {
      const xs = Array.from({ length: 80 }, () => 3 + 2 * rng.normal());
      if (ciContains(meanCi(xs), 3)) hits++;
    }
    // binomial sd at 0.95 over 2000 reps is 0.005; n = 80 normal interval has true coverage ~0.946
    expect(hits / reps).toBeGreaterThan(0.93);
    expect(hits / reps).toBeLessThan(0.965);
  });
});

describe('Sharpe ratio', () => {
  it('is invariant to positive scaling and flips sign under negation (properties)', () => {
    const nonConstant = sample.filter((xs) => standardDeviation(xs) > 1e-6);
    fc.assert(
      fc.property(nonConstant, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (xs, c) => {
        const s = sharpeRatio(xs);
        expect(close(sharpeRatio(xs.map((x) => c * x)), s, 1e-7, 1e-9)).toBe(true);
        expect(close(sharpeRatio(xs.map((x) => -x)), -s, 1e-12, 1e-12)).toBe(true);
      }),
    );
  });

  it('bootstrap interval scales exactly as the Sharpe (same seed, same resamples)', () => {
    fc.assert(
      fc.property(
        fc
          .array(finite, { minLength: 5, maxLength: 40 })
          .filter((xs) => standardDeviation(xs) > 1e-3),
        fc.double({ min: 1e-2, max: 1e2, noNaN: true }),
        fc.integer(),
        (xs, c, seed) => {
          const a = sharpeBootstrapCi(xs, { seed, resamples: 200 });
          const b = sharpeBootstrapCi(
            xs.map((x) => c * x),
            { seed, resamples: 200 },
          );
          if (Number.isNaN(a.lower)) return;
          expect(close(a.lower, b.lower, 1e-6, 1e-6)).toBe(true);
          expect(close(a.upper, b.upper, 1e-6, 1e-6)).toBe(true);
        },
      ),
    );
  });

  it('bootstrap and delta-method intervals agree for many normal paths', () => {
    const rng = seededRng(5);
    const pnl = Array.from({ length: 4000 }, () => 0.3 + rng.normal());
    const delta = sharpeDeltaCi(pnl);
    const boot = sharpeBootstrapCi(pnl, { seed: 9 });
    expect(ciContains(boot, 0.3)).toBe(true);
    expect(ciContains(delta, 0.3)).toBe(true);
    const wd = delta.upper - delta.lower;
    const wb = boot.upper - boot.lower;
    expect(Math.abs(wb / wd - 1)).toBeLessThan(0.1);
  });

  it('annualises by the square root of time', () => {
    // one-hour paths, 24/7 trading: sqrt(8766) paths a year
    expect(annualizeSharpe(0.1, 3600)).toBeCloseTo(0.1 * Math.sqrt(8766), 10);
    expect(annualizeSharpe(0.1, SECONDS_PER_YEAR)).toBeCloseTo(0.1, 14);
    expect(() => annualizeSharpe(1, 0)).toThrow(/pathDurationSec/);
  });
});

describe('bootstrap', () => {
  it('is reproducible by seed and depends on it', () => {
    const rng = seededRng(1);
    const xs = Array.from({ length: 50 }, () => rng.normal());
    const a = bootstrapCi([xs], ([x]) => mean(x!), { seed: 7 });
    const b = bootstrapCi([xs], ([x]) => mean(x!), { seed: 7 });
    const c = bootstrapCi([xs], ([x]) => mean(x!), { seed: 8 });
    expect(a).toEqual(b);
    expect(a.lower).not.toBe(c.lower);
  });

  it('contains the estimate for smooth statistics (property)', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 8, maxLength: 40 }), fc.integer(), (xs, seed) => {
        const ci = bootstrapCi([xs], ([x]) => mean(x!), { seed, resamples: 400 });
        // the percentile interval of the mean of a resample brackets the sample mean unless the
        // sample is extremely skewed; allow the skew by checking against the range of the data
        expect(ci.lower).toBeLessThanOrEqual(ci.upper);
        expect(ci.lower).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-9);
        expect(ci.upper).toBeLessThanOrEqual(Math.max(...xs) + 1e-9);
      }),
    );
  });

  it('percentile interval of the mean covers about 95% of the time', () => {
    const rng = seededRng(21);
    let hits = 0;
    const reps = 400;
    for (let r = 0; r < reps; r++) {
      const xs = Array.from({ length: 60 }, () => rng.exponential(1)); // skewed, mean 1
      if (
        ciContains(
          bootstrapCi([xs], ([x]) => mean(x!), { seed: r, resamples: 500 }),
          1,
        )
      )
        hits++;
    }
    // percentile bootstrap under-covers slightly for skewed data at n = 60 (~0.93)
    expect(hits / reps).toBeGreaterThan(0.89);
    expect(hits / reps).toBeLessThan(0.98);
  });

  it('rejects bad options naming the field', () => {
    expect(() => bootstrapCi([[1, 2]], () => 0, { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapCi([[1, 2]], () => 0, { level: 1 })).toThrow(/level/);
    expect(() => bootstrapCi([[1, 2], [1]], () => 0, { paired: true })).toThrow(/paired/);
  });
});

describe('ratio of means', () => {
  it('is invariant to a common scale and scales with the numerator (properties)', () => {
    const positive = fc.array(fc.double({ min: 1, max: 100, noNaN: true }), {
      minLength: 3,
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        positive,
        positive,
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (x, y, c) => {
          const a = ratioOfMeansDeltaCi(x, y);
          const common = ratioOfMeansDeltaCi(
            x.map((v) => c * v),
            y.map((v) => c * v),
          );
          expect(close(common.estimate, a.estimate, 1e-9)).toBe(true);
          expect(close(common.standardError, a.standardError, 1e-7, 1e-12)).toBe(true);
          const num = ratioOfMeansDeltaCi(
            x.map((v) => c * v),
            y,
          );
          expect(close(num.upper, c * a.upper, 1e-7, 1e-12)).toBe(true);
          expect(ciContains(a, a.estimate)).toBe(true);
          const b = ratioOfMeansBootstrapCi(x, y, { seed: 3, resamples: 200 });
          const bc = ratioOfMeansBootstrapCi(
            x.map((v) => c * v),
            y.map((v) => c * v),
            {
              seed: 3,
              resamples: 200,
            },
          );
          expect(close(bc.lower, b.lower, 1e-9)).toBe(true);
        },
      ),
    );
  });

  it('delta and bootstrap intervals cover the true ratio and agree (paired and independent)', () => {
    const rng = seededRng(3);
    const n = 3000;
    // paired paths: a common market shock plus policy-specific noise; true ratio 0.9
    const shock = Array.from({ length: n }, () => rng.normal() * 4);
    const exact = shock.map((s) => 10 + s + rng.normal());
    const heuristic = shock.map((s) => 9 + s + rng.normal());
    for (const paired of [true, false]) {
      const delta = ratioOfMeansDeltaCi(heuristic, exact, { paired });
      const boot = ratioOfMeansBootstrapCi(heuristic, exact, { paired, seed: 4 });
      expect(ciContains(delta, 0.9)).toBe(true);
      expect(ciContains(boot, 0.9)).toBe(true);
      const ratio = (boot.upper - boot.lower) / (delta.upper - delta.lower);
      expect(Math.abs(ratio - 1)).toBeLessThan(0.1);
    }
    // pairing removes the common shock: a much narrower interval
    const p = ratioOfMeansDeltaCi(heuristic, exact, { paired: true });
    const i = ratioOfMeansDeltaCi(heuristic, exact, { paired: false });
    expect(p.upper - p.lower).toBeLessThan((i.upper - i.lower) / 3);
  });

  it('delta-method interval covers about 95% of the time', () => {
    const rng = seededRng(8);
    let hits = 0;
    const reps = 1500;
    for (let r = 0; r < reps; r++) {
      const y = Array.from({ length: 100 }, () => 10 + 3 * rng.normal());
      const x = y.map((v) => 0.8 * v + rng.normal());
      if (ciContains(ratioOfMeansDeltaCi(x, y, { paired: true }), 0.8)) hits++;
    }
    expect(hits / reps).toBeGreaterThan(0.93);
    expect(hits / reps).toBeLessThan(0.97);
  });
});

describe('inventory statistics', () => {
  it('weights |q| by holding time and integrates q^2', () => {
    // q = 0 on [0,1), 2 on [1,4), -3 on [4,5); the last sample (t=5) carries no time
    const s = inventoryStats([0, 1, 4, 5], [0, 2, -3, 7]);
    expect(s.durationSec).toBe(5);
    expect(s.meanAbsInventory).toBeCloseTo((0 + 2 * 3 + 3 * 1) / 5, 14);
    expect(s.maxAbsInventory).toBe(7);
    expect(s.integratedSquaredInventory).toBeCloseTo(4 * 3 + 9 * 1, 14);
  });

  it('scales with the inventory and is invariant to a time shift (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 10_000 }).map((ms) => ms / 1000),
            fc.integer({ min: -50, max: 50 }),
          ),
          {
            minLength: 2,
            maxLength: 30,
          },
        ),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: -10_000, max: 10_000 }),
        (steps, c, shift) => {
          const t: number[] = [];
          let now = 0;
          for (const [dt] of steps) {
            now += dt;
            t.push(now);
          }
          const q = steps.map(([, v]) => v);
          const a = inventoryStats(t, q);
          const b = inventoryStats(
            t.map((v) => v + shift),
            q.map((v) => c * v),
          );
          expect(b.maxAbsInventory).toBe(c * a.maxAbsInventory);
          expect(close(b.meanAbsInventory, c * a.meanAbsInventory, 1e-6, 1e-6)).toBe(true);
          expect(a.meanAbsInventory).toBeLessThanOrEqual(a.maxAbsInventory + 1e-9);
        },
      ),
    );
  });

  it('rejects bad series naming the field', () => {
    expect(() => inventoryStats([0, 2, 1], [0, 0, 0])).toThrow(/tSec/);
    expect(() => inventoryStats([0, 1], [0])).toThrow(/inventoryLots/);
    expect(() => inventoryStats([0, 1], [0, Number.NaN])).toThrow(/inventoryLots\[1\]/);
  });
});
