import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pairHamiltonians } from '../src/exact/pairHamiltonians.js';
import { BookAwareIntensity, ExponentialIntensity, type IntensityModel } from '../src/index.js';

/** The per-side pass the shared-exponential one replaces (each side's own methods). */
function generic(bid: IntensityModel, ask: IntensityModel, h: Float64Array, running: Float64Array) {
  const n = h.length;
  const out = new Float64Array(n);
  const sb = new Float64Array(n);
  const sa = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = running[i]!;
    if (i < n - 1) v += bid.hamiltonianWithSlope(h[i + 1]! - h[i]!, sb, i);
    if (i > 0) v += ask.hamiltonianWithSlope(h[i - 1]! - h[i]!, sa, i);
    out[i] = v;
  }
  return { out, sb, sa };
}

function close(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(b[i]!)));
}

describe('pairHamiltonians: one exponential per bid/ask pair, equal to each side on its own', () => {
  const hArb = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), {
    minLength: 2,
    maxLength: 40,
  });
  it('book-aware pair (both sides of the spread edge, any imbalance)', () => {
    fc.assert(
      fc.property(
        hArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (hs, imbalance, beta, half) => {
          const params = { lambda0PerSec: 1, betaPerPrice: beta, halfSpreadPrice: half, imbalance };
          const bid = new BookAwareIntensity({ side: 'bid', ...params });
          const ask = new BookAwareIntensity({ side: 'ask', ...params });
          const h = Float64Array.from(hs);
          const running = h.map((_, i) => -0.01 * i * i);
          const ref = generic(bid, ask, h, running);
          const out = new Float64Array(h.length);
          const sb = new Float64Array(h.length);
          const sa = new Float64Array(h.length);
          pairHamiltonians(bid, ask)(h, running, out, sb, sa);
          close(out, ref.out);
          close(sb, ref.sb);
          close(sa, ref.sa);
          return true;
        },
      ),
    );
  });

  it('exponential pair with one k', () => {
    fc.assert(
      fc.property(hArb, fc.double({ min: 0.1, max: 3, noNaN: true }), (hs, k) => {
        const bid = new ExponentialIntensity({ aPerSec: 1.3, kPerPrice: k, xi: 0.1 });
        const ask = new ExponentialIntensity({ aPerSec: 0.7, kPerPrice: k, xi: 0.1 });
        const h = Float64Array.from(hs);
        const running = new Float64Array(h.length);
        const ref = generic(bid, ask, h, running);
        const out = new Float64Array(h.length);
        const sb = new Float64Array(h.length);
        const sa = new Float64Array(h.length);
        pairHamiltonians(bid, ask)(h, running, out, sb, sa);
        close(out, ref.out);
        close(sb, ref.sb);
        close(sa, ref.sa);
        return true;
      }),
    );
  });
});
