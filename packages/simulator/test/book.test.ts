import { describe, expect, it } from 'vitest';
import { createRng, flatBook, syntheticBook } from '../src/index.js';
import { correlation, mean } from './support/stats.js';

const params = { tickPrice: 0.01, levels: 5, meanSizeBase: 4, halfSpreadPrice: 0.005 };

describe('flatBook', () => {
  it('puts the touch at mid -+ half spread with a balanced imbalance', () => {
    const book = flatBook({ halfSpreadPrice: 0.05 }).start(100, createRng(1));
    book.update(101, 1, createRng(1));
    expect([book.bestBidPrice, book.bestAskPrice, book.imbalance]).toEqual([100.95, 101.05, 0.5]);
    expect(book.levelCount).toBe(0);
  });
});

describe('syntheticBook', () => {
  it('keeps a tick-grid book around the mid: ordered levels, positive sizes, imbalance of the top levels', () => {
    const rng = createRng(2);
    const book = syntheticBook(params).start(100.003, rng);
    let mid = 100.003;
    for (let n = 0; n < 400; n++) {
      mid += 0.01 * rng.normal();
      book.update(mid, 0.1, rng);
      expect(book.bestBidPrice).toBeLessThanOrEqual(mid - 0.005 + 1e-9);
      expect(book.bestAskPrice).toBeGreaterThanOrEqual(mid + 0.005 - 1e-9);
      for (let i = 0; i < 5; i++) {
        expect(
          Math.abs(book.bidPrices[i]! * 100 - Math.round(book.bidPrices[i]! * 100)),
        ).toBeLessThan(1e-9);
        if (i > 0) {
          expect(book.bidPrices[i]!).toBeLessThan(book.bidPrices[i - 1]!);
          expect(book.askPrices[i]!).toBeGreaterThan(book.askPrices[i - 1]!);
        }
        expect(book.bidSizes[i]!).toBeGreaterThan(0);
      }
      const vb = book.bidSizes.reduce((a, b) => a + b, 0);
      const va = book.askSizes.reduce((a, b) => a + b, 0);
      expect(book.imbalance).toBeCloseTo(vb / (vb + va), 12);
    }
  });

  it('sizes average to meanSize (1 + slope i) and the imbalance is persistent', () => {
    const rng = createRng(3);
    const book = syntheticBook(params).start(100, rng);
    const touch: number[] = [];
    const third: number[] = [];
    const imb: number[] = [];
    for (let n = 0; n < 20000; n++) {
      book.update(100, 0.5, rng);
      touch.push(book.bidSizes[0]!);
      third.push(book.askSizes[2]!);
      imb.push(book.imbalance);
    }
    expect(mean(touch) / 4).toBeCloseTo(1, 1);
    expect(mean(third) / (4 * 2)).toBeCloseTo(1, 1);
    // OU with a 10 s timescale sampled every 0.5 s: lag-1 autocorrelation ~ exp(-0.05)
    expect(correlation(imb.slice(1), imb.slice(0, -1))).toBeGreaterThan(0.8);
    expect(mean(imb)).toBeCloseTo(0.5, 1);
  });

  it('a level keeps its size when the touch moves (sizes belong to prices)', () => {
    const rng = createRng(4);
    const book = syntheticBook({
      ...params,
      sizeTimescaleSec: 1e9,
      imbalanceTimescaleSec: 1e9,
    }).start(100.0, rng);
    const sizeAt = new Map<number, number>();
    for (let i = 0; i < 5; i++) sizeAt.set(book.bidPrices[i]!, book.bidSizes[i]!);
    book.update(100.02, 1e-6, rng); // two ticks up: old levels are two deeper
    for (let i = 2; i < 5; i++)
      expect(book.bidSizes[i]! / sizeAt.get(book.bidPrices[i]!)!).toBeCloseTo(1, 5);
  });

  it('consume takes a trade out of the touch, down to the minimum size', () => {
    const book = syntheticBook(params).start(100, createRng(5));
    const before = book.askSizes[0]!;
    book.consume('ask', 0.25 * before);
    expect(book.askSizes[0]!).toBeCloseTo(0.75 * before, 9);
    book.consume('ask', 1e9);
    expect(book.askSizes[0]!).toBeCloseTo(0.04, 12);
  });

  it('checks its parameters, naming the field', () => {
    expect(() => syntheticBook({ ...params, tickPrice: 0 })).toThrow(/tickPrice/);
    expect(() => syntheticBook({ ...params, levels: 0 })).toThrow(/levels/);
    expect(() => syntheticBook({ ...params, imbalanceLevels: 6 })).toThrow(/imbalanceLevels/);
  });
});
