import { choleskyOfCorrelation, correlate, createRng } from '@mm/simulator';
import { describe, expect, it } from 'vitest';
import { LiveCovariance } from '../src/decision/liveCovariance.js';
import { portfolioConfig, portfolioQuoting } from './support/portfolio.js';

/*
 * The live covariance: mids simulated here as correlated Brownian motions (the known Sigma), one
 * snapshot per second, fed to the estimator; the estimate must find Sigma back.
 */

const SIGMA = [2, 0.5, 0.1];
const RHO = [
  [1, 0.8, 0.3],
  [0.8, 1, 0.5],
  [0.3, 0.5, 1],
];

/** `steps` one-second snapshots of correlated mids; `scale` multiplies every volatility. */
function* mids(steps: number, scale = 1) {
  const rng = createRng(42);
  const l = choleskyOfCorrelation(RHO);
  const z = new Float64Array(3);
  const e = new Float64Array(3);
  const x = [100, 100, 100];
  for (let t = 0; t <= steps; t++) {
    yield { tSec: t, x: [...x] };
    for (let i = 0; i < 3; i++) z[i] = rng.normal();
    correlate(l, z, e);
    for (let i = 0; i < 3; i++) x[i]! += scale * SIGMA[i]! * e[i]!;
  }
}

describe('LiveCovariance', () => {
  it('finds the covariance of the mids back (EWMA, half-life 600 s over 6000 s)', () => {
    const live = new LiveCovariance({ sigmaPerSqrtSec: SIGMA, halfLifeSec: 600 });
    expect(live.estimate()).toBe(null); // not warmed up
    for (const { tSec, x } of mids(6000)) live.sample(tSec, x);
    const est = live.estimate()!;
    // Effective sample size of an EWMA with half-life h: about 2h/ln 2 = 1730 increments, so a
    // variance's relative standard error is about sqrt(2/1730) = 3.4%: 15% is four of them.
    for (let i = 0; i < 3; i++) {
      expect(est[i]![i]! / SIGMA[i]! ** 2).toBeGreaterThan(0.85);
      expect(est[i]![i]! / SIGMA[i]! ** 2).toBeLessThan(1.15);
      for (let j = 0; j < 3; j++) {
        const rho = est[i]![j]! / Math.sqrt(est[i]![i]! * est[j]![j]!);
        expect(Math.abs(rho - RHO[i]![j]!)).toBeLessThan(0.1);
      }
    }
  });

  it('floors each variance at (0.1 x configured sigma)^2 when the market goes quiet', () => {
    const live = new LiveCovariance({ sigmaPerSqrtSec: SIGMA, halfLifeSec: 60 });
    for (const { tSec, x } of mids(600, 1e-6)) live.sample(tSec, x);
    const est = live.estimate()!;
    for (let i = 0; i < 3; i++) expect(est[i]![i]).toBeCloseTo((0.1 * SIGMA[i]!) ** 2, 12);
  });

  it('ignores a snapshot with an unknown mid', () => {
    const live = new LiveCovariance({ sigmaPerSqrtSec: SIGMA, halfLifeSec: 60 });
    expect(live.sample(0, [100, Number.NaN, 100])).toBe(false);
  });
});

describe('PortfolioQuoting with covariance: { estimate }', () => {
  it('re-solves for the estimate and swaps the new solution in', () => {
    const config = portfolioConfig(
      ['A', 'B', 'C'].map((symbol, i) => ({ symbol, sigma: SIGMA[i]! })),
      { gamma: 0.1, covariance: { estimate: { halfLifeSec: 600 } } },
    );
    const { quoting } = portfolioQuoting(config, {});
    expect(quoting.estimatesCovariance).toBe(true);
    // before any estimate: the configured sigmas on the diagonal, no correlation
    expect(quoting.covariance()[1]).toBe(0);
    expect(quoting.resolve()).toBe(null);
    const names = ['A', 'B', 'C'];
    for (const { tSec, x } of mids(6000)) quoting.sampleMids(tSec, (a) => x[names.indexOf(a)]!);
    const ms = quoting.resolve();
    expect(ms).not.toBe(null);
    expect(ms!).toBeGreaterThanOrEqual(0);
    const cov = quoting.covariance();
    const rho01 = cov[1]! / Math.sqrt(cov[0]! * cov[4]!);
    expect(Math.abs(rho01 - 0.8)).toBeLessThan(0.1);
  });
});
