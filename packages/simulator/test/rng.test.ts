import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng, Xoshiro128 } from '../src/index.js';
import { logFactorial } from '../src/rng/logFactorial.js';
import { mean, std } from './support/stats.js';

describe('Xoshiro128', () => {
  it('matches the reference C implementation (Blackman-Vigna) from state {1, 2, 3, 4}', () => {
    // outputs 0-5 and 999 of xoshiro128starstar.c compiled with gcc
    const g = Xoshiro128.fromState(1, 2, 3, 4);
    const got = Array.from({ length: 1000 }, () => g.nextU32());
    expect(got.slice(0, 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    expect(got[999]).toBe(3170714187);
  });

  it('same seed and stream, same sequence; other seeds or streams differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.nat(1000), (seed, stream) => {
        const a = createRng(seed, stream);
        const b = createRng(seed, stream);
        const xs = Array.from({ length: 8 }, () => [a.uniform(), a.normal(), a.poisson(3)]);
        const ys = Array.from({ length: 8 }, () => [b.uniform(), b.normal(), b.poisson(3)]);
        expect(xs).toEqual(ys);
        const c = createRng(seed, stream + 1);
        const d = createRng(seed + 1, stream);
        const first = createRng(seed, stream).nextU32();
        expect([c.nextU32(), d.nextU32()]).not.toEqual([first, first]);
      }),
    );
  });

  it('uniforms lie strictly inside (0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const r = createRng(seed);
        for (let i = 0; i < 100; i++) {
          const u = r.uniform();
          expect(u).toBeGreaterThan(0);
          expect(u).toBeLessThan(1);
        }
      }),
    );
  });

  it('rejects seeds that are not safe integers, naming the field', () => {
    expect(() => createRng(1.5)).toThrow(/seed/);
    expect(() => createRng(1, -1)).toThrow(/stream/);
    expect(() => Xoshiro128.fromState(0, 0, 0, 0)).toThrow(/state/);
  });
});

describe('variates (moments over 200k draws, 5-sigma bounds)', () => {
  const n = 200_000;
  const draw = (f: (r: ReturnType<typeof createRng>) => number, seed = 11) => {
    const r = createRng(seed);
    return Float64Array.from({ length: n }, () => f(r));
  };

  it('uniform: mean 1/2, variance 1/12', () => {
    const xs = draw((r) => r.uniform());
    expect(Math.abs(mean(xs) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(std(xs) ** 2 - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal: mean 0, variance 1, kurtosis 3, P(z < 0) = 1/2', () => {
    const xs = draw((r) => r.normal());
    expect(Math.abs(mean(xs))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(std(xs) - 1)).toBeLessThan(0.008);
    let m4 = 0;
    let neg = 0;
    for (const x of xs) {
      m4 += x ** 4;
      if (x < 0) neg++;
    }
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.1);
    expect(Math.abs(neg / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / n));
  });

  it('exponential: mean 1, variance 1', () => {
    const xs = draw((r) => r.exponential());
    expect(Math.abs(mean(xs) - 1)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(std(xs) - 1)).toBeLessThan(0.015);
  });

  it.each([0.3, 4, 9.9, 10, 37, 1000])('poisson(%d): mean and variance equal the mean', (lam) => {
    const xs = draw((r) => r.poisson(lam), 5);
    const tol = 5 * Math.sqrt(lam / n);
    expect(Math.abs(mean(xs) - lam)).toBeLessThan(tol);
    expect(Math.abs(std(xs) ** 2 / lam - 1)).toBeLessThan(0.03);
    for (const x of xs.slice(0, 1000)) expect(Number.isInteger(x) && x >= 0).toBe(true);
  });

  it('poisson(37): frequencies match the pmf (PTRS branch)', () => {
    const lam = 37;
    const xs = draw((r) => r.poisson(lam), 6);
    for (const k of [25, 30, 37, 45, 50]) {
      const p = Math.exp(-lam + k * Math.log(lam) - logFactorial(k));
      const f = xs.filter((x) => x === k).length / n;
      expect(Math.abs(f - p)).toBeLessThan(5 * Math.sqrt(p / n) + 1e-4);
    }
  });

  it('poisson(0) is 0; a negative or NaN mean throws', () => {
    const r = createRng(1);
    expect(r.poisson(0)).toBe(0);
    expect(() => r.poisson(-1)).toThrow(/mean/);
    expect(() => r.poisson(Number.NaN)).toThrow(/mean/);
  });

  it('logFactorial agrees with the sum of logs', () => {
    let s = 0;
    for (let k = 1; k <= 200; k++) {
      s += Math.log(k);
      expect(logFactorial(k)).toBeCloseTo(s, 9);
    }
    expect(logFactorial(0)).toBe(0);
  });
});
