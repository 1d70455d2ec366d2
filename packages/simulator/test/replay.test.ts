import { describe, expect, it } from 'vitest';
import {
  bpsFees,
  constantLatency,
  generateSyntheticL2,
  type L2Event,
  levelSize,
  type PriceLevel,
  type ReplayConfig,
  replayL2,
  riskAverseQueue,
  SAMPLE_L2_CONFIG,
} from '../src/index.js';
import { quote, scriptedPolicy } from './support/policies.js';

const book = (t: number, bids: PriceLevel[], asks: PriceLevel[]): L2Event => ({
  t,
  type: 'book',
  bids,
  asks,
});
const trade = (t: number, px: number, sz: number, side: 'buy' | 'sell'): L2Event => ({
  t,
  type: 'trade',
  px,
  sz,
  side,
});
/** Quotes at the touch: half the market spread from the mid on each side. */
const atTouch = {
  decide: (s: { marketSpreadPrice: number; midPrice: number }) =>
    quote(s.marketSpreadPrice / 2, s.marketSpreadPrice / 2, s.midPrice),
};
const cfg = (over: Partial<ReplayConfig> = {}): ReplayConfig => ({
  policy: atTouch,
  seed: 1,
  ...over,
});
const B0 = book(
  0,
  [
    [99.99, 5],
    [99.98, 7],
  ],
  [
    [100.01, 4],
    [100.02, 6],
  ],
);

describe('L2 replay engine', () => {
  it('levelSize: the level, 0 inside the shown range, NaN beyond it', () => {
    const bids: PriceLevel[] = [
      [99.99, 5],
      [99.97, 7],
    ];
    expect(levelSize(bids, 99.99, true)).toBe(5);
    expect(levelSize(bids, 99.98, true)).toBe(0);
    expect(levelSize(bids, 100, true)).toBe(0);
    expect(Number.isNaN(levelSize(bids, 99.9, true))).toBe(true);
  });

  it('trades at our price eat the queue ahead first; we fill once half a lot gets past us', () => {
    const r = replayL2(
      [B0, trade(1, 99.99, 3, 'sell'), trade(2, 99.99, 2.4, 'sell'), trade(3, 99.99, 0.2, 'sell')],
      cfg(),
    );
    expect(r.fills).toEqual([
      { tSec: 3, side: 'buy', role: 'maker', price: 99.99, lots: 1, feeQuote: 0 },
    ]);
    expect(r.inventoryLots).toBe(1);
    expect(r.cashQuote).toBeCloseTo(-99.99, 12);
  });

  it('a trade through our price, or the opposite touch crossing it, fills us at our price', () => {
    const through = replayL2([B0, trade(1, 100.03, 0.1, 'buy')], cfg());
    expect(through.fills.map((f) => [f.side, f.price])).toEqual([['sell', 100.01]]);
    const crossed = replayL2([B0, book(1, [[99.97, 5]], [[99.99, 2]])], cfg());
    expect(crossed.fills.map((f) => [f.side, f.price])).toEqual([['buy', 99.99]]);
    expect(crossed.pnlQuote).toBeCloseTo(-99.99 + 99.98, 12); // marked at the new mid 99.98
  });

  it('cancels advance us by the queue model; re-deciding the same price keeps the place', () => {
    // level 99.99: 5 ahead of us, then 20 join behind, then 20 cancel (we were near the front)
    const events = [
      B0,
      book(1, [[99.99, 25]], [[100.01, 4]]),
      book(2, [[99.99, 5]], [[100.01, 4]]),
      trade(3, 99.99, 4, 'sell'),
    ];
    const prob = replayL2(events, cfg());
    const averse = replayL2(events, cfg({ queueModel: riskAverseQueue() }));
    // prob: the 20 cancelled came mostly from the 20 behind us (p = 20^3 / (20^3 + 5^3)),
    // front ~ 5 - 20 (1 - p) = 4.69, the 4 traded leave 0.69: not filled; risk-averse: front 5
    expect(prob.fills).toEqual([]);
    expect(averse.fills).toEqual([]);
    const more = [...events, trade(4, 99.99, 1.3, 'sell')];
    expect(replayL2(more, cfg()).counts.makerBuys).toBe(1); // 0.69 - 1.3 = -0.61 <= -0.5
    expect(replayL2(more, cfg({ queueModel: riskAverseQueue() })).counts.makerBuys).toBe(0); // 1 - 1.3 = -0.3
  });

  it('a crossing quote rests one tick inside the opposite touch (the boundary module), off-tick prices are rounded away', () => {
    const r = replayL2(
      [B0, trade(1, 100.01, 1, 'buy')],
      cfg({ policy: { decide: () => quote(-0.02, 0.5031) } }),
    );
    expect(r.postOnlyRejections).toBe(0);
    expect(r.clampedQuotes).toBe(1);
    expect(r.path!.bidPrice[0]).toBe(100); // 100.02 crosses the ask 100.01: one tick under it
    expect(r.path!.askPrice[0]).toBe(100.51); // 100.5031 rounded up to the 0.01 tick
    expect(r.fills).toEqual([]);
  });

  it("a crossing side is a taker at the touch when the policy's taker control says so", () => {
    const r = replayL2(
      [B0],
      cfg({ policy: { decide: () => ({ ...quote(-0.02, 0.5), takerBuyRatePerSec: 1e-9 }) } }),
    );
    expect(r.fills).toEqual([
      { tSec: 0, side: 'buy', role: 'taker', price: 100.01, lots: 1, feeQuote: 0 },
    ]);
  });

  it('a quote that crosses when it arrives after the latency is rejected (post-only)', () => {
    const r = replayL2(
      [B0, book(0.3, [[99.98, 5]], [[99.99, 2]]), trade(0.6, 99.99, 1, 'buy')],
      cfg({
        policy: { decide: () => quote(0.01, 0.5) },
        latencyModel: constantLatency(0.5),
        decisionIntervalSec: 10,
      }),
    );
    expect(r.postOnlyRejections).toBe(1);
    expect(r.fills).toEqual([]);
  });

  it('the reducing side rests at its touch when the policy leaves it empty; qMaxLots stops the other side', () => {
    const r = replayL2(
      [B0, book(1, [[99.99, 5]], [[100.01, 4]])],
      cfg({
        policy: scriptedPolicy((s) => ({ take: s.tSec === 0 ? 'buy' : null })),
        qMaxLots: 1,
      }),
    );
    expect(r.inventoryLots).toBe(1);
    expect(r.path!.askPrice.at(-1)).toBe(100.01);
    expect(Number.isNaN(r.path!.bidPrice.at(-1)!)).toBe(true);
  });

  it('latency: an order decided at t is live from the first event at or after t + latency', () => {
    const events = [
      B0,
      trade(0.3, 99.99, 6, 'sell'),
      book(0.6, [[99.99, 2]], [[100.01, 4]]),
      trade(0.7, 99.99, 2.6, 'sell'),
    ];
    const r = replayL2(
      events,
      cfg({ latencyModel: constantLatency(0.5), decisionIntervalSec: 10 }),
    );
    // the 6 lots traded at 0.3 s went before our order existed; it joined behind 2 at 0.6 s
    expect(r.fills.map((f) => [f.tSec, f.side])).toEqual([[0.7, 'buy']]);
  });

  it('take crosses at the touch paying the taker fee; rate-form taker trades are Poisson over time', () => {
    const taker = replayL2(
      [B0, book(1, [[99.99, 5]], [[100.01, 4]])],
      cfg({
        policy: scriptedPolicy((s) => ({ take: s.tSec === 0 ? 'buy' : null })),
        feeModel: bpsFees({ makerBps: 0, takerBps: 10 }),
      }),
    );
    expect(taker.fills).toEqual([
      { tSec: 0, side: 'buy', role: 'taker', price: 100.01, lots: 1, feeQuote: 100.01e-3 },
    ]);
    const rates = replayL2(
      generateSyntheticL2(SAMPLE_L2_CONFIG),
      cfg({ policy: scriptedPolicy(() => ({ takerSellRatePerSec: 0.5 })) }),
    );
    expect(Math.abs(rates.counts.takerSells - 150)).toBeLessThan(5 * Math.sqrt(150));
  });

  it('decides at most once per decisionIntervalSec of event time, on book events', () => {
    const r = replayL2(generateSyntheticL2(SAMPLE_L2_CONFIG), cfg({ decisionIntervalSec: 2 }));
    expect(r.decisions).toBe(151); // t = 0, 2, ..., 300
    expect(r.bookEvents).toBe(1201);
    const every = replayL2(generateSyntheticL2(SAMPLE_L2_CONFIG), cfg());
    expect(every.decisions).toBe(1201);
  });

  it('is pure and seeded; the path is kept every recordEverySec', () => {
    const run = () => replayL2(generateSyntheticL2(SAMPLE_L2_CONFIG), cfg({ recordEverySec: 10 }));
    const a = run();
    expect(run()).toEqual(a);
    expect(a.path!.tSec.length).toBe(31);
    expect(a.events).toBe(a.bookEvents + a.tradeEvents);
    expect(a.pnlQuote).toBeCloseTo(a.cashQuote + a.inventoryLots * a.midPrice, 9);
    const last = a.path!.tSec.length - 1;
    expect(a.path!.pnlQuote[last]).toBeCloseTo(
      a.path!.cashQuote[last]! + a.path!.inventoryLots[last]! * a.path!.midPrice[last]!,
      9,
    );
    expect(a.counts.makerBuys + a.counts.makerSells).toBeGreaterThan(20);
  });

  it('checks its settings, naming the field', () => {
    expect(() => replayL2([], cfg({ seed: 0.5 }))).toThrow(/seed/);
    expect(() => replayL2([], cfg({ lotSizeBase: 0 }))).toThrow(/lotSizeBase/);
    expect(() => replayL2([], cfg({ decisionIntervalSec: -1 }))).toThrow(/decisionIntervalSec/);
  });
});
