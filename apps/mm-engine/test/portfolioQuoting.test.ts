import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../src/config/engineConfigSchema.js';
import { portfolioModelOf } from '../src/config/portfolioConfigSchema.js';
import { PortfolioQuoting, type TakerOrder } from '../src/decision/portfolioQuoting.js';
import { bookLayout } from '../src/decision/portfolioSpecOf.js';
import { policyFromConfig } from '../src/engine/policyFromConfig.js';
import { createEngineMetrics } from '../src/metrics/engineMetrics.js';
import { initialAssetState, reduceBook } from '../src/pipeline/stateReducer.js';

/* The engine side of the portfolio decision, with the real policies of @mm/hjb-core. */

const TICK = 0.01;

function config(model: 'multi' | 'independent', rho = 0.9) {
  const asset = (symbol: string) => ({
    symbol,
    lotSizeBase: 1,
    tickSize: TICK,
    qMaxLots: 10,
    policy: 'exact',
    model: { sigma: 0.2, A: 1, k: 10, gamma: 0.5 },
  });
  return parseEngineConfig({
    assets: [asset('BTC'), asset('ETH')],
    venues: [{ name: 'sim', kind: 'sim' }],
    risk: {
      positionLimitLots: 10,
      portfolioNotionalLimit: 1e9,
      maxOrdersPerSec: 50,
      staleDataTimeoutMs: 2000,
      priceBandBps: 500,
    },
    portfolio: {
      model,
      gamma: 0.5,
      correlation: [
        [1, rho],
        [rho, 1],
      ],
      hedging: { enabled: false },
    },
  });
}

/** A ready state with a wide book (no clamping) around `mid`. */
const book = (mid: number) =>
  reduceBook(initialAssetState, {
    tMs: 0,
    bids: [[mid - 1, 5]],
    asks: [[mid + 1, 5]],
  });

function quoting(model: 'multi' | 'independent', lots: Record<string, number>) {
  const c = config(model);
  const layout = bookLayout(c, () => ['BTC', 'ETH']);
  const takers: TakerOrder[] = [];
  const metrics = createEngineMetrics();
  const q = new PortfolioQuoting({
    config: c,
    layout,
    model: portfolioModelOf(c.portfolio, 2)!,
    assetPolicies: c.assets.map((a) => policyFromConfig(a)),
    inventory: {
      totalLots: (a) => lots[a] ?? 0,
      venueLots: (_v, a) => lots[a] ?? 0,
    },
    take: async (_venue, order) => {
      takers.push(order);
      return null;
    },
    mayTrade: () => true,
    tag: 't',
    metrics,
    log: { info: () => {}, warn: () => {} },
  });
  const inv = { lotsByAsset: lots, grossNotional: 0 };
  const btc = q.quoteFor('BTC', 'sim', TICK);
  const eth = q.quoteFor('ETH', 'sim', TICK);
  return {
    q,
    btc: () => btc(book(100), inv, 0),
    eth: () => eth(book(100), inv, 0),
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
