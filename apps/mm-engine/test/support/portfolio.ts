import { type EngineConfig, parseEngineConfig } from '../../src/config/engineConfigSchema.js';
import { portfolioModelOf } from '../../src/config/portfolioConfigSchema.js';
import { PortfolioQuoting, type TakerOrder } from '../../src/decision/portfolioQuoting.js';
import { bookLayout } from '../../src/decision/portfolioSpecOf.js';
import { policyFromConfig } from '../../src/engine/policyFromConfig.js';
import { createEngineMetrics } from '../../src/metrics/engineMetrics.js';

/** Risk limits wide enough never to pull a test's quotes. */
export const WIDE_RISK = {
  positionLimitLots: 10,
  portfolioNotionalLimit: 1e9,
  maxOrdersPerSec: 50,
  staleDataTimeoutMs: 2000,
  priceBandBps: 500,
};

/** A config of assets with lot 1 and tick 0.01 on one sim venue `sim`, plus `portfolio`. */
export function portfolioConfig(
  assets: ReadonlyArray<{ symbol: string; sigma: number; A?: number; k?: number; gamma?: number }>,
  portfolio: Record<string, unknown>,
): EngineConfig {
  return parseEngineConfig({
    assets: assets.map((a) => ({
      symbol: a.symbol,
      lotSizeBase: 1,
      tickSize: 0.01,
      qMaxLots: 10,
      policy: 'exact',
      model: { sigma: a.sigma, A: a.A ?? 1, k: a.k ?? 10, gamma: a.gamma ?? 0.5 },
    })),
    venues: [{ name: 'sim', kind: 'sim' }],
    risk: WIDE_RISK,
    portfolio,
  });
}

/**
 * The engine's portfolio decision for `config` (every asset on venue `sim`) with a fixed
 * inventory in lots; taker orders are collected in `takers` and answered by `take` (default:
 * nothing filled, at once).
 */
export function portfolioQuoting(
  config: EngineConfig,
  lots: Readonly<Record<string, number>>,
  take: () => Promise<null> = () => Promise.resolve(null),
) {
  const symbols = config.assets.map((a) => a.symbol);
  const takers: TakerOrder[] = [];
  const metrics = createEngineMetrics();
  const quoting = new PortfolioQuoting({
    config,
    layout: bookLayout(config, () => symbols),
    model: portfolioModelOf(config.portfolio, symbols.length) ?? 'independent',
    assetPolicies: config.assets.map((a) => policyFromConfig(a)),
    inventory: { totalLots: (a) => lots[a] ?? 0, venueLots: (_v, a) => lots[a] ?? 0 },
    take: (_venue, order) => {
      takers.push(order);
      return take();
    },
    mayTrade: () => true,
    tag: 't',
    metrics,
    log: { info: () => {}, warn: () => {} },
  });
  return { quoting, takers, metrics };
}
