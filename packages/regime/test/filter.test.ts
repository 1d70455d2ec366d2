import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardBackward, MarkovSwitchingFilter, RegimeHysteresis } from '../src/index.js';
import { seededRng } from './support/random.js';
import { simulateRegimes } from './support/simulateRegimes.js';

const calmStorm = {
  sigma: [1, 4],
  generator: [
    [-1 / 500, 1 / 500],
    [1 / 500, -1 / 500],
  ],
};

function accuracy(path: ReturnType<typeof simulateRegimes>, filter: MarkovSwitchingFilter) {
  let hitsLikely = 0;
  let hitsActed = 0;
  filter.update(path.tSec[0]!, path.level[0]!);
  for (let k = 0; k < path.returns.length; k++) {
    filter.update(path.tSec[k + 1]!, path.level[k + 1]!);
    if (filter.mostLikely === path.regime[k]) hitsLikely++;
    if (filter.regime === path.regime[k]) hitsActed++;
  }
  return { likely: hitsLikely / path.returns.length, acted: hitsActed / path.returns.length };
}

describe('Markov-switching filter on simulated data (seeded)', () => {
  it('recovers calm/storm regimes (sigma 1 vs 4, ~1/500 switches per step) on >= 95% of steps', () => {
    const path = simulateRegimes(
      seededRng(1),
      calmStorm.sigma,
      calmStorm.generator,
      new Float64Array(20_000).fill(1),
    );
    expect(path.switches).toBeGreaterThan(20);
    const filter = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: calmStorm.sigma,
      generatorPerSec: calmStorm.generator,
      hysteresis: { threshold: 0.8, minDwellSec: 0 },
    });
    const acc = accuracy(path, filter);
    expect(acc.likely).toBeGreaterThanOrEqual(0.95);
    expect(acc.acted).toBeGreaterThanOrEqual(0.95);
  });

  it('handles irregular timestamps through P(dt) = expm(G dt) (exponential gaps, mean 1 s)', () => {
    const rng = seededRng(2);
    const dts = Float64Array.from({ length: 20_000 }, () => rng.exponential(1));
    const path = simulateRegimes(rng, calmStorm.sigma, calmStorm.generator, dts);
    const filter = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: calmStorm.sigma,
      generatorPerSec: calmStorm.generator,
    });
    expect(accuracy(path, filter).likely).toBeGreaterThanOrEqual(0.95);
  });

  it('three regimes (sigma 1, 3, 9): most likely regime right on >= 90% of steps', () => {
    const generator = [
      [-1 / 400, 1 / 800, 1 / 800],
      [1 / 800, -1 / 400, 1 / 800],
      [1 / 800, 1 / 800, -1 / 400],
    ];
    const path = simulateRegimes(
      seededRng(3),
      [1, 3, 9],
      generator,
      new Float64Array(20_000).fill(1),
    );
    const filter = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: [1, 3, 9],
      generatorPerSec: generator,
    });
    expect(accuracy(path, filter).likely).toBeGreaterThanOrEqual(0.9);
  });

  it('its log-likelihood is the forward pass of forward-backward (online = offline)', () => {
    const path = simulateRegimes(
      seededRng(4),
      calmStorm.sigma,
      calmStorm.generator,
      new Float64Array(2000).fill(0.5),
    );
    const filter = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: calmStorm.sigma,
      generatorPerSec: calmStorm.generator,
      initialProb: [0.5, 0.5],
    });
    // The offline model: transition P(0.5) and the Gaussian densities, both written out here.
    const a = 1 / 500;
    const e = Math.exp(-2 * a * 0.5);
    const P = Float64Array.from([0.5 + 0.5 * e, 0.5 - 0.5 * e, 0.5 - 0.5 * e, 0.5 + 0.5 * e]);
    const logDensity = new Float64Array(2 * path.returns.length);
    path.returns.forEach((dx, t) => {
      for (let r = 0; r < 2; r++) {
        const v = calmStorm.sigma[r]! ** 2 * 0.5;
        logDensity[2 * t + r] = -0.5 * Math.log(2 * Math.PI * v) - (dx * dx) / (2 * v);
      }
    });
    // forwardBackward's first step uses the initial distribution directly; the filter predicts
    // first, and [0.5, 0.5] is invariant under the symmetric P, so the two agree.
    const offline = forwardBackward(logDensity, P, [0.5, 0.5], 2);
    for (const dx of path.returns) filter.updateReturn(0.5, dx);
    expect(Math.abs(filter.logLikelihood - offline.logLikelihood)).toBeLessThan(
      1e-9 * Math.abs(offline.logLikelihood),
    );
  });

  it('update(t, level) and updateReturn(dt, dx) agree', () => {
    const a = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: [1, 2],
      generatorPerSec: calmStorm.generator,
    });
    const b = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: [1, 2],
      generatorPerSec: calmStorm.generator,
    });
    a.update(10, 100);
    for (let k = 1; k <= 50; k++) {
      const dx = Math.sin(k) * 3;
      a.update(10 + k * 0.3, 100 + [...Array(k)].reduce((s, _, j) => s + Math.sin(j + 1) * 3, 0));
      b.updateReturn(0.3, dx);
    }
    for (let r = 0; r < 2; r++) expect(a.value[r]).toBeCloseTo(b.value[r]!, 10);
    expect(b.updateReturn(0, 1)).toBe(false);
    expect(b.lastRejection).toBe('dtSec: not finite and > 0');
  });

  it('property: probabilities stay a distribution, whatever the returns, gaps and rates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 0.1, noNaN: true }), { minLength: 4, maxLength: 4 }),
        fc.array(
          fc.record({
            dt: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
            dx: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(0)),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        ([a, b, c, d], steps) => {
          const generator = [
            [-(a! + b!), a!, b!],
            [c!, -(c! + d!), d!],
            [0, 0, 0],
          ];
          const f = new MarkovSwitchingFilter({
            sigmaPerSqrtSec: [0.1, 1, 50],
            generatorPerSec: generator,
          });
          for (const { dt, dx } of steps) {
            expect(f.updateReturn(dt, dx)).toBe(true);
            let sum = 0;
            for (let r = 0; r < 3; r++) {
              expect(f.value[r]).toBeGreaterThanOrEqual(0);
              sum += f.value[r]!;
            }
            expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
            expect(Number.isFinite(f.logLikelihood)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('regime hysteresis', () => {
  it('switches only above the threshold', () => {
    const h = new RegimeHysteresis({ threshold: 0.8 });
    expect(h.observe(0, [0.3, 0.7])).toBe(0);
    expect(h.observe(1, [0.21, 0.79])).toBe(0);
    expect(h.observe(2, [0.2, 0.8])).toBe(1);
    expect(h.observe(3, [0.6, 0.4])).toBe(1); // back near 1/2: stays
    expect(h.observe(4, [0.85, 0.15])).toBe(0);
  });

  it('requires the challenger to stay above the threshold for the minimum dwell', () => {
    const h = new RegimeHysteresis({ threshold: 0.8, minDwellSec: 5 });
    expect(h.observe(0, [0.1, 0.9])).toBe(0);
    expect(h.observe(3, [0.1, 0.9])).toBe(0);
    expect(h.observe(4, [0.5, 0.5])).toBe(0); // dropped out: the dwell restarts
    expect(h.observe(6, [0.1, 0.9])).toBe(0);
    expect(h.observe(10.9, [0.1, 0.9])).toBe(0);
    expect(h.observe(11, [0.1, 0.9])).toBe(1);
  });

  it('names a bad option', () => {
    expect(() => new RegimeHysteresis({ threshold: 0.5 })).toThrow(/threshold/);
    expect(() => new RegimeHysteresis({ minDwellSec: -1 })).toThrow(/minDwellSec/);
  });
});
