import { describe, expect, it } from 'vitest';
import { initialAssetState, reduceBook } from '../src/pipeline/stateReducer.js';
import { portfolioConfig, portfolioQuoting } from './support/portfolio.js';

/* The engine side of the portfolio decision, with the real policies of @mm/hjb-core. */

const TICK = 0.01;

const config = (model: 'multi' | 'independent', rho = 0.9, hedging = false) =>
  portfolioConfig(
    [
      { symbol: 'BTC', sigma: 0.2 },
      { symbol: 'ETH', sigma: 0.2 },
    ],
    {
      model,
      gamma: 0.5,
      correlation: [
        [1, rho],
        [rho, 1],
      ],
      hedging: { enabled: hedging, maxLotsPerSec: 1 },
    },
  );

/** A ready state with a book `spread` wide around `mid` (1: wide, no clamping). */
const book = (mid: number, spread: number) =>
  reduceBook(initialAssetState, {
    tMs: 0,
    bids: [[mid - spread / 2, 5]],
    asks: [[mid + spread / 2, 5]],
  });

function quoting(
  model: 'multi' | 'independent',
  lots: Record<string, number>,
  options: { hedging?: boolean; spread?: number; take?: () => Promise<null> } = {},
) {
  const c = config(model, 0.9, options.hedging ?? false);
  const { quoting: q, takers, metrics } = portfolioQuoting(c, lots, options.take);
  const inv = { lotsByAsset: lots, grossNotional: 0 };
  const btc = q.quoteFor('BTC', 'sim', TICK);
  const eth = q.quoteFor('ETH', 'sim', TICK);
  const spread = options.spread ?? 1;
  /** One decision of a leg, then the risk gate's verdict (`pulled`) on it. */
  const decide = (leg: typeof btc, asset: string, tSec: number, pulled: boolean) => {
    const intent = leg(book(100, spread), inv, tSec);
    q.afterGate(asset, 'sim', pulled);
    return intent;
  };
  return {
    q,
    btc: (tSec = 0, pulled = false) => decide(btc, 'BTC', tSec, pulled),
    eth: (tSec = 0, pulled = false) => decide(eth, 'ETH', tSec, pulled),
    takers,
    metrics,
  };
}

describe('PortfolioQuoting', () => {
  it('multi: long BTC, ETH flat and 0.9 correlated: ETH ask nearer the mid than its bid', () => {
    const { btc, eth } = quoting('multi', { BTC: 5, ETH: 0 });
    expect(btc()).toBeDefined(); // the first leg alone does not quote: every mid is needed
    const e = eth();
    const bidDepth = 100 - e.bid!.price;
    const askDepth = e.ask!.price - 100;
    // the cross term Gamma_12 q_BTC skews ETH by at least 2 ticks
    expect(bidDepth - askDepth).toBeGreaterThanOrEqual(2 * TICK - 1e-9);
  });

  it('independent: ETH quotes symmetric within a tick whatever BTC holds', () => {
    const { btc, eth } = quoting('independent', { BTC: 5, ETH: 0 });
    btc();
    const e = eth();
    expect(Math.abs(100 - e.bid!.price - (e.ask!.price - 100))).toBeLessThanOrEqual(TICK + 1e-9);
  });

  it('hedges a large position with an IOC taker order, one at a time per (asset, venue, side)', async () => {
    // A one-tick book: the dead zone's psi = taker fee (0) + half spread = half a tick, below the
    // marginal value of one lot of BTC (about 6 ticks, while the quotes, about 10 ticks deep, do
    // not cross); never-answered takes keep the first one in flight.
    const pending = () => new Promise<null>(() => {});
    const { btc, eth, takers, metrics } = quoting(
      'multi',
      { BTC: 1, ETH: 0 },
      { hedging: true, spread: TICK, take: pending },
    );
    btc(0);
    eth(0);
    expect(takers).toHaveLength(1);
    const first = takers[0]!;
    expect(first).toMatchObject({ side: 'sell', sizeLots: 1 }); // long correlated risk: sell
    expect(first.clientOrderId).toMatch(/^t\.(BTC|ETH)-tk-1$/);
    const counted = (await metrics.hedges.get()).values.reduce((s, v) => s + v.value, 0);
    expect(counted).toBe(1);
    // later decisions: the rate limit would allow more, but that order is still in flight
    const before = takers.filter((t) => t.asset === first.asset && t.side === 'sell').length;
    btc(2);
    eth(2);
    expect(takers.filter((t) => t.asset === first.asset && t.side === 'sell')).toHaveLength(before);
  });

  it('exports every hedge and clamp series from the start, at 0', async () => {
    const { metrics } = quoting('multi', { BTC: 0, ETH: 0 });
    const hedges = (await metrics.hedges.get()).values;
    expect(hedges.map((v) => [v.labels.asset, v.labels.venue, v.value])).toEqual([
      ['BTC', 'sim', 0],
      ['ETH', 'sim', 0],
    ]);
    expect((await metrics.quotesClamped.get()).values).toHaveLength(4);
  });

  it('drops the taker orders of a decision the risk gate pulled', () => {
    const { btc, eth, takers } = quoting(
      'multi',
      { BTC: 1, ETH: 0 },
      { hedging: true, spread: TICK },
    );
    btc(0, true);
    eth(0, true);
    expect(takers).toEqual([]);
  });

  it("sets q' Sigma q and the per-asset contributions that sum to it", async () => {
    const { q, metrics } = quoting('multi', { BTC: 5, ETH: -2 });
    q.refreshRisk();
    // Sigma = [[.04, .036], [.036, .04]]; q = (5, -2): q' Sigma q = .04*25 + .04*4 - 2*.036*10
    const expected = 0.04 * 25 + 0.04 * 4 - 2 * 0.036 * 10;
    const risk = (await metrics.portfolioRisk.get()).values[0]!.value;
    expect(risk).toBeCloseTo(expected, 12);
    const parts = (await metrics.riskContribution.get()).values;
    const btc = parts.find((p) => p.labels.asset === 'BTC')!.value;
    const eth = parts.find((p) => p.labels.asset === 'ETH')!.value;
    expect(btc).toBeCloseTo(5 * (0.04 * 5 - 0.036 * 2), 12);
    expect(btc + eth).toBeCloseTo(expected, 12);
  });
});
