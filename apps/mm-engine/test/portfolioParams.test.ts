import { describe, expect, it } from 'vitest';
import { checkPortfolioParams } from '../src/decision/portfolioParams.js';
import { initialAssetState, reduceBook } from '../src/pipeline/stateReducer.js';
import { portfolioConfig, portfolioQuoting } from './support/portfolio.js';

/* Portfolio parameters from the optimizer: checked (PSD, finite, bounded change, validUntil). */

const NOW = 1_800_000_000_000;
const current = {
  assets: ['BTC', 'ETH'],
  gammaPerQuote: 0.5,
  sigmaPerSqrtSec: [0.2, 0.1],
  // Sigma = rho_ij sigma_i sigma_j with rho 0.5
  covariance: [0.04, 0.01, 0.01, 0.01],
};
const options = { nowMs: NOW, maxChangeFactor: 10 };
const rho = (r: number) => [
  [1, r],
  [r, 1],
];
const payload = (over: Record<string, unknown> = {}) => ({
  assets: ['BTC', 'ETH'],
  gamma: 1,
  correlation: rho(0.9),
  validUntil: NOW + 60_000,
  ...over,
});

describe('checkPortfolioParams', () => {
  it('accepts a valid update: the covariance from the correlation and the configured sigmas', () => {
    const r = checkPortfolioParams(payload(), current, options);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.gammaPerQuote).toBe(1);
    expect(r.covariance[0]![1]).toBeCloseTo(0.9 * 0.2 * 0.1, 15);
    expect(r.covariance[1]![1]).toBeCloseTo(0.01, 15);
  });

  it('accepts a covariance given directly', () => {
    const cov = [
      [0.05, 0.02],
      [0.02, 0.02],
    ];
    const r = checkPortfolioParams(
      payload({ correlation: undefined, covariance: cov }),
      current,
      options,
    );
    expect(r).toMatchObject({ ok: true, covariance: cov });
  });

  it.each([
    ['assets', { assets: ['ETH', 'BTC'] }],
    ['validUntil', { validUntil: NOW }],
    ['gamma', { gamma: 50 }],
    ['gamma', { gamma: Number.NaN }],
    ['correlation', { correlation: rho(1.5) }],
    [
      'correlation',
      {
        covariance: [
          [1, 0],
          [0, 1],
        ],
      },
    ],
    ['correlation', { correlation: undefined }],
    [
      'covariance',
      {
        correlation: undefined,
        covariance: [
          [0.04, 0.05],
          [0.05, 0.01],
        ],
      }, // not PSD
    ],
    [
      'covariance[0][0]',
      {
        correlation: undefined,
        covariance: [
          [8, 0],
          [0, 0.01],
        ],
      },
    ], // x200 variance
  ])('rejects a bad %s', (field, over) => {
    const r = checkPortfolioParams(payload(over), current, options);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.field).toBe(field);
  });
});

describe('PortfolioQuoting.applyParams', () => {
  it('re-solves with the published gamma and correlation: the cross skew follows', () => {
    const config = portfolioConfig(
      [
        { symbol: 'BTC', sigma: 0.2 },
        { symbol: 'ETH', sigma: 0.2 },
      ],
      { gamma: 0.05, correlation: rho(0), hedging: { enabled: false } },
    );
    const { quoting } = portfolioQuoting(config, { BTC: 3, ETH: 0 });
    const book = reduceBook(initialAssetState, { tMs: 0, bids: [[99, 5]], asks: [[101, 5]] });
    const inv = { lotsByAsset: {}, grossNotional: 0 };
    const skew = () => {
      quoting.quoteFor('BTC', 'sim', 0.01)(book, inv, 0);
      const e = quoting.quoteFor('ETH', 'sim', 0.01)(book, inv, 0);
      return 100 - e.bid!.price - (e.ask!.price - 100);
    };
    // uncorrelated: long BTC does not skew ETH (within the tick rounding)
    expect(Math.abs(skew())).toBeLessThanOrEqual(0.01 + 1e-9);
    const r = quoting.applyParams(
      { assets: ['BTC', 'ETH'], gamma: 0.1, correlation: rho(0.9), validUntil: NOW + 1000 },
      options,
    );
    expect(r.ok).toBe(true);
    expect(skew()).toBeGreaterThanOrEqual(0.02);
    // a refused update leaves the solution alone
    const before = skew();
    const bad = quoting.applyParams(
      { assets: ['BTC', 'ETH'], gamma: 0.1, correlation: rho(-0.9), validUntil: NOW - 1 },
      options,
    );
    expect(bad).toMatchObject({ ok: false, field: 'validUntil' });
    expect(skew()).toBe(before);
  });

  it('re-solves with the per-asset models of a params update: a riskier BTC skews more', () => {
    const config = portfolioConfig(
      [
        { symbol: 'BTC', sigma: 0.2 },
        { symbol: 'ETH', sigma: 0.2 },
      ],
      { gamma: 0.05, correlation: rho(0), hedging: { enabled: false } },
    );
    const { quoting } = portfolioQuoting(config, { BTC: 3, ETH: 0 });
    const book = reduceBook(initialAssetState, { tMs: 0, bids: [[99, 5]], asks: [[101, 5]] });
    const inv = { lotsByAsset: {}, grossNotional: 0 };
    const btcSkew = () => {
      quoting.quoteFor('ETH', 'sim', 0.01)(book, inv, 0);
      const b = quoting.quoteFor('BTC', 'sim', 0.01)(book, inv, 0);
      return 100 - b.bid!.price - (b.ask!.price - 100);
    };
    const calm = btcSkew();
    expect(calm).toBeGreaterThan(0.02);
    quoting.refreshModels((a) => ({ A: 1, k: 10, sigma: a === 'BTC' ? 0.6 : 0.2 }));
    // Gamma ~ sqrt(Phi / Dm): three times the sigma, about three times the skew
    expect(btcSkew()).toBeGreaterThan(2 * calm);
    expect(quoting.covariance()[0]).toBeCloseTo(0.36, 12);
  });
});
