import { EwmaVolatility } from '@mm/regime';
import { createRng } from '@mm/simulator';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookEvent, BookLevel } from '../src/model/book.js';
import { initialAssetState, makeStateReducer, reduceBook } from '../src/pipeline/stateReducer.js';

const book = (tMs: number, bid: number, ask: number, bidSz = 1, askSz = 1): BookEvent => ({
  tMs,
  bids: [[bid, bidSz]],
  asks: [[ask, askSz]],
});

describe('state reducer', () => {
  it('computes mid, spread, imbalance and readiness', () => {
    const s = reduceBook(initialAssetState, book(0, 99, 101, 3, 1));
    expect(s).toMatchObject({ midPrice: 100, marketSpreadPrice: 2, imbalance: 0.75, ready: true });
    expect(s.invalid).toBeNull();
  });

  it('flags a crossed book as a value, keeping the last valid state', () => {
    const s1 = reduceBook(initialAssetState, book(0, 99, 101));
    const s2 = reduceBook(s1, book(10, 102, 101));
    expect(s2.invalid).toBe('crossed');
    expect(s2.ready).toBe(false);
    expect(s2.midPrice).toBe(100);
    expect(s2.lastUpdateMs).toBe(0);
  });

  it('flags non-finite, empty and time-reversed books', () => {
    const s1 = reduceBook(initialAssetState, book(100, 99, 101));
    expect(reduceBook(s1, book(200, Number.NaN, 101)).invalid).toBe('nonFinite');
    expect(reduceBook(s1, { tMs: 200, bids: [], asks: [[101, 1]] }).invalid).toBe('emptySide');
    expect(reduceBook(s1, book(50, 99, 101)).invalid).toBe('timeWentBack');
    const back = reduceBook(reduceBook(s1, book(200, 102, 101)), book(300, 99, 101));
    expect(back.invalid).toBeNull();
    expect(back.ready).toBe(true);
  });

  it('estimates drift per second on irregular times', () => {
    const r = makeStateReducer({ driftTauSec: 1e-9 }); // no smoothing: drift = last slope
    let s = r(initialAssetState, book(0, 99, 101));
    s = r(s, book(500, 100, 102)); // +1 in 0.5 s
    expect(s.driftPerSec).toBeCloseTo(2, 9);
    s = r(s, book(2500, 102, 104)); // +2 in 2 s
    expect(s.driftPerSec).toBeCloseTo(1, 9);
    expect(s.midJumpBps).toBeCloseTo((2 / 101) * 1e4, 9);
  });

  it('EWMA weight grows with the gap', () => {
    const r = makeStateReducer({ driftTauSec: 10 });
    const s0 = r(initialAssetState, book(0, 99, 101));
    const short = r(s0, book(1000, 100, 102)).driftPerSec; // slope 1/s after 1 s
    const long = r(s0, book(10_000, 109, 111)).driftPerSec; // slope 1/s after 10 s
    expect(short).toBeCloseTo(1 - Math.exp(-0.1), 12);
    expect(long).toBeCloseTo(1 - Math.exp(-1), 12);
  });

  it("volatility: equals the regime package's EwmaVolatility (half-life = tau ln 2) on irregular times", () => {
    // An independent implementation of the same estimator (kernel mass, de-biased) must agree.
    const tau = 20;
    const r = makeStateReducer({ volTauSec: tau });
    const ewma = new EwmaVolatility({ halfLifeSec: tau * Math.LN2 });
    const rng = createRng(7, 0);
    let s = initialAssetState;
    let mid = 100;
    let tMs = 0;
    for (let i = 0; i < 2000; i++) {
      tMs += Math.round(1 + 400 * rng.uniform());
      mid += 0.05 * rng.normal();
      s = r(s, book(tMs, mid - 0.01, mid + 0.01));
      ewma.update(tMs / 1000, mid);
    }
    expect(s.volPerSqrtSec).toBeCloseTo(ewma.value, 12);
  });

  it('volatility: recovers the sigma of a Brownian mid within 4 standard errors', () => {
    // dt = 0.1 s, sigma = 0.3 per sqrt(s); the EWMA over tau = 120 s weighs about 2 tau / dt = 2400
    // squared increments, so the variance has relative SE sqrt(2 / 2400) = 2.9% and sigma 1.4%.
    const sigma = 0.3;
    const r = makeStateReducer({ volTauSec: 120 });
    const rng = createRng(11, 0);
    let s = initialAssetState;
    let mid = 1000;
    for (let i = 0; i <= 20_000; i++) {
      mid += sigma * Math.sqrt(0.1) * rng.normal();
      s = r(s, book(i * 100, mid - 0.05, mid + 0.05));
    }
    expect(Math.abs(s.volPerSqrtSec / sigma - 1)).toBeLessThan(4 * 0.0144);
  });

  it('honours the warm-up count', () => {
    const r = makeStateReducer({ warmupUpdates: 2 });
    const s1 = r(initialAssetState, book(0, 99, 101));
    expect(s1.ready).toBe(false);
    expect(r(s1, book(1, 99, 101)).ready).toBe(true);
  });

  const level = fc.tuple(
    fc.double({ min: -10, max: 1e6, noNaN: false }),
    fc.double({ min: -1, max: 1e3, noNaN: false }),
  ) as fc.Arbitrary<BookLevel>;
  const event = fc.record({
    tMs: fc.integer({ min: 0, max: 1e7 }),
    bids: fc.array(level, { maxLength: 8 }),
    asks: fc.array(level, { maxLength: 8 }),
  });

  it('never throws; imbalance stays in [0, 1]; crossed books are flagged (property)', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 20 }), (events) => {
        let s = initialAssetState;
        for (const e of events) {
          s = reduceBook(s, e);
          expect(s.imbalance).toBeGreaterThanOrEqual(0);
          expect(s.imbalance).toBeLessThanOrEqual(1);
          if (s.invalid === null) {
            expect(s.marketSpreadPrice).toBeGreaterThan(0);
            expect(Number.isFinite(s.midPrice)).toBe(true);
            expect(Number.isFinite(s.driftPerSec)).toBe(true);
          } else {
            expect(s.ready).toBe(false);
          }
          const finite = [...e.bids, ...e.asks].every(
            ([p, z]) => Number.isFinite(p) && Number.isFinite(z) && p > 0 && z >= 0,
          );
          if (finite && e.bids.length > 0 && e.asks.length > 0) {
            const bb = Math.max(...e.bids.map((l) => l[0]));
            const ba = Math.min(...e.asks.map((l) => l[0]));
            if (bb >= ba) expect(s.invalid).toBe('crossed');
          }
        }
      }),
    );
  });
  it('level order does not matter: a side given best-first, reversed or shuffled reduces alike (property)', () => {
    const side = fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(side, side, fc.integer({ min: 1, max: 4 }), (bidTicks, askTicks, n) => {
        // bids below 1000 ticks, asks above: never crossed
        const bids = bidTicks.map((t): BookLevel => [(1000 - t) / 100, t % 7]);
        const asks = askTicks.map((t): BookLevel => [(1000 + t) / 100, t % 5]);
        const r = makeStateReducer({ topLevels: n });
        const best = (l: BookLevel[], sign: number) => [...l].sort((a, b) => sign * (b[0] - a[0]));
        const a = r(initialAssetState, { tMs: 0, bids: best(bids, 1), asks: best(asks, -1) });
        const b = r(initialAssetState, {
          tMs: 0,
          bids: best(bids, 1).reverse(),
          asks: [...asks].reverse(),
        });
        expect(b.midPrice).toBe(a.midPrice);
        expect(b.imbalance).toBeCloseTo(a.imbalance, 12);
        expect(b.marketSpreadPrice).toBe(a.marketSpreadPrice);
      }),
    );
  });
});
