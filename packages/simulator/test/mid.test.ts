import { describe, expect, it } from 'vitest';
import {
  arithmeticBrownian,
  binomialMid,
  createRng,
  geometricBrownian,
  type MidModel,
  markovSwitchingMid,
  withJumps,
} from '../src/index.js';
import { mean, std } from './support/stats.js';

/** Final mids of `paths` paths of `steps` steps of `dtSec`. */
function finals(model: MidModel, s0: number, paths: number, steps: number, dtSec: number) {
  const rng = createRng(3);
  const out = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    const path = model.start(s0, rng);
    for (let n = 0; n < steps; n++) path.step(dtSec, rng.normal(), rng);
    out[p] = path.midPrice;
  }
  return out;
}

describe('mid processes (units: price, seconds, sigma per sqrt(s))', () => {
  it('arithmetic Brownian: mean s0 + mu T, std sigma sqrt(T)', () => {
    const xs = finals(
      arithmeticBrownian({ sigmaPerSqrtSec: 0.5, driftPerSec: 0.2 }),
      100,
      20000,
      10,
      0.3,
    );
    const T = 3;
    expect(Math.abs(mean(xs) - (100 + 0.2 * T))).toBeLessThan(
      (5 * 0.5 * Math.sqrt(T)) / Math.sqrt(20000),
    );
    expect(std(xs) / (0.5 * Math.sqrt(T))).toBeCloseTo(1, 1);
  });

  it('geometric Brownian: E[S_T] = s0 e^(mu T), log-return std vol sqrt(T); stays positive', () => {
    const T = 2;
    const xs = finals(
      geometricBrownian({ volPerSqrtSec: 0.1, driftPerSec: 0.05 }),
      50,
      20000,
      8,
      0.25,
    );
    expect(mean(xs) / (50 * Math.exp(0.05 * T))).toBeCloseTo(1, 2);
    const logs = Array.from(xs, (x) => Math.log(x / 50));
    expect(std(logs) / (0.1 * Math.sqrt(T))).toBeCloseTo(1, 1);
    expect(Math.min(...xs)).toBeGreaterThan(0);
    const path = geometricBrownian({ volPerSqrtSec: 0.1, driftPerSec: 0.05 }).start(
      50,
      createRng(1),
    );
    expect(path.driftPerSec).toBeCloseTo(2.5, 12); // mu S, price units per second
  });

  it('binomial (Avellaneda-Stoikov): every step is exactly +-sigma sqrt(dt), up half the time', () => {
    const model = binomialMid({ sigmaPerSqrtSec: 2 });
    const rng = createRng(9);
    const path = model.start(100, rng);
    const move = 2 * Math.sqrt(0.005);
    let ups = 0;
    let worst = 0;
    const n = 40000;
    for (let i = 0; i < n; i++) {
      const before = path.midPrice;
      const after = path.step(0.005, rng.normal(), rng);
      worst = Math.max(worst, Math.abs(Math.abs(after - before) - move));
      if (after > before) ups++;
    }
    expect(worst).toBeLessThan(1e-9);
    expect(Math.abs(ups / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
  });

  it('Markov switching: variance is the expected time-weighted sum of sigma_r^2 (stationary start)', () => {
    const sigmas = [0.5, 2];
    const g = [
      [-0.5, 0.5],
      [1.5, -1.5],
    ];
    // stationary pi = (0.75, 0.25): E[var rate] = 0.75 * 0.25 + 0.25 * 4 = 1.1875 per second
    const T = 4;
    const xs = finals(
      markovSwitchingMid({ sigmasPerSqrtSec: sigmas, generatorPerSec: g }),
      0,
      20000,
      40,
      0.1,
    );
    expect(std(xs) ** 2 / (1.1875 * T)).toBeCloseTo(1, 1);
  });

  it('Markov switching: occupation frequencies follow the stationary distribution; switches happen mid-step', () => {
    const g = [
      [-2, 2],
      [6, -6],
    ];
    const path = markovSwitchingMid({
      sigmasPerSqrtSec: [1, 3],
      generatorPerSec: g,
      initialRegime: 1,
    }).start(0, createRng(4));
    expect(path.regime).toBe(1);
    const rng = createRng(5);
    let inZero = 0;
    const n = 50000;
    for (let i = 0; i < n; i++) {
      path.step(1, rng.normal(), rng); // a 1 s step holds ~8 switches on average
      if (path.regime === 0) inZero++;
    }
    expect(Math.abs(inZero / n - 0.75)).toBeLessThan(0.01);
  });

  it('Markov switching rejects a bad generator or regime, naming the entry', () => {
    expect(() =>
      markovSwitchingMid({
        sigmasPerSqrtSec: [1, 2],
        generatorPerSec: [
          [-1, 1],
          [1, -2],
        ],
      }),
    ).toThrow(/generatorPerSec\[1\]/);
    expect(() =>
      markovSwitchingMid({ sigmasPerSqrtSec: [1], generatorPerSec: [[0]], initialRegime: 1 }),
    ).toThrow(/initialRegime/);
    expect(() =>
      markovSwitchingMid({
        sigmasPerSqrtSec: [1, -1],
        generatorPerSec: [
          [0, 0],
          [0, 0],
        ],
      }),
    ).toThrow(/sigmasPerSqrtSec\[1\]/);
  });

  it('jumps: compound Poisson adds rate T mean to the mean and rate T (mean^2 + std^2) to the variance', () => {
    const rate = 3;
    const mu = 0.2;
    const sd = 0.5;
    const T = 2;
    const xs = finals(
      withJumps(arithmeticBrownian({ sigmaPerSqrtSec: 0.3 }), {
        ratePerSec: rate,
        meanPrice: mu,
        stdPrice: sd,
      }),
      10,
      40000,
      20,
      0.1,
    );
    const varExpected = 0.09 * T + rate * T * (mu * mu + sd * sd);
    expect(Math.abs(mean(xs) - (10 + rate * T * mu))).toBeLessThan(
      (5 * Math.sqrt(varExpected)) / 200,
    );
    expect(std(xs) ** 2 / varExpected).toBeCloseTo(1, 1);
    const path = withJumps(arithmeticBrownian({ sigmaPerSqrtSec: 0.3 }), {
      ratePerSec: rate,
      meanPrice: mu,
      stdPrice: sd,
    }).start(10, createRng(1));
    expect(path.driftPerSec).toBeCloseTo(rate * mu, 12);
  });

  it('parameters are checked, naming the field', () => {
    expect(() => arithmeticBrownian({ sigmaPerSqrtSec: -1 })).toThrow(/sigmaPerSqrtSec/);
    expect(() => geometricBrownian({ volPerSqrtSec: 0.1 }).start(-1, createRng(1))).toThrow(
      /midPrice/,
    );
    expect(() =>
      withJumps(binomialMid({ sigmaPerSqrtSec: 1 }), { ratePerSec: -1, stdPrice: 1 }),
    ).toThrow(/ratePerSec/);
  });
});
