/**
 * The boundary module (execution at the inventory boundary, DESIGN 3.8): the one place its
 * properties are tested. Engine, backtest and replay call it through the portfolio policies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { glftProblem } from '../../src/models/glftProblem.js';
import { ExactPolicy } from '../../src/policy/exactPolicy.js';
import {
  type BoundaryInput,
  createBoundaryInput,
  createQuoteSlots,
  placeQuotes,
} from '../../src/portfolio/boundary.js';
import { IndependentPolicy } from '../../src/portfolio/IndependentPolicy.js';
import { MultiPolicy } from '../../src/portfolio/MultiPolicy.js';
import type {
  PortfolioSpec,
  PortfolioState,
  PortfolioTaker,
  PortfolioVenueQuotes,
} from '../../src/portfolio/PortfolioSpec.js';
import { solvePortfolio } from '../../src/portfolio/portfolioSolution.js';
import { ceilToTick, floorToTick, roundSizeLots, tickPrice } from '../../src/portfolio/ticks.js';

function place(over: Partial<BoundaryInput>) {
  const input = { ...createBoundaryInput(), ...over };
  const out: PortfolioVenueQuotes = { bid: null, ask: null };
  const takers: PortfolioTaker[] = [];
  placeQuotes(input, createQuoteSlots(), out, takers);
  return { out, takers };
}

const base: Partial<BoundaryInput> = {
  midPrice: 100,
  bestBid: 99.9,
  bestAsk: 100.1,
  tickSize: 0.1,
  inventoryLots: 0,
  qMaxLots: 10,
  sizeLots: 1,
  assetLotSizeBase: 1,
  venueLotSizeBase: 1,
};

const onGrid = (price: number, tick: number) =>
  Math.abs(price / tick - Math.round(price / tick)) < 1e-6;

describe('boundary: examples', () => {
  it('rounds away from crossing, to decimal prices', () => {
    const { out } = place({ ...base, bidDepthPrice: 0.25, askDepthPrice: 0.25 });
    expect(out.bid).toEqual({ price: 99.7, sizeLots: 1, clamped: false });
    expect(out.ask).toEqual({ price: 100.3, sizeLots: 1, clamped: false });
  });

  it("the seed BTC model's bid above the mid at q = -8 rests one tick under the ask when the model says not to take", () => {
    const { out, takers } = place({
      ...base,
      inventoryLots: -8,
      bidDepthPrice: -0.85,
      askDepthPrice: 9,
    });
    expect(takers).toEqual([]);
    expect(out.bid).toEqual({ price: 100, sizeLots: 1, clamped: true });
  });

  it('a crossing bid becomes an IOC buy at the ask when the taker control says take', () => {
    const { out, takers } = place({
      ...base,
      inventoryLots: -8,
      bidDepthPrice: -0.85,
      askDepthPrice: 9,
      takeBidIfCrossing: true,
    });
    expect(out.bid).toBeNull();
    expect(takers).toEqual([
      {
        assetIndex: 0,
        venueIndex: 0,
        side: 'buy',
        sizeLots: 1,
        limitPrice: 100.1,
        reason: 'boundary',
      },
    ]);
  });

  it('a locking ask (at the bid) is moved one tick above the bid', () => {
    const { out } = place({ ...base, inventoryLots: 3, bidDepthPrice: 2, askDepthPrice: -0.1 });
    expect(out.ask).toEqual({ price: 100, sizeLots: 1, clamped: true });
  });

  it('the reducing side rests at its touch when the model leaves it empty; the other side does not', () => {
    const { out } = place({
      ...base,
      inventoryLots: 4,
      bidDepthPrice: Number.NaN,
      askDepthPrice: Number.NaN,
    });
    expect(out.bid).toBeNull();
    expect(out.ask).toEqual({ price: 100.1, sizeLots: 1, clamped: true });
  });

  it('no bid whose fill would pass qMax; sizes down to the venue lot', () => {
    expect(
      place({ ...base, inventoryLots: 10, bidDepthPrice: 1, askDepthPrice: 1 }).out.bid,
    ).toBeNull();
    const { out } = place({
      ...base,
      sizeLots: 7,
      assetLotSizeBase: 0.001,
      venueLotSizeBase: 0.005,
      bidDepthPrice: 1,
      askDepthPrice: 1,
    });
    expect(out.bid?.sizeLots).toBe(5);
    expect(roundSizeLots(3, 0.01, 0.01)).toBe(3);
    expect(roundSizeLots(0.5, 1, 1)).toBe(0);
  });

  it('tick helpers give decimal prices', () => {
    expect(floorToTick(100.19999, 0.1)).toBe(100.1);
    expect(ceilToTick(100.10000000001, 0.1)).toBe(100.1);
    expect(tickPrice(1001, 0.1)).toBe(100.1);
    expect(tickPrice(3, 0.25)).toBe(0.75);
  });
});

describe('boundary: properties', () => {
  const arbInput = fc.record({
    midTicks: fc.integer({ min: 1000, max: 100_000 }),
    spreadTicks: fc.integer({ min: 1, max: 6 }),
    tick: fc.constantFrom(0.01, 0.1, 0.5, 1, 0.25),
    inventory: fc.integer({ min: -10, max: 10 }),
    bidDepthTicks: fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constant(Number.NaN)),
    askDepthTicks: fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constant(Number.NaN)),
    takeBid: fc.boolean(),
    takeAsk: fc.boolean(),
  });

  it('never crosses or locks; on the tick; never nearer than the model; reducing side rests unless taken; limits kept', () => {
    fc.assert(
      fc.property(arbInput, (x) => {
        const bestBid = tickPrice(x.midTicks, x.tick);
        const bestAsk = tickPrice(x.midTicks + x.spreadTicks, x.tick);
        const mid = (bestBid + bestAsk) / 2;
        const input: Partial<BoundaryInput> = {
          ...base,
          midPrice: mid,
          bestBid,
          bestAsk,
          tickSize: x.tick,
          inventoryLots: x.inventory,
          bidDepthPrice: x.bidDepthTicks * x.tick,
          askDepthPrice: x.askDepthTicks * x.tick,
          takeBidIfCrossing: x.takeBid,
          takeAskIfCrossing: x.takeAsk,
        };
        const { out, takers } = place(input);
        for (const [side, q] of [
          ['bid', out.bid],
          ['ask', out.ask],
        ] as const) {
          if (!q) continue;
          expect(onGrid(q.price, x.tick)).toBe(true);
          if (side === 'bid') expect(q.price).toBeLessThan(bestAsk);
          else expect(q.price).toBeGreaterThan(bestBid);
          const depth = side === 'bid' ? input.bidDepthPrice! : input.askDepthPrice!;
          // Rounded away from crossing: never more aggressive than the model's price.
          if (!Number.isNaN(depth) && !q.clamped) {
            if (side === 'bid') expect(q.price).toBeLessThanOrEqual(mid - depth + 1e-9);
            else expect(q.price).toBeGreaterThanOrEqual(mid + depth - 1e-9);
          }
        }
        const bought = takers.some((t) => t.side === 'buy');
        const sold = takers.some((t) => t.side === 'sell');
        if (x.inventory < 0) expect(out.bid !== null || bought).toBe(true);
        if (x.inventory > 0) expect(out.ask !== null || sold).toBe(true);
        if (x.inventory >= 10) expect(out.bid === null && !bought).toBe(true);
        if (x.inventory <= -10) expect(out.ask === null && !sold).toBe(true);
        for (const t of takers) {
          expect(t.reason).toBe('boundary');
          expect(t.limitPrice).toBe(t.side === 'buy' ? bestAsk : bestBid);
          expect(t.side === 'buy' ? x.takeBid : x.takeAsk).toBe(true);
        }
      }),
      { seed: 10, numRuns: 2000 },
    );
  });
});

describe('boundary through the policies: the issue-10 BTC model', () => {
  // config/default.yaml's old BTC model: sigma 6, A 0.5, k 0.111, gamma 0.002 per (price x lot),
  // qMax 10: `mm solve` gives a bid depth of -0.85 at q = -8 (the optimal bid above the mid).
  const problem = glftProblem({
    sigmaPerSqrtSec: 6,
    aPerSec: 0.5,
    kPerPrice: 0.111,
    gamma: 0.002,
    qMax: 10,
  });
  const spec: PortfolioSpec = {
    assets: [
      {
        symbol: 'BTC',
        lotSizeBase: 1,
        quoteSizeLots: 1,
        qMaxLots: 10,
        tickSize: 0.1,
        venues: [{ venue: 'sim', A: 0.5, k: 0.111, makerFeeBps: 0, takerFeeBps: 0 }],
      },
    ],
    venues: ['sim'],
    gammaPerQuote: 0.002,
    covariance: [[36]],
    hedging: { enabled: false, maxLotsPerSec: 1 },
  };
  const at = (q: number): PortfolioState => ({
    tSec: 0,
    assets: [
      {
        inventoryLots: q,
        midPrice: 60_000,
        driftPerSec: 0,
        sigmaPerSqrtSec: 6,
        venues: [
          { inventoryLots: q, bestBid: 59_999.9, bestAsk: 60_000.1, tickSize: 0.1, lotSizeBase: 1 },
        ],
      },
    ],
  });

  it('independent (exact, no taker control): the crossing bid rests one tick under the ask at every q < 0', () => {
    const exact = new ExactPolicy({ problemFor: () => problem, quantum: { midRelative: 0 } });
    const policy = new IndependentPolicy(spec, [exact]);
    const control = exact.decide({
      inventoryLots: -8,
      midPrice: 60_000,
      marketSpreadPrice: 0.2,
      imbalance: 0.5,
      driftPerSec: 0,
      tSec: 0,
    });
    expect(control.bidDeltaPrice).toBeLessThan(0); // the defect: above the mid
    for (let q = -10; q < 0; q++) {
      const bid = policy.decide(at(q)).quotes[0]![0]!.bid;
      expect(bid).not.toBeNull();
      expect(bid!.price).toBeLessThan(60_000.1);
    }
    expect(policy.decide(at(-8)).quotes[0]![0]!.bid).toEqual({
      price: 60_000,
      sizeLots: 1,
      clamped: true,
    });
  });

  it('multi (quadratic value, taker control): at -10 the crossing bid is a taker buy at the ask', () => {
    const d = new MultiPolicy(solvePortfolio(spec)).decide(at(-10));
    const bid = d.quotes[0]![0]!.bid;
    const taken = d.takers.some((t) => t.side === 'buy' && t.reason === 'boundary');
    expect(bid !== null || taken).toBe(true);
    if (bid) expect(bid.price).toBeLessThan(60_000.1);
  });

  it('property: no rested quote crosses or locks, the reducing side rests or is taken (multi, 3 assets)', () => {
    const s3: PortfolioSpec = {
      ...spec,
      assets: ['X', 'Y', 'Z'].map((symbol) => ({ ...spec.assets[0]!, symbol })),
      covariance: [
        [36, 30, 28],
        [30, 36, 29],
        [28, 29, 36],
      ],
      hedging: { enabled: true, maxLotsPerSec: 1 },
    };
    const policy = new MultiPolicy(solvePortfolio(s3));
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -10, max: 10 }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        (qs, spreadTicks) => {
          const state: PortfolioState = {
            tSec: 0,
            assets: qs.map((q) => ({
              inventoryLots: q,
              midPrice: 60_000,
              driftPerSec: 0,
              sigmaPerSqrtSec: 6,
              venues: [
                {
                  inventoryLots: q,
                  bestBid: 60_000 - spreadTicks * 0.05,
                  bestAsk: 60_000 + spreadTicks * 0.05,
                  tickSize: 0.1,
                  lotSizeBase: 1,
                },
              ],
            })),
          };
          const d = policy.decide(state);
          qs.forEach((q, i) => {
            const v = state.assets[i]!.venues[0]!;
            const { bid, ask } = d.quotes[i]![0]!;
            if (bid) expect(bid.price).toBeLessThan(v.bestAsk);
            if (ask) expect(ask.price).toBeGreaterThan(v.bestBid);
            const took = (side: string) =>
              d.takers.some(
                (t) => t.assetIndex === i && t.side === side && t.reason === 'boundary',
              );
            if (q < 0) expect(bid !== null || took('buy')).toBe(true);
            if (q > 0) expect(ask !== null || took('sell')).toBe(true);
            if (q >= 10) expect(bid).toBeNull();
            if (q <= -10) expect(ask).toBeNull();
          });
        },
      ),
      { seed: 12, numRuns: 400 },
    );
  });
});
