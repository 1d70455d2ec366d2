import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EwmaCorrelation,
  EwmaCovariance,
  EwmaVolatility,
  MarkovSwitchingFilter,
  RealizedVolatility,
} from '../src/index.js';
import { estimatorContract } from './support/estimatorContract.js';
import { seededRng } from './support/random.js';

const wiggle = (k: number) => 100 + Math.sin(k * 1.7) + 0.3 * Math.cos(k * 0.9);
const allFinite = (v: ArrayLike<number>) => Array.from(v).every(Number.isFinite);

describe('estimator contract', () => {
  estimatorContract({
    name: 'EwmaVolatility',
    make: () => new EwmaVolatility({ halfLifeSec: 5 }),
    sample: wiggle,
    bad: Number.NaN,
    huge: 1e200,
    warmUpUpdates: 10,
    finite: Number.isFinite,
  });
  estimatorContract({
    name: 'RealizedVolatility',
    make: () => new RealizedVolatility({ windowSec: 5, capacity: 8 }),
    sample: wiggle,
    bad: Number.POSITIVE_INFINITY,
    huge: -1e300,
    warmUpUpdates: 10,
    finite: Number.isFinite,
  });
  const vec = (k: number) => [wiggle(k), wiggle(k + 3) * 2, wiggle(2 * k)];
  estimatorContract({
    name: 'EwmaCovariance',
    make: () => new EwmaCovariance({ assets: 3, halfLifeSec: 5 }),
    sample: vec,
    bad: [1, Number.NaN, 2],
    huge: [1, 1e200, 2],
    warmUpUpdates: 10,
    finite: allFinite,
  });
  estimatorContract({
    name: 'EwmaCorrelation',
    make: () => new EwmaCorrelation({ assets: 3, halfLifeSec: 5 }),
    sample: vec,
    bad: [1, 2, Number.NaN],
    huge: [1e170, 2, 3],
    warmUpUpdates: 10,
    finite: allFinite,
  });
  estimatorContract({
    name: 'MarkovSwitchingFilter',
    make: () =>
      new MarkovSwitchingFilter({
        sigmaPerSqrtSec: [0.5, 2],
        generatorPerSec: [
          [-0.01, 0.01],
          [0.02, -0.02],
        ],
        warmUpReturns: 5,
      }),
    sample: wiggle,
    bad: Number.NaN,
    huge: 1e200,
    warmUpUpdates: 10,
    finite: allFinite,
  });

  it('vector estimators reject a wrongly sized observation', () => {
    const e = new EwmaCovariance({ assets: 2, halfLifeSec: 1 });
    expect(e.update(0, [1, 2, 3])).toBe(false);
    expect(e.lastRejection).toBe('x: wrong length');
    expect(e.count).toBe(0);
  });

  it('a finite jump over a subnormal dt is out of range, not an infinite variance', () => {
    const e = new EwmaVolatility({ halfLifeSec: 1 });
    e.update(0, 0);
    expect(e.update(1e-310, 1)).toBe(false);
    expect(e.lastRejection).toBe('x: increment out of range');
    expect(e.update(1, 1)).toBe(true);
    expect(e.variancePerSec).toBe(1);
  });

  it('constructors name the bad option', () => {
    expect(() => new EwmaVolatility({ halfLifeSec: 0 })).toThrow(/halfLifeSec/);
    expect(() => new RealizedVolatility({ windowSec: -1 })).toThrow(/windowSec/);
    expect(() => new RealizedVolatility({ windowSec: 1, capacity: 1.5 })).toThrow(/capacity/);
    expect(() => new EwmaCovariance({ assets: 0, halfLifeSec: 1 })).toThrow(/assets/);
  });
});

/** A Brownian level with `sigma` per sqrt(second) sampled at exponential gaps of mean `meanDt`. */
function brownian(seed: number, sigma: number, meanDt: number, count: number) {
  const rng = seededRng(seed);
  const t = [0];
  const x = [0];
  for (let k = 1; k < count; k++) {
    const dt = rng.exponential(1 / meanDt);
    t.push(t[k - 1]! + dt);
    x.push(x[k - 1]! + sigma * Math.sqrt(dt) * rng.normal());
  }
  return { t, x };
}

describe('volatility per unit time, irregular timestamps', () => {
  it('EWMA and realized volatility recover sigma per sqrt(second) whatever the sampling rate', () => {
    for (const meanDt of [0.01, 1, 30]) {
      const { t, x } = brownian(7, 2.5, meanDt, 20_000);
      const ewma = new EwmaVolatility({ halfLifeSec: 2000 * meanDt });
      const rv = new RealizedVolatility({ windowSec: 5000 * meanDt, capacity: 20_000 });
      t.forEach((tk, k) => {
        ewma.update(tk, x[k]!);
        rv.update(tk, x[k]!);
      });
      // ~1400 (EWMA) and ~5000 (window) effective samples: standard errors ~2% and ~1%.
      expect(ewma.value).toBeCloseTo(2.5, 0);
      expect(Math.abs(ewma.value / 2.5 - 1)).toBeLessThan(0.06);
      expect(Math.abs(rv.value / 2.5 - 1)).toBeLessThan(0.03);
    }
  });

  it('property: EWMA of a constant-variance series converges to the per-second variance', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.array(fc.double({ min: 0.001, max: 10, noNaN: true }), {
          minLength: 50,
          maxLength: 200,
        }),
        (rate, dts) => {
          // Increments with dx^2/dt = rate exactly: every sample equals the true variance.
          const e = new EwmaVolatility({ halfLifeSec: 3 });
          let t = 0;
          let x = 0;
          e.update(t, x);
          dts.forEach((dt, k) => {
            t += dt;
            x += (k % 2 === 0 ? 1 : -1) * Math.sqrt(rate * dt);
            e.update(t, x);
          });
          expect(Math.abs(e.variancePerSec / rate - 1)).toBeLessThan(1e-12);
        },
      ),
    );
  });

  it('property: splitting a step into parts with the same per-second variance changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.double({ min: 0.01, max: 20, noNaN: true }),
            dx: fc.double({ min: -5, max: 5, noNaN: true }),
            parts: fc.integer({ min: 1, max: 4 }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (steps) => {
          const whole = new EwmaVolatility({ halfLifeSec: 7 });
          const split = new EwmaVolatility({ halfLifeSec: 7 });
          let t = 0;
          let xWhole = 0;
          let xSplit = 0;
          whole.update(0, 0);
          split.update(0, 0);
          for (const { dt, dx, parts } of steps) {
            // One step of dx over dt, or `parts` sub-steps of dt/parts each moving dx/sqrt(parts):
            // the same per-second variance dx^2/dt (only increments matter, not the levels).
            for (let p = 1; p <= parts; p++) {
              xSplit += dx / Math.sqrt(parts);
              split.update(t + (dt * p) / parts, xSplit);
            }
            t += dt;
            xWhole += dx;
            whole.update(t, xWhole);
          }
          const a = whole.variancePerSec;
          const b = split.variancePerSec;
          // (absolute floor: squares of tiny dx are subnormal and lose relative precision)
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(a, b) + 1e-280);
        },
      ),
    );
  });

  it('property: time units are honoured (times x c and half-life x c give variance / c)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1000, noNaN: true }),
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 3, maxLength: 50 }),
        (c, dxs) => {
          const a = new EwmaVolatility({ halfLifeSec: 4 });
          const b = new EwmaVolatility({ halfLifeSec: 4 * c });
          let x = 0;
          dxs.forEach((dx, k) => {
            x += dx;
            a.update(k * 0.5, x);
            b.update(k * 0.5 * c, x);
          });
          expect(b.variancePerSec * c).toBeCloseTo(a.variancePerSec, 10);
        },
      ),
    );
  });

  it('realized volatility is sum dx^2 / sum dt over the increments ending inside the window', () => {
    const rng = seededRng(3);
    const rv = new RealizedVolatility({ windowSec: 10, capacity: 64 });
    const obs: { t: number; x: number }[] = [];
    let t = 0;
    for (let k = 0; k < 300; k++) {
      t += rng.exponential(2);
      const x = (obs.at(-1)?.x ?? 0) + rng.normal();
      obs.push({ t, x });
      rv.update(t, x);
      let num = 0;
      let den = 0;
      for (let j = 1; j < obs.length; j++) {
        if (obs[j]!.t > t - 10) {
          num += (obs[j]!.x - obs[j - 1]!.x) ** 2;
          den += obs[j]!.t - obs[j - 1]!.t;
        }
      }
      if (k > 0) expect(rv.variancePerSec).toBeCloseTo(num / den, 10);
    }
  });
});

describe('EWMA covariance and correlation', () => {
  it('recovers Sigma per second of correlated Brownian motions sampled irregularly', () => {
    const rng = seededRng(11);
    const sig = [1, 3];
    const rho = -0.6;
    const cov = new EwmaCovariance({ assets: 2, halfLifeSec: 3000 });
    const corr = new EwmaCorrelation({ assets: 2, halfLifeSec: 3000 });
    let t = 0;
    const x = [10, 20];
    for (let k = 0; k < 30_000; k++) {
      const dt = rng.exponential(2);
      t += dt;
      const z1 = rng.normal();
      const z2 = rho * z1 + Math.sqrt(1 - rho * rho) * rng.normal();
      x[0] = x[0]! + sig[0]! * Math.sqrt(dt) * z1;
      x[1] = x[1]! + sig[1]! * Math.sqrt(dt) * z2;
      cov.update(t, x);
      corr.update(t, x);
    }
    const c = cov.value;
    expect(Math.abs(c[0]! / 1 - 1)).toBeLessThan(0.08);
    expect(Math.abs(c[3]! / 9 - 1)).toBeLessThan(0.08);
    expect(c[1]).toBe(c[2]);
    expect(Math.abs(c[1]! / (rho * 3) - 1)).toBeLessThan(0.1);
    expect(Math.abs(corr.value[1]! - rho)).toBeLessThan(0.04);
    expect(corr.value[0]).toBe(1);
  });

  it('property: the covariance is symmetric positive semidefinite, |corr| <= 1', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.double({ min: 0.001, max: 10, noNaN: true }),
            dx: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), {
              minLength: 3,
              maxLength: 3,
            }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (steps) => {
          const e = new EwmaCovariance({ assets: 3, halfLifeSec: 2 });
          const corr = new EwmaCorrelation({ assets: 3, halfLifeSec: 2 });
          const x = [0, 0, 0];
          let t = 0;
          e.update(t, x);
          corr.update(t, x);
          for (const s of steps) {
            t += s.dt;
            for (let i = 0; i < 3; i++) x[i] = x[i]! + s.dx[i]!;
            e.update(t, x);
            corr.update(t, x);
          }
          const c = Array.from(e.value);
          const scale = Math.max(1e-300, c[0]!, c[4]!, c[8]!);
          // Leading principal minors of (C + eps I) stay >= 0 (Sylvester), up to rounding.
          const eps = 1e-12 * scale;
          const m1 = c[0]! + eps;
          const m2 = m1 * (c[4]! + eps) - c[1]! * c[3]!;
          expect(m1).toBeGreaterThanOrEqual(0);
          expect(m2).toBeGreaterThanOrEqual(-1e-9 * scale * scale);
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) {
              expect(c[i * 3 + j]).toBe(c[j * 3 + i]);
              expect(Math.abs(corr.value[i * 3 + j]!)).toBeLessThanOrEqual(1);
            }
        },
      ),
    );
  });
});
