import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { glftProblem } from '../../src/models/glftProblem.js';
import { covarianceFromCorrelation } from '../../src/multi/penalty.js';
import { ExactPolicy } from '../../src/policy/exactPolicy.js';
import { HeuristicPolicy } from '../../src/policy/heuristicPolicy.js';
import {
  portfolioCovariance,
  portfolioRisk,
  validateCovariance,
} from '../../src/portfolio/covariance.js';
import { IndependentPolicy } from '../../src/portfolio/IndependentPolicy.js';
import { MultiPolicy } from '../../src/portfolio/MultiPolicy.js';
import type { PortfolioSpec } from '../../src/portfolio/PortfolioSpec.js';
import { resolvePortfolio, solvePortfolio } from '../../src/portfolio/portfolioSolution.js';
import { ceilToTick, floorToTick } from '../../src/portfolio/ticks.js';
import { validatePortfolioSpec } from '../../src/portfolio/validateSpec.js';
import { asset, spec, state } from './fixtures.js';

const corr = (r: number) => [
  [1, r],
  [r, 1],
];

/** BTC (taker fee 10 bps) and ETH (1 bp), correlation 0.9, hedging on at 1 lot/s. */
function hedged(btcFeeBps = 10, ethFeeBps = 1): PortfolioSpec {
  const fee = (bps: number) => [{ venue: 'sim', A: 1, k: 1, makerFeeBps: 0, takerFeeBps: bps }];
  return spec(
    [asset('BTC', { venues: fee(btcFeeBps) }), asset('ETH', { venues: fee(ethFeeBps) })],
    portfolioCovariance([0.3, 0.3], corr(0.9)),
    0.1,
    { hedging: { enabled: true, maxLotsPerSec: 1 } },
  );
}

describe('multi: taker hedging', () => {
  it('inside the dead zone: no hedge', () => {
    // psi = 10 bps of 100 + half spread 0.05 = 0.15 on both; long 1 BTC gives
    // p = -(Gamma_11, Gamma_21) ~ -(0.096, 0.08): inside.
    const s = hedged(10, 10);
    const policy = new MultiPolicy(solvePortfolio(s));
    expect(policy.decide(state(s, [1, 0], { halfSpread: 0.05 })).takers).toEqual([]);
    expect(Math.abs(policy.marginalPrice[0]!)).toBeLessThan(0.15);
    expect(Math.abs(policy.marginalPrice[1]!)).toBeGreaterThan(0.06);
    // With ETH at 1 bp (psi 0.06) the same book is outside ETH's dead zone: sell ETH.
    const cheap = hedged(10, 1);
    const d = new MultiPolicy(solvePortfolio(cheap)).decide(
      state(cheap, [1, 0], { halfSpread: 0.05 }),
    );
    expect(d.takers.map((t) => [t.assetIndex, t.side])).toEqual([[1, 'sell']]);
  });

  it('outside: sells the cheapest correlated asset per unit of risk removed (ETH), one clip', () => {
    const s = hedged();
    const d = new MultiPolicy(solvePortfolio(s)).decide(state(s, [10, 0], { halfSpread: 0.05 }));
    // Selling 1 BTC: cost 0.15 for 2*0.09*10 - 0.09 = 1.71 of q'Sigma q (0.088 per unit);
    // selling 1 ETH: cost 0.06 for 2*0.081*10 - 0.09 = 1.53 (0.039 per unit): ETH.
    expect(d.takers).toEqual([
      {
        assetIndex: 1,
        venueIndex: 0,
        side: 'sell',
        sizeLots: 1,
        limitPrice: 99.95,
        reason: 'hedge',
      },
    ]);
  });

  it('equal costs: the asset held, which removes more risk', () => {
    const s = hedged(5, 5);
    const d = new MultiPolicy(solvePortfolio(s)).decide(state(s, [10, 0], { halfSpread: 0.05 }));
    expect(d.takers.map((t) => [t.assetIndex, t.side])).toEqual([[0, 'sell']]);
  });

  it('at most maxLotsPerSec: a second hedge waits a second of tSec', () => {
    const s = hedged();
    const policy = new MultiPolicy(solvePortfolio(s));
    expect(policy.decide(state(s, [10, 0], { halfSpread: 0.05, tSec: 0 })).takers).toHaveLength(1);
    expect(policy.decide(state(s, [10, -1], { halfSpread: 0.05, tSec: 0.5 })).takers).toHaveLength(
      0,
    );
    expect(policy.decide(state(s, [10, -1], { halfSpread: 0.05, tSec: 1 })).takers).toHaveLength(1);
  });

  it('off with hedging.enabled false', () => {
    const s = { ...hedged(), hedging: { enabled: false, maxLotsPerSec: 1 } };
    const d = new MultiPolicy(solvePortfolio(s)).decide(state(s, [10, 0], { halfSpread: 0.05 }));
    expect(d.takers).toEqual([]);
  });

  it('property: a hedge lowers q Sigma q, fires only outside the dead zone, never passes qMax', () => {
    const s = hedged();
    const sol = solvePortfolio(s);
    const sigma = sol.covariance;
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: -50, max: 50 }), (a, b) => {
        const policy = new MultiPolicy(sol);
        const d = policy.decide(state(s, [a, b], { halfSpread: 0.05 }));
        const p = Array.from(policy.marginalPrice);
        const psiMin = 0.06; // ETH: 1 bp of 100 + half spread 0.05
        const outside = p.some((x) => Math.abs(x) > psiMin);
        const hedges = d.takers.filter((t) => t.reason === 'hedge');
        if (!outside) expect(hedges).toEqual([]);
        for (const t of hedges) {
          const q = [a, b];
          q[t.assetIndex] = q[t.assetIndex]! + (t.side === 'buy' ? t.sizeLots : -t.sizeLots);
          expect(portfolioRisk(sigma, q)).toBeLessThan(portfolioRisk(sigma, [a, b]));
          expect(Math.abs(q[t.assetIndex]!)).toBeLessThanOrEqual(50);
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('independent', () => {
  const sigma = 0.3;
  const gamma = 0.1;
  const s = spec(
    [asset('BTC'), asset('ETH')],
    portfolioCovariance([sigma, sigma], corr(0.9)),
    gamma,
  );
  const exact = () =>
    new ExactPolicy({
      problemFor: () =>
        glftProblem({ sigmaPerSqrtSec: sigma, aPerSec: 1, kPerPrice: 1, gamma, qMax: 50 }),
      quantum: { midRelative: 0 },
    });

  it("equals today's per-asset exact quotes, rounded away from crossing", () => {
    const policy = new IndependentPolicy(s, [exact(), exact()]);
    const ref = exact();
    for (const q of [-7, -1, 0, 3, 12]) {
      const d = policy.decide(state(s, [q, 0], { mid: 100 }));
      const c = ref.decide({
        inventoryLots: q,
        midPrice: 100,
        marketSpreadPrice: 0,
        imbalance: 0.5,
        driftPerSec: 0,
        tSec: 0,
      });
      expect(d.quotes[0]![0]!.bid!.price).toBe(floorToTick(100 - c.bidDeltaPrice, 1e-6));
      expect(d.quotes[0]![0]!.ask!.price).toBe(ceilToTick(100 + c.askDeltaPrice, 1e-6));
    }
  });

  it('long BTC leaves ETH symmetric (blind to correlation)', () => {
    const d = new IndependentPolicy(s, [exact(), exact()]).decide(state(s, [5, 0], { mid: 100 }));
    const eth = d.quotes[1]![0]!;
    expect(100 - eth.bid!.price).toBeCloseTo(eth.ask!.price - 100, 5);
  });

  it("the seed's heuristic: its urgency rate is passed on, and a crossing side follows it", () => {
    const seed = {
      qMaxLots: 10,
      horizonSec: 86_400,
      baseHalfSpreadBps: 5,
      phiPerLot2Sec: 0.001,
      takerFeeBps: 0,
      lambda0PerSec: 1,
      betaPerBps: 0.1,
      driftScalePerSec: 1,
    };
    const s1 = spec([asset('X', { qMaxLots: 10 })], [[0.09]]);
    const policy = new IndependentPolicy(s1, [new HeuristicPolicy(seed)], 'heuristic');
    const d = policy.decide(state(s1, [10], { mid: 100, halfSpread: 0.05 }));
    expect(policy.name).toBe('heuristic');
    expect(d.takerRates[0]!.sellLotsPerSec).toBeGreaterThan(0); // urgency 1 > 0.7
    expect(d.quotes[0]![0]!.bid).toBeNull(); // at +qMax
    expect(d.quotes[0]![0]!.ask).not.toBeNull(); // the reducing side rests
  });
});

describe('covariance and spec checks', () => {
  it('accepts a diagonal of 1 within 1e-9 (here and in src/multi, used by mm solve)', () => {
    const rho = [
      [1.0000000000000002, 0.5],
      [0.5, 0.9999999999999998],
    ];
    expect(portfolioCovariance([2, 3], rho)).toEqual([
      [4, 3],
      [3, 9],
    ]);
    expect(covarianceFromCorrelation([2, 3], rho)[0]![0]).toBe(4);
    expect(() =>
      portfolioCovariance(
        [2, 3],
        [
          [1.1, 0.5],
          [0.5, 1],
        ],
      ),
    ).toThrow(/correlation\[0\]\[0\] must be 1/);
    expect(() =>
      covarianceFromCorrelation(
        [2, 3],
        [
          [1, 0.5],
          [0.5, 1.00001],
        ],
      ),
    ).toThrow(/correlation\[1\]\[1\]/);
  });

  it('names the row that makes a correlation indefinite, and a wrong size', () => {
    const bad = [
      [1, 0.9, 0.9],
      [0.9, 1, -0.9],
      [0.9, -0.9, 1],
    ];
    expect(() => portfolioCovariance([1, 1, 1], bad)).toThrow(
      /correlation is not positive semi-definite: row 2/,
    );
    expect(() => portfolioCovariance([1, 1], bad)).toThrow(/correlation must be 2x2/);
    expect(() =>
      validateCovariance(
        [
          [1, 2],
          [2.5, 1],
        ],
        2,
      ),
    ).toThrow(/covariance is not symmetric: covariance\[0\]\[1\]/);
  });

  it('spec fields are named', () => {
    const s = spec(
      [asset('X'), asset('Y')],
      [
        [1, 0],
        [0, 1],
      ],
    );
    expect(() => validatePortfolioSpec({ ...s, gammaPerQuote: -1 })).toThrow(
      /gammaPerQuote must be > 0/,
    );
    const badK = { ...s, assets: [asset('X'), asset('Y', {}, 1, 0)] };
    expect(() => validatePortfolioSpec(badK)).toThrow(/assets\[1\]\.venues\[0\]\.k must be > 0/);
    expect(() => validatePortfolioSpec({ ...s, covariance: [[1]] })).toThrow(
      /covariance must be 2x2/,
    );
  });
});

describe('re-solve', () => {
  it('a new covariance swapped in quotes as a fresh solve does', () => {
    const s0 = spec([asset('X'), asset('Y')], portfolioCovariance([0.3, 0.3], corr(0.2)));
    const policy = new MultiPolicy(solvePortfolio(s0));
    const cov = portfolioCovariance([0.4, 0.2], corr(0.8));
    policy.swap(resolvePortfolio(policy.current, cov));
    const fresh = new MultiPolicy(solvePortfolio({ ...s0, covariance: cov }));
    const a = policy.decide(state(s0, [3, -2]));
    const bid = a.quotes[1]![0]!.bid!.price;
    expect(fresh.decide(state(s0, [3, -2])).quotes[1]![0]!.bid!.price).toBe(bid);
    expect(() => policy.swap(solvePortfolio(spec([asset('X')], [[1]])))).toThrow(/same assets/);
  });
});
