import {
  ExactPolicy,
  glftProblem,
  IndependentPolicy,
  MultiPolicy,
  type PortfolioPolicy,
  type PortfolioSpec,
  portfolioCovariance,
  solvePortfolio,
} from '@mm/hjb-core';
import {
  arithmeticBrownian,
  bpsFees,
  exponentialFills,
  flatBook,
  type MarketConfig,
} from '@mm/simulator';
import type { PortfolioBacktestConfig, PortfolioPolicyConfig } from './portfolioBacktestConfig.js';

/** Default position limit of a simulated asset, lots. */
export const DEFAULT_QMAX_LOTS = 10;

/** One asset's simulated market and its touch: `mid +- halfSpreadPrice`. */
export interface PortfolioAssetMarket {
  symbol: string;
  market: MarketConfig;
  /** Half the touch spread, price units (`spreadTicks * tickSize / 2`). */
  halfSpreadPrice: number;
}

/** The simulated markets of a config (one flat book per asset, on the asset's lot). */
export function portfolioMarkets(c: PortfolioBacktestConfig): PortfolioAssetMarket[] {
  return c.market.assets.map((a) => {
    const halfSpreadPrice = ((a.spreadTicks ?? 1) * a.tickSize) / 2;
    const makerBps = a.makerFeeBps ?? 0;
    const takerBps = a.takerFeeBps ?? 0;
    return {
      symbol: a.symbol,
      halfSpreadPrice,
      market: {
        initialMidPrice: a.s0,
        midModel: arithmeticBrownian({ sigmaPerSqrtSec: a.sigma, driftPerSec: 0 }),
        bookModel: flatBook({ halfSpreadPrice }),
        fillModel: exponentialFills({ aPerSec: a.A, kPerPrice: a.k }),
        fillProbability: 'exact',
        ...(makerBps !== 0 || takerBps !== 0 ? { feeModel: bpsFees({ makerBps, takerBps }) } : {}),
        lotSizeBase: a.lotSize ?? 1,
      },
    };
  });
}

/**
 * The book as hjb-core's portfolio spec: one venue per asset, one lot per fill, `Sigma` from the
 * correlation and each asset's sigma (checked: RangeError naming `market.correlation`).
 */
export function portfolioSpecOf(
  c: PortfolioBacktestConfig,
  policy?: Extract<PortfolioPolicyConfig, { type: 'portfolio' }>,
): PortfolioSpec {
  const assets = c.market.assets;
  const covariance = portfolioCovariance(
    assets.map((a) => a.sigma),
    c.market.correlation,
    'market.correlation',
  );
  return {
    assets: assets.map((a) => ({
      symbol: a.symbol,
      lotSizeBase: a.lotSize ?? 1,
      quoteSizeLots: 1,
      qMaxLots: a.qMax ?? DEFAULT_QMAX_LOTS,
      tickSize: a.tickSize,
      referenceMidPrice: a.s0,
      venues: [
        {
          venue: 'sim',
          A: a.A,
          k: a.k,
          makerFeeBps: a.makerFeeBps ?? 0,
          takerFeeBps: a.takerFeeBps ?? 0,
        },
      ],
    })),
    venues: ['sim'],
    gammaPerQuote: c.objective.gamma,
    covariance,
    ...(policy?.horizon === 'finite' ? { horizonSec: c.run.T } : {}),
    hedging: {
      enabled: policy?.hedging ?? true,
      maxLotsPerSec: policy?.maxHedgeLotsPerSec ?? 1,
    },
  };
}

/** The policy's display name: its `name`, else its type. */
export function portfolioPolicyName(p: PortfolioPolicyConfig): string {
  return p.name ?? p.type;
}

/**
 * A factory of the configured policy: `portfolio` is the `multi` control (solved once, a fresh
 * stateful policy per path for its hedge rate limit); `independent` quotes each asset from its
 * own exact stationary GLFT policy (model A, the same gamma per quote currency and lot size),
 * blind to the correlation, as the engine does today.
 */
export function portfolioPolicyFactory(
  c: PortfolioBacktestConfig,
  p: PortfolioPolicyConfig,
): () => PortfolioPolicy {
  if (p.type === 'portfolio') {
    const solution = solvePortfolio(portfolioSpecOf(c, p));
    return () => new MultiPolicy(solution);
  }
  const spec = portfolioSpecOf(c);
  const exact = c.market.assets.map((a, i) => {
    const problem = glftProblem({
      sigmaPerSqrtSec: a.sigma,
      aPerSec: a.A,
      kPerPrice: a.k,
      gamma: c.objective.gamma,
      lotSize: a.lotSize ?? 1,
      qMax: spec.assets[i]!.qMaxLots,
    });
    return new ExactPolicy({ problemFor: () => problem, quantum: { midRelative: 0 } });
  });
  return () => new IndependentPolicy(spec, exact, 'independent');
}
