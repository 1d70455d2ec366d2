import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../src/config/engineConfigSchema.js';
import { portfolioModelOf } from '../src/config/portfolioConfigSchema.js';

/* The portfolio section and the sim venue's correlation / starting position (issue 10). */

const asset = (symbol: string, lotSizeBase: number, withGamma = true) => ({
  symbol,
  lotSizeBase,
  tickSize: 0.1,
  qMaxLots: 10,
  policy: 'exact',
  model: { A: 1.5, k: 0.3, sigma: 2, ...(withGamma ? { gamma: 0.01 } : {}) },
});

const config = (over: Record<string, unknown> = {}) => ({
  assets: [asset('BTC', 0.001), asset('ETH', 0.01)],
  venues: [{ name: 'sim1', kind: 'sim' }],
  risk: {
    positionLimitLots: 10,
    portfolioNotionalLimit: 100_000,
    maxOrdersPerSec: 5,
    staleDataTimeoutMs: 2000,
    priceBandBps: 50,
  },
  ...over,
});

const RHO = [
  [1, 0.8],
  [0.8, 1],
];

const errorOf = (input: unknown): string => {
  try {
    parseEngineConfig(input);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a config error');
};

describe('portfolio config', () => {
  it('without a portfolio section nothing changes (no model, gamma required per asset)', () => {
    const c = parseEngineConfig(config());
    expect(c.portfolio).toBeUndefined();
    expect(portfolioModelOf(c.portfolio, c.assets.length)).toBe(null);
    const noGamma = config({ assets: [asset('BTC', 0.001, false)] });
    expect(errorOf(noGamma)).toContain('config.assets[0].model.gamma');
  });

  it('defaults to multi with 2+ assets, independent with one; multi fills gamma x lot and policy', () => {
    const assets = [
      { ...asset('BTC', 0.001, false), policy: undefined },
      asset('ETH', 0.01, false),
    ];
    const c = parseEngineConfig(config({ assets, portfolio: { gamma: 2, correlation: RHO } }));
    expect(portfolioModelOf(c.portfolio, 2)).toBe('multi');
    // per-(price x lot) gamma that agrees with the book's: portfolio.gamma x lotSizeBase
    expect(c.assets[0]!.model.gamma).toBeCloseTo(0.002, 15);
    expect(c.assets[1]!.model.gamma).toBeCloseTo(0.02, 15);
    expect(c.assets[0]!.policy).toBe('exact');
    const one = parseEngineConfig(config({ assets: [asset('BTC', 0.001)], portfolio: {} }));
    expect(portfolioModelOf(one.portfolio, 1)).toBe('independent');
    // independent keeps each asset's own gamma: a missing one is an error
    expect(
      errorOf(
        config({ assets: [asset('BTC', 0.001, false)], portfolio: { model: 'independent' } }),
      ),
    ).toContain('config.assets[0].model.gamma');
  });

  it('names the field of a negative gamma, a missing gamma or covariance under multi', () => {
    expect(errorOf(config({ portfolio: { gamma: -1, correlation: RHO } }))).toContain(
      'config.portfolio.gamma: expected a number > 0',
    );
    expect(errorOf(config({ portfolio: { correlation: RHO } }))).toContain(
      'config.portfolio.gamma: required under multi',
    );
    expect(errorOf(config({ portfolio: { gamma: 1 } }))).toContain('config.portfolio.correlation');
    expect(
      errorOf(
        config({
          portfolio: { gamma: 1, correlation: RHO, covariance: { estimate: { halfLifeSec: 60 } } },
        }),
      ),
    ).toContain('config.portfolio.covariance: give correlation or covariance, not both');
    expect(
      errorOf(config({ portfolio: { gamma: 1, covariance: { estimate: { halfLifeSec: 0 } } } })),
    ).toContain('config.portfolio.covariance.estimate.halfLifeSec: expected a number > 0');
  });

  it('rejects a non-PSD or mis-sized correlation, accepts a diagonal 1 within 1e-9', () => {
    // eigenvalues of [[1, .9, -.9], [.9, 1, .9], [-.9, .9, 1]] include 1 - 1.8 < 0
    const notPsd = [
      [1, 0.9, -0.9],
      [0.9, 1, 0.9],
      [-0.9, 0.9, 1],
    ];
    const three = config({ assets: [asset('A', 1), asset('B', 1), asset('C', 1)] });
    expect(errorOf({ ...three, portfolio: { gamma: 1, correlation: notPsd } })).toContain(
      'config.portfolio.correlation: not positive semi-definite',
    );
    expect(errorOf(config({ portfolio: { gamma: 1, correlation: [[1]] } }))).toContain(
      'config.portfolio.correlation: expected 2x2',
    );
    expect(errorOf(config({ portfolio: { gamma: 1, correlation: [[1, 0.5], [0.5]] } }))).toContain(
      'config.portfolio.correlation[1]: expected 2 entries',
    );
    expect(
      errorOf(
        config({
          portfolio: {
            gamma: 1,
            correlation: [
              [1, 0.5],
              [0.4, 1],
            ],
          },
        }),
      ),
    ).toContain('config.portfolio.correlation[0][1]: expected symmetric');
    const numerical = [
      [1.0000000000000002, 0.8],
      [0.8, 0.9999999999],
    ];
    expect(
      parseEngineConfig(config({ portfolio: { gamma: 1, correlation: numerical } })).portfolio,
    ).toBeDefined();
  });
});

describe('sim venue correlation and starting position config', () => {
  it('checks the sim correlation against the asset list', () => {
    expect(
      parseEngineConfig(config({ venues: [{ name: 's', kind: 'sim', correlation: RHO }] }))
        .venues[0],
    ).toMatchObject({ correlation: RHO });
    expect(
      errorOf(
        config({
          venues: [
            {
              name: 's',
              kind: 'sim',
              correlation: [
                [1, 2],
                [2, 1],
              ],
            },
          ],
        }),
      ),
    ).toContain('config.venues[0].correlation[0][1]: expected a correlation in [-1, 1]');
  });

  it('venues sharing a marketSeed must give the same correlation', () => {
    const venues = [
      { name: 'a', kind: 'sim', seed: 1, marketSeed: 5, correlation: RHO },
      { name: 'b', kind: 'sim', seed: 2, marketSeed: 5 },
      { name: 'c', kind: 'sim', seed: 3, marketSeed: 6 },
    ];
    expect(errorOf(config({ venues }))).toContain(
      'config.venues[1].correlation: venues sharing marketSeed 5 must give the same correlation',
    );
    venues[1] = { ...venues[1]!, correlation: RHO };
    expect(parseEngineConfig(config({ venues })).venues).toHaveLength(3);
  });

  it('names an unknown asset in initialPositionLots', () => {
    expect(
      errorOf(config({ venues: [{ name: 's', kind: 'sim', initialPositionLots: { DOGE: 3 } }] })),
    ).toContain("config.venues[0].initialPositionLots.DOGE: unknown asset 'DOGE'");
    const c = parseEngineConfig(
      config({ venues: [{ name: 's', kind: 'sim', initialPositionLots: { BTC: -10 } }] }),
    );
    expect(c.venues[0]).toMatchObject({ initialPositionLots: { BTC: -10 } });
  });

  it('ledger.allowVolatileRedis is a boolean, default false', () => {
    expect(parseEngineConfig(config()).ledger.allowVolatileRedis).toBe(false);
    expect(
      parseEngineConfig(config({ ledger: { allowVolatileRedis: true } })).ledger,
    ).toMatchObject({ allowVolatileRedis: true });
  });
});
