import { fileURLToPath } from 'node:url';
import { MultiPolicy, type PortfolioState, solvePortfolio } from '@mm/hjb-core';
import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../src/config/loadEngineConfig.js';
import { portfolioModelOf } from '../src/config/portfolioConfigSchema.js';
import { bookLayout, portfolioSpecOf } from '../src/decision/portfolioSpecOf.js';

const DEFAULT_CONFIG = fileURLToPath(new URL('../../../config/default.yaml', import.meta.url));

/* The shipped default config (`pnpm start`) as a model: multi, and sensible at every inventory. */
describe('config/default.yaml', () => {
  it('is a correlated portfolio of BTC, ETH, SOL quoted by multi, the sim mids correlated as the book', async () => {
    const config = await loadEngineConfig(DEFAULT_CONFIG);
    expect(config.assets.map((a) => a.symbol)).toEqual(['BTC', 'ETH', 'SOL']);
    expect(portfolioModelOf(config.portfolio, 3)).toBe('multi');
    for (const v of config.venues) {
      expect(v.kind).toBe('sim');
      if (v.kind === 'sim') expect(v.correlation).toEqual(config.portfolio?.correlation);
    }
    expect(config.ledger.allowVolatileRedis).toBe(true);
  });

  it('has no bid at or above the mid, nor an ask at or below it, at any inventory within the limits', async () => {
    const config = await loadEngineConfig(DEFAULT_CONFIG);
    const layout = bookLayout(config, () => config.assets.map((a) => a.symbol));
    const spec = portfolioSpecOf(config, layout, 'multi');
    const policy = new MultiPolicy(solvePortfolio(spec));
    const mids = config.venues[0]!.kind === 'sim' ? config.venues[0]!.initialMidPrice : {};
    const limit = config.risk.positionLimitLots;
    const levels = [-limit, -limit + 1, -1, 0, 1, limit - 1, limit];
    let checked = 0;
    // Every combination of these levels per asset (the corners included): 7^3 inventory vectors.
    for (const a of levels)
      for (const b of levels)
        for (const c of levels) {
          const q = [a, b, c];
          const state: PortfolioState = {
            tSec: 0,
            assets: spec.assets.map((s, i) => {
              const mid = mids[s.symbol]!;
              // a book far wider than any quote: the boundary leaves the model's prices alone
              const wide = 1000 * s.tickSize;
              return {
                inventoryLots: q[i]!,
                midPrice: mid,
                driftPerSec: 0,
                sigmaPerSqrtSec: config.assets[i]!.model.sigma,
                venues: s.venues.map(() => ({
                  inventoryLots: q[i]! / s.venues.length,
                  bestBid: mid - wide,
                  bestAsk: mid + wide,
                  tickSize: s.tickSize,
                  lotSizeBase: s.lotSizeBase,
                })),
              };
            }),
          };
          const d = policy.decide(state);
          spec.assets.forEach((s, i) => {
            const mid = mids[s.symbol]!;
            for (const v of d.quotes[i]!) {
              if (v.bid) expect(v.bid.price, `${s.symbol} bid at q=${q}`).toBeLessThan(mid);
              if (v.ask) expect(v.ask.price, `${s.symbol} ask at q=${q}`).toBeGreaterThan(mid);
              // the side that reduces |q| is always quoted
              if (q[i]! < 0) expect(v.bid).not.toBe(null);
              if (q[i]! > 0) expect(v.ask).not.toBe(null);
              checked++;
            }
          });
          expect(d.takers.filter((t) => t.reason !== 'hedge')).toEqual([]);
        }
    expect(checked).toBe(7 ** 3 * 3 * 2);
  });
});
