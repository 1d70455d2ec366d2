import { describe, expect, it } from 'vitest';
import { baumWelch, MarkovSwitchingFilter } from '../src/index.js';
import { seededRng } from './support/random.js';
import { simulateRegimes } from './support/simulateRegimes.js';

const RATE = 1 / 500; // switches per second, each way
const truth = {
  sigma: [1, 4],
  generator: [
    [-RATE, RATE],
    [RATE, -RATE],
  ],
};

describe('Baum-Welch calibration (fixed dt = 1 s) on simulated Markov-switching returns', () => {
  const steps = 40_000;
  const path = simulateRegimes(
    seededRng(20),
    truth.sigma,
    truth.generator,
    new Float64Array(steps).fill(1),
  );
  const fit = baumWelch(path.returns, { regimes: 2, dtSec: 1 });

  it('recovers sigma within 5% and switch rates within 30% from 40k steps', () => {
    // ~80 switches in 40k steps: a rate's sampling error alone is ~15% (1/sqrt(40)).
    expect(path.switches).toBeGreaterThan(50);
    expect(fit.converged).toBe(true);
    for (let r = 0; r < 2; r++) {
      expect(Math.abs(fit.sigmaPerSqrtSec[r]! / truth.sigma[r]! - 1)).toBeLessThan(0.05);
      expect(Math.abs(fit.generatorPerSec[r]![1 - r]! / RATE - 1)).toBeLessThan(0.3);
    }
    expect(fit.embeddable).toBe(true);
  });

  it('matches the switch rates realised in the simulated path within 10%', () => {
    // The path's own rates (switches out of r / steps in r) remove the sampling error above;
    // what is left is EM's error in locating the switches.
    const n = [
      [0, 0],
      [0, 0],
    ];
    for (let t = 1; t < steps; t++) n[path.regime[t - 1]!]![path.regime[t]!]!++;
    for (let r = 0; r < 2; r++) {
      const realised = n[r]![1 - r]! / (n[r]![0]! + n[r]![1]!);
      expect(Math.abs(fit.generatorPerSec[r]![1 - r]! / realised - 1)).toBeLessThan(0.1);
    }
  });

  it('the log-likelihood never decreases', () => {
    expect(fit.trace.length).toBe(fit.iterations + 1);
    for (let k = 1; k < fit.trace.length; k++)
      expect(fit.trace[k]!).toBeGreaterThanOrEqual(
        fit.trace[k - 1]! - 1e-9 * Math.abs(fit.trace[k - 1]!),
      );
    expect(fit.logLikelihood).toBe(fit.trace.at(-1));
    // From a poor start (nearly equal sigmas, no persistence) EM takes many steps; still monotone.
    const slow = baumWelch(path.returns.subarray(0, 10_000), {
      regimes: 2,
      dtSec: 1,
      initial: {
        sigmaPerSqrtSec: [2, 2.2],
        transition: [0.5, 0.5, 0.5, 0.5],
        initialProb: [0.5, 0.5],
      },
    });
    expect(slow.iterations).toBeGreaterThan(10);
    for (let k = 1; k < slow.trace.length; k++)
      expect(slow.trace[k]!).toBeGreaterThanOrEqual(
        slow.trace[k - 1]! - 1e-9 * Math.abs(slow.trace[k - 1]!),
      );
    expect(slow.sigmaPerSqrtSec[1]! / slow.sigmaPerSqrtSec[0]!).toBeGreaterThan(3.5);
  });

  it('smoothed probabilities are distributions and find the true regime on >= 97% of steps', () => {
    let hits = 0;
    for (let t = 0; t < steps; t++) {
      const p0 = fit.smoothed[2 * t]!;
      const p1 = fit.smoothed[2 * t + 1]!;
      expect(Math.abs(p0 + p1 - 1)).toBeLessThan(1e-12);
      if ((p1 > p0 ? 1 : 0) === path.regime[t]) hits++;
    }
    expect(hits / steps).toBeGreaterThanOrEqual(0.97);
  });

  it('the calibrated model drives the online filter', () => {
    const filter = new MarkovSwitchingFilter({
      sigmaPerSqrtSec: fit.sigmaPerSqrtSec,
      generatorPerSec: fit.generatorPerSec,
    });
    let hits = 0;
    path.returns.forEach((dx, t) => {
      filter.updateReturn(1, dx);
      if (filter.mostLikely === path.regime[t]) hits++;
    });
    expect(hits / steps).toBeGreaterThanOrEqual(0.95);
  });

  it('three regimes, per-step transition matrix rows are distributions, sigmas ascending', () => {
    const g3 = [
      [-1 / 300, 1 / 600, 1 / 600],
      [1 / 600, -1 / 300, 1 / 600],
      [1 / 600, 1 / 600, -1 / 300],
    ];
    const p3 = simulateRegimes(seededRng(21), [1, 3, 9], g3, new Float64Array(30_000).fill(1));
    const fit3 = baumWelch(p3.returns, { regimes: 3, dtSec: 1 });
    [1, 3, 9].forEach((s, r) => {
      expect(Math.abs(fit3.sigmaPerSqrtSec[r]! / s - 1)).toBeLessThan(0.05);
    });
    for (let i = 0; i < 3; i++) {
      let sum = 0;
      for (let j = 0; j < 3; j++) sum += fit3.transition[i * 3 + j]!;
      expect(sum).toBeCloseTo(1, 12);
      // Total exit rate 1/300 per second (~33 exits per regime): within 35%.
      expect(Math.abs(-fit3.generatorPerSec[i]![i]! * 300 - 1)).toBeLessThan(0.35);
    }
  });

  it('names bad input', () => {
    expect(() => baumWelch([1, 2, 3], { regimes: 2, dtSec: 1 })).toThrow(/returns/);
    expect(() => baumWelch([1, 2, Number.NaN, 4], { regimes: 1, dtSec: 1 })).toThrow(
      /returns\[2\]/,
    );
    expect(() => baumWelch([1, 2, 3, 4], { regimes: 2, dtSec: 0 })).toThrow(/dtSec/);
  });
});
