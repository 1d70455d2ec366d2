import { BookAwareIntensity, ExponentialIntensity } from '@mm/hjb-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BookView,
  bookAwareFills,
  bpsFees,
  constantLatency,
  createRng,
  empiricalLatency,
  exponentialFills,
  exponentialLatency,
  fillProbability,
  logNormalLatency,
  zeroFees,
} from '../src/index.js';
import { mean } from './support/stats.js';

describe('fill models', () => {
  it('exponential: A exp(-k d) through hjb-core, per side', () => {
    const m = exponentialFills({
      aPerSec: 140,
      kPerPrice: 1.5,
      ask: { aPerSec: 70, kPerPrice: 3 },
    });
    const book: BookView = { bestBidPrice: 99, bestAskPrice: 101, imbalance: 0.9 };
    const bid = new ExponentialIntensity({ aPerSec: 140, kPerPrice: 1.5 });
    expect(m.ratePerSec('bid', 0.7, book)).toBe(bid.ratePerSec(0.7));
    expect(m.ratePerSec('ask', 0.7, book)).toBeCloseTo(70 * Math.exp(-2.1), 12);
  });

  it("book-aware: the seed's lambda0 2(1 - I) / 2I exp(-beta max(d - s/2, 0)) from the book", () => {
    const m = bookAwareFills({ lambda0PerSec: 1, betaPerPrice: 10 });
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: -0.2, max: 1, noNaN: true }),
        fc.constantFrom<'bid' | 'ask'>('bid', 'ask'),
        (half, imbalance, d, side) => {
          const book = { bestBidPrice: 100 - half, bestAskPrice: 100 + half, imbalance };
          const ref = new BookAwareIntensity({
            side,
            lambda0PerSec: 1,
            betaPerPrice: 10,
            halfSpreadPrice: (book.bestAskPrice - book.bestBidPrice) / 2,
            imbalance,
          });
          expect(m.ratePerSec(side, d, book)).toBe(ref.ratePerSec(d));
        },
      ),
    );
  });

  it('book-aware checks its parameters, naming the field', () => {
    expect(() => bookAwareFills({ lambda0PerSec: -1, betaPerPrice: 1 })).toThrow(/lambda0PerSec/);
    expect(() => bookAwareFills({ lambda0PerSec: 1, betaPerPrice: 0 })).toThrow(/betaPerPrice/);
  });

  it('fill probability: exact 1 - exp(-x), first order min(1, x)', () => {
    expect(fillProbability('exact', 2, 0.5)).toBeCloseTo(1 - Math.exp(-1), 14);
    expect(fillProbability('firstOrder', 2, 0.1)).toBeCloseTo(0.2, 14);
    expect(fillProbability('firstOrder', 200, 0.1)).toBe(1);
    expect(fillProbability('exact', 1e-12, 1) / 1e-12).toBeCloseTo(1, 10); // no cancellation
  });
});

describe('fees', () => {
  it('bps of notional: maker rebate negative, taker positive', () => {
    const f = bpsFees({ makerBps: -0.5, takerBps: 2.5 });
    expect(f.feeQuote('maker', 10000)).toBeCloseTo(-0.5, 12);
    expect(f.feeQuote('taker', 10000)).toBeCloseTo(2.5, 12);
    expect(zeroFees.feeQuote('taker', 1e6)).toBe(0);
    expect(() => bpsFees({ makerBps: Number.NaN, takerBps: 1 })).toThrow(/makerBps/);
  });
});

describe('latency models (seconds)', () => {
  const samples = (m: { sampleSec(r: ReturnType<typeof createRng>): number }) => {
    const r = createRng(8);
    return Array.from({ length: 50000 }, () => m.sampleSec(r));
  };

  it('constant, exponential (floor + mean extra), log-normal (median), empirical (resampled)', () => {
    expect(samples(constantLatency(0.002)).every((x) => x === 0.002)).toBe(true);
    const e = samples(exponentialLatency({ minSec: 0.001, meanExtraSec: 0.004 }));
    expect(Math.min(...e)).toBeGreaterThanOrEqual(0.001);
    expect(mean(e)).toBeCloseTo(0.005, 3);
    const l = samples(logNormalLatency({ medianSec: 0.01, logStd: 0.5 })).sort((a, b) => a - b);
    expect(l[25000]! / 0.01).toBeCloseTo(1, 1);
    const emp = samples(empiricalLatency([0.001, 0.002, 0.01]));
    expect(new Set(emp)).toEqual(new Set([0.001, 0.002, 0.01]));
    expect(emp.filter((x) => x === 0.01).length / emp.length).toBeCloseTo(1 / 3, 1);
  });

  it('rejects negative latencies, naming the field', () => {
    expect(() => constantLatency(-1)).toThrow(/latencySec/);
    expect(() => empiricalLatency([0.1, -0.1])).toThrow(/samplesSec\[1\]/);
    expect(() => empiricalLatency([])).toThrow(/samplesSec/);
  });
});
