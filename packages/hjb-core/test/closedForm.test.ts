import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AvellanedaStoikovParams,
  avellanedaStoikovQuote,
} from '../src/closedForm/avellanedaStoikov.js';
import {
  type GueantParams,
  gueantApproxValue,
  gueantCoefficients,
  gueantQuote,
} from '../src/closedForm/gueantApprox.js';
import { glftC, glftStaticDelta } from '../src/intensity/exponentialIntensity.js';

function expectRel(actual: number, expected: number, tol: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
    tol * Math.max(Math.abs(expected), 1e-300),
  );
}

describe('Avellaneda-Stoikov closed form', () => {
  // The parameters of Avellaneda & Stoikov (2008), section 4: s = 100, T = 1, sigma = 2, k = 1.5.
  const as: AvellanedaStoikovParams = {
    midPrice: 100,
    sigmaPerSqrtSec: 2,
    gamma: 0.1,
    kPerPrice: 1.5,
    horizonSec: 1,
  };

  it('spread at t = 0, q = 0 is 1.6907704228 (gamma sigma^2 T + (2/gamma) ln(1 + gamma/k))', () => {
    const quote = avellanedaStoikovQuote(as, 0, 0);
    // 0.1 * 4 * 1 + 20 * ln(16/15) = 0.4 + 1.290770422751... = 1.690770422751...
    expectRel(quote.spreadPrice, 1.6907704228, 1e-10);
    expect(quote.reservationPrice).toBe(100);
    expectRel(quote.bidDeltaPrice, 1.6907704228 / 2, 1e-10);
    expectRel(quote.askDeltaPrice, 1.6907704228 / 2, 1e-10);
  });

  it('reservation price moves against inventory (hand calculation)', () => {
    // r = s - q gamma sigma^2 (T - t): gamma sigma^2 T = 0.1 * 4 * 1 = 0.4 per lot.
    // q = 1: r = 100 - 0.4 = 99.6; q = 2: r = 100 - 0.8 = 99.2.
    // At t = 0.5: gamma sigma^2 (T - t) = 0.2, so q = 1 gives r = 99.8 and the spread is
    // 0.2 + 1.290770422751 = 1.490770422751.
    expectRel(avellanedaStoikovQuote(as, 1, 0).reservationPrice, 99.6, 1e-14);
    expectRel(avellanedaStoikovQuote(as, 2, 0).reservationPrice, 99.2, 1e-14);
    const half = avellanedaStoikovQuote(as, 1, 0.5);
    expectRel(half.reservationPrice, 99.8, 1e-14);
    expectRel(half.spreadPrice, 1.490770422751, 1e-11);
    // q = 1, t = 0: bid = r - spread/2 -> bidDelta = 0.4 + 0.845385211375 = 1.245385211375,
    // ask = r + spread/2 -> askDelta = -0.4 + 0.845385211375 = 0.445385211375.
    const one = avellanedaStoikovQuote(as, 1, 0);
    expectRel(one.bidDeltaPrice, 1.245385211375, 1e-11);
    expectRel(one.askDeltaPrice, 0.445385211375, 1e-11);
  });

  it('rejects invalid parameters naming the field', () => {
    expect(() => avellanedaStoikovQuote({ ...as, gamma: 0 }, 0, 0)).toThrow(/gamma/);
    expect(() => avellanedaStoikovQuote({ ...as, kPerPrice: -1 }, 0, 0)).toThrow(/kPerPrice/);
    expect(() => avellanedaStoikovQuote({ ...as, horizonSec: 0 }, 0, 0)).toThrow(/horizonSec/);
    expect(() => avellanedaStoikovQuote({ ...as, sigmaPerSqrtSec: Number.NaN }, 0, 0)).toThrow(
      /sigmaPerSqrtSec/,
    );
    expect(() => avellanedaStoikovQuote(as, 0, 2)).toThrow(/tSec/);
    expect(() => avellanedaStoikovQuote({ ...as, gamma: 0 }, 0, 0)).toThrow(RangeError);
  });
});

describe('Gueant 2017 closed-form approximation', () => {
  // hftbacktest, tutorial "GLFT Market Making Model and Grid Trading" (ETHUSDT, 2022-10-03):
  // A and k fitted per second and per tick, gamma = xi = 0.05, Delta = 1, volatility 10.69 ticks
  // per sqrt(s). The notebook computes c2 without sigma and multiplies by the volatility
  // afterwards: half spread = c1 + Delta/2 * sigma * c2, skew = sigma * c2. With sigma inside the
  // square root, as here, those are c1 + D/2 * c2 and c2.
  const glft: GueantParams = {
    sigmaPerSqrtSec: 10.69,
    aPerSec: 2.986162360812285,
    kPerPrice: 0.04235741115084049,
    gamma: 0.05,
    xi: 0.05,
    lotSize: 1,
  };

  it('reproduces the hftbacktest GLFT notebook half spread and skew (ticks)', () => {
    const { c1, c2 } = gueantCoefficients(glft);
    expectRel(c1 + (glft.lotSize / 2) * c2, 20.47208533844371, 1e-9);
    expectRel(c2, 9.76326865029227, 1e-9);
    const flat = gueantQuote(glft, 0);
    expectRel(flat.bidDeltaPrice, 20.47208533844371, 1e-9);
    expectRel(flat.askDeltaPrice, 20.47208533844371, 1e-9);
    const long = gueantQuote(glft, 3);
    // bid = half spread + skew q, ask = half spread - skew q.
    expectRel(long.bidDeltaPrice, 20.47208533844371 + 3 * 9.76326865029227, 1e-9);
    expectRel(long.askDeltaPrice, 20.47208533844371 - 3 * 9.76326865029227, 1e-9);
  });

  it('agrees with the exponential model: c1 = static delta, c2^2 = gamma sigma^2/(2 A D k C_xi)', () => {
    const p: GueantParams = { ...glft, lotSize: 0.5, xi: 0.03 };
    const { c1, c2 } = gueantCoefficients(p);
    expectRel(c1, glftStaticDelta(p.xi * p.lotSize, p.kPerPrice), 1e-14);
    const cXi = glftC(p.xi * p.lotSize, p.kPerPrice);
    const expected =
      (p.gamma * p.sigmaPerSqrtSec ** 2) / (2 * p.aPerSec * p.lotSize * p.kPerPrice * cXi);
    expectRel(c2 * c2, expected, 1e-13);
  });

  it('xi = 0 (model B): c1 = 1/k, c2 = sqrt(gamma sigma^2 e/(2 A D k))', () => {
    const p: GueantParams = { ...glft, xi: 0, lotSize: 2 };
    const { c1, c2 } = gueantCoefficients(p);
    expectRel(c1, 1 / p.kPerPrice, 1e-15);
    expectRel(
      c2,
      Math.sqrt((p.gamma * p.sigmaPerSqrtSec ** 2 * Math.E) / (2 * p.aPerSec * 2 * p.kPerPrice)),
      1e-15,
    );
  });

  it('the quadratic value gives back the quotes through d* = c1 - (h(n +- 1) - h(n))', () => {
    const { c1 } = gueantCoefficients(glft);
    for (const n of [-4, -1, 0, 1, 5]) {
      const h = (m: number): number => gueantApproxValue(glft, m);
      const quote = gueantQuote(glft, n);
      expectRel(c1 - (h(n + 1) - h(n)), quote.bidDeltaPrice, 1e-12);
      expectRel(c1 - (h(n - 1) - h(n)), quote.askDeltaPrice, 1e-12);
    }
    expect(gueantApproxValue(glft, 0)).toBe(-0);
  });

  it('rejects invalid parameters naming the field', () => {
    expect(() => gueantCoefficients({ ...glft, aPerSec: 0 })).toThrow(/aPerSec/);
    expect(() => gueantCoefficients({ ...glft, kPerPrice: 0 })).toThrow(/kPerPrice/);
    expect(() => gueantCoefficients({ ...glft, xi: -1 })).toThrow(/xi/);
    expect(() => gueantCoefficients({ ...glft, lotSize: 0 })).toThrow(/lotSize/);
    expect(() => gueantCoefficients({ ...glft, gamma: Number.NaN })).toThrow(/gamma/);
    expect(() => gueantCoefficients({ ...glft, sigmaPerSqrtSec: -1 })).toThrow(RangeError);
    expect(() => gueantQuote(glft, Number.NaN)).toThrow(/inventoryLots/);
  });

  const positive = (min: number, max: number) =>
    fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const params = fc.record({
    sigmaPerSqrtSec: positive(1e-3, 100),
    aPerSec: positive(1e-2, 100),
    kPerPrice: positive(1e-2, 100),
    gamma: positive(1e-4, 10),
    xi: positive(0, 10),
    lotSize: positive(1e-3, 10),
  });
  const bump = positive(0.01, 1);
  const spread = (p: GueantParams): number => {
    const q = gueantQuote(p, 0);
    return q.bidDeltaPrice + q.askDeltaPrice;
  };

  it('is continuous as xi -> 0', () => {
    fc.assert(
      fc.property(params, positive(1e-12, 1e-8), (p, eps) => {
        // xi D / k = eps: relative change of c1 and c2 is O(eps).
        const small = gueantCoefficients({ ...p, xi: (eps * p.kPerPrice) / p.lotSize });
        const zero = gueantCoefficients({ ...p, xi: 0 });
        expectRel(small.c1, zero.c1, 10 * eps + 1e-14);
        expectRel(small.c2, zero.c2, 10 * eps + 1e-14);
      }),
    );
  });

  it('spread grows with sigma and gamma and falls with A and k', () => {
    fc.assert(
      fc.property(params, bump, (p, f) => {
        const base = spread(p);
        expect(spread({ ...p, sigmaPerSqrtSec: p.sigmaPerSqrtSec * (1 + f) })).toBeGreaterThan(
          base,
        );
        expect(spread({ ...p, gamma: p.gamma * (1 + f) })).toBeGreaterThan(base);
        expect(spread({ ...p, aPerSec: p.aPerSec * (1 + f) })).toBeLessThan(base);
        expect(spread({ ...p, kPerPrice: p.kPerPrice * (1 + f) })).toBeLessThan(base);
      }),
    );
  });

  it('is symmetric under n -> -n: bidDelta(n) = askDelta(-n)', () => {
    fc.assert(
      fc.property(params, fc.integer({ min: -1000, max: 1000 }), (p, n) => {
        const a = gueantQuote(p, n);
        const b = gueantQuote(p, -n);
        expectRel(a.bidDeltaPrice, b.askDeltaPrice, 1e-14);
        expectRel(a.askDeltaPrice, b.bidDeltaPrice, 1e-14);
      }),
    );
  });
});

describe('glftC and the static distance near xi = 0', () => {
  it('are continuous down to subnormal xi (no 1/xi overflow)', () => {
    for (const xi of [5e-324, 1e-310, 1e-300, 1e-12]) {
      expect(glftC(xi, 0.01)).toBeCloseTo(Math.exp(-1), 6);
      expect(glftStaticDelta(xi, 0.03)).toBeCloseTo(1 / 0.03, 6);
    }
  });
});
