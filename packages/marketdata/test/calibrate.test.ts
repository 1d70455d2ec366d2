import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { L2Event } from '@mm/simulator';
import { createRng } from '@mm/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calibrateFiles,
  createEventWriter,
  fitOrderIntensity,
  importToFile,
  type MarketOrder,
  MarketOrderGrouper,
  readEvents,
} from '../src/index.js';
import { BTC, ETH, HYPERLIQUID } from './paths.js';

const dir = mkdtempSync(join(tmpdir(), 'mm-md-cal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const btc = join(dir, 'btcusdt.mmb');
const eth = join(dir, 'ethusdt.mmb');
const hl = join(dir, 'hl.mmb');

beforeAll(async () => {
  await importToFile({ format: 'binance-futures', inputs: [BTC] }, btc);
  await importToFile({ format: 'binance-futures', inputs: [ETH] }, eth);
  await importToFile({ format: 'hyperliquid', inputs: [HYPERLIQUID] }, hl);
}, 120_000);

describe('fitOrderIntensity', () => {
  it('recovers A and k from depths drawn from lambda(d) = A e^{-k d}', () => {
    // Orders reaching depth >= d arrive at rate A e^{-k d}: over T seconds, Poisson(A T) orders
    // whose depths are exponential with rate k (inverse CDF: d = -ln(u) / k), put on a tick grid
    // by rounding down (an order at depth d reaches every level up to d).
    const A = 3;
    const k = 2.5;
    const T = 4000;
    const tick = 0.01;
    const rng = createRng(11, 1);
    const n = rng.poisson(A * T);
    const depths: number[] = [];
    for (let i = 0; i < n; i++) depths.push(Math.floor(-Math.log(rng.uniform()) / k / tick) * tick);
    const fit = fitOrderIntensity(depths, T, tick);
    // rounding down to the grid: counts per bin [a, a + tick) are exactly T A (1 - e^{-k tick}) e^{-k a}
    expect(Math.abs(fit.kPerPrice - k)).toBeLessThan(4 * fit.kStdError);
    expect(Math.abs(fit.aPerSec - A)).toBeLessThan(4 * fit.aStdError);
    expect(fit.chi2PerDof).toBeLessThan(2);
  });
});

describe('MarketOrderGrouper', () => {
  it('groups same-side prints a few ms apart and measures depth from the mid before', () => {
    const orders: MarketOrder[] = [];
    const g = new MarketOrderGrouper(0.005, (o) => orders.push(o));
    const touch = { mid: 100.05, bestBid: 100, bestAsk: 100.1 };
    g.print(1.0, 'buy', 100.1, 1, touch);
    g.print(1.002, 'buy', 100.2, 2, { mid: 100.15, bestBid: 100.1, bestAsk: 100.2 });
    g.print(1.004, 'buy', 100.3, 1, touch);
    g.print(1.004, 'sell', 100, 1, touch); // other side: a new order
    g.print(1.02, 'sell', 100, 1, touch); // 16 ms later: a new order
    g.flush();
    expect(orders).toHaveLength(3);
    expect(orders[0]).toMatchObject({ prints: 3, sizeBase: 4, beyondTouch: true });
    expect(orders[0]!.depthPrice).toBeCloseTo(0.25, 12);
    expect(orders[1]).toMatchObject({ side: 'sell', prints: 1, beyondTouch: false });
    expect(orders[1]!.depthPrice).toBeCloseTo(0.05, 12);
  });
});

describe('calibration of the recordings', () => {
  it('sigma equals an independent previous-tick computation; fields and units', () => {
    const c = calibrateFiles([btc]);
    const a = c.json.assets[0]!;
    // independent: mid at each whole second (last book at or before it), variance of the
    // increments per second
    const mids: number[] = [];
    let mid = Number.NaN;
    let next = Number.NaN;
    for (const e of readEvents(btc)) {
      if (e.type !== 'book') continue;
      while (!Number.isNaN(next) && next <= e.t) {
        mids.push(mid);
        next++;
      }
      mid = 0.5 * (e.bids[0]![0] + e.asks[0]![0]);
      if (Number.isNaN(next)) next = Math.floor(e.t) + 1;
    }
    let ss = 0;
    for (let i = 1; i < mids.length; i++) ss += (mids[i]! - mids[i - 1]!) ** 2;
    const sigma = Math.sqrt(ss / (mids.length - 1));
    expect(a.sigmaPerSqrtSec).toBeCloseTo(sigma, 2);
    expect(a.sigmaSe).toBeCloseTo(sigma / Math.sqrt(2 * (mids.length - 1)), 3);
    expect(a).toMatchObject({ symbol: 'btcusdt', sampleSec: 1, tickSize: 0.1 });
    expect(a.meanSpread!).toBeGreaterThanOrEqual(0.1);
    expect(a.meanSpread!).toBeLessThan(0.2);
    // about 95% of market orders stop at the touch (data/real README); here, with sweeps grouped
    expect(c.details[0]!.atTouchShare).toBeGreaterThan(0.75);
    expect(Object.keys(c.json.assets[0]!.fits.all).sort()).toEqual(['A', 'chi2PerDof', 'k']);
  });

  it('stable: the two halves of ETHUSDT give sigma and beyond-touch k within their errors', () => {
    const events = [...readEvents(eth)];
    const mid = events[0]!.t + 0.5 * (events.at(-1)!.t - events[0]!.t);
    const halves = [events.filter((e) => e.t < mid), events.filter((e) => e.t >= mid)];
    const files = halves.map((h, i) => {
      const f = join(dir, `eth-half${i}.mmb`);
      const w = createEventWriter(f);
      for (const e of h as L2Event[]) w.write(e);
      w.commit();
      return f;
    });
    const [c0, c1] = files.map((f) => calibrateFiles([f]));
    const s0 = c0!.json.assets[0]!;
    const s1 = c1!.json.assets[0]!;
    const z = (a: number, b: number, sa: number, sb: number) =>
      Math.abs(a - b) / Math.hypot(sa, sb);
    expect(z(s0.sigmaPerSqrtSec!, s1.sigmaPerSqrtSec!, s0.sigmaSe!, s1.sigmaSe!)).toBeLessThan(3);
    const f0 = c0!.details[0]!.beyondTouch;
    const f1 = c1!.details[0]!.beyondTouch;
    if (typeof f0 === 'string' || typeof f1 === 'string') throw new Error('no beyond-touch fit');
    expect(z(f0.kPerPrice, f1.kPerPrice, f0.kStdError, f1.kStdError)).toBeLessThan(3);
  });

  it('correlation of BTCUSDT and ETHUSDT (same window); null with a reason for Hyperliquid', () => {
    const c = calibrateFiles([btc, eth]);
    const r = c.json.correlation![0]![1]!;
    expect(r).toBeGreaterThan(0.3);
    expect(r).toBeLessThan(0.95);
    expect(c.json.correlation![1]![0]).toBe(r);
    const none = calibrateFiles([btc, hl]);
    expect(none.json.correlation).toBeNull();
    expect(none.correlationNote).toMatch(/do not overlap/);
  });
});
