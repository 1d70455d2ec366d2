import { BookAwareIntensity } from '../intensity/bookAwareIntensity.js';
import { ExponentialIntensity } from '../intensity/exponentialIntensity.js';
import type { IntensityModel } from '../intensity/IntensityModel.js';

/**
 * `out[i] = running[i] + H_b(h[i+1] - h[i]) + H_a(h[i-1] - h[i])` with the slopes `H_b'` in
 * `sb[i]` and `H_a'` in `sa[i]` (0 beyond the bounds): the residual pass of Newton's method.
 */
export type PairHamiltonians = (
  h: Float64Array,
  running: Float64Array,
  out: Float64Array,
  sb: Float64Array,
  sa: Float64Array,
) => void;

/**
 * The residual pass for a bid/ask pair. The bid at level i and the ask at level i+1 see opposite
 * marginal values `p` and `-p`, so for exponential intensities with one `k`, and for the seed's
 * book-aware pair with one `beta` and half spread, one `exp(k p)` (or `exp(beta p)`) serves
 * both: half the exponentials of the generic pass, the same values up to rounding.
 */
export function pairHamiltonians(bid: IntensityModel, ask: IntensityModel): PairHamiltonians {
  if (
    bid instanceof ExponentialIntensity &&
    ask instanceof ExponentialIntensity &&
    bid.kPerPrice === ask.kPerPrice
  )
    return exponentialPair(bid, ask);
  if (
    bid instanceof BookAwareIntensity &&
    ask instanceof BookAwareIntensity &&
    bid.betaPerPrice === ask.betaPerPrice &&
    bid.halfSpreadPrice === ask.halfSpreadPrice
  )
    return bookAwarePair(bid, ask);
  return (h, running, out, sb, sa) => {
    const n = h.length;
    sb[n - 1] = 0;
    sa[0] = 0;
    for (let i = 0; i < n; i++) {
      const hi = h[i]!;
      let cont = running[i]!;
      if (i < n - 1) cont += bid.hamiltonianWithSlope(h[i + 1]! - hi, sb, i);
      if (i > 0) cont += ask.hamiltonianWithSlope(h[i - 1]! - hi, sa, i);
      out[i] = cont;
    }
  };
}

/** `H_b = (A_b/k) C e^{k p}`, `H_a(-p) = (A_a/k) C e^{-k p}`, slopes `k H`. */
function exponentialPair(bid: ExponentialIntensity, ask: ExponentialIntensity): PairHamiltonians {
  const k = bid.kPerPrice;
  const sbScale = bid.hScale;
  const saScale = ask.hScale;
  return (h, running, out, sb, sa) => {
    const n = h.length;
    sb[n - 1] = 0;
    sa[0] = 0;
    for (let i = 0; i < n; i++) out[i] = running[i]!;
    for (let i = 0; i < n - 1; i++) {
      const e = Math.exp(k * (h[i + 1]! - h[i]!));
      const hb = sbScale * e;
      const ha = saScale / e;
      out[i] = out[i]! + hb;
      sb[i] = k * hb;
      out[i + 1] = out[i + 1]! + ha;
      sa[i + 1] = k * ha;
    }
  };
}

/**
 * The seed's book-aware pair (DESIGN 3.3): `d* = max(s/2, 1/beta - p)`; beyond the half spread
 * the rate is `touch e^{-beta (d - s/2)} = touch e^{beta s/2 - 1} e^{beta p}` for the bid and
 * `touch e^{beta s/2 - 1} e^{-beta p}` for the ask at `-p`; inside it the touch rate.
 */
function bookAwarePair(bid: BookAwareIntensity, ask: BookAwareIntensity): PairHamiltonians {
  const beta = bid.betaPerPrice;
  const half = bid.halfSpreadPrice;
  const invBeta = 1 / beta;
  const edge = invBeta - half; // p below this: the bid rests beyond the half spread
  const cb = bid.touchRatePerSec * Math.exp(beta * half - 1);
  const ca = ask.touchRatePerSec * Math.exp(beta * half - 1);
  const touchB = bid.touchRatePerSec;
  const touchA = ask.touchRatePerSec;
  return (h, running, out, sb, sa) => {
    const n = h.length;
    sb[n - 1] = 0;
    sa[0] = 0;
    for (let i = 0; i < n; i++) out[i] = running[i]!;
    for (let i = 0; i < n - 1; i++) {
      const p = h[i + 1]! - h[i]!;
      const bidDeep = p < edge;
      const askDeep = -p < edge;
      const e = bidDeep || askDeep ? Math.exp(beta * p) : 1;
      // bid at i, marginal value p
      let rate = touchB === 0 ? 0 : bidDeep ? cb * e : touchB;
      out[i] = out[i]! + rate * ((bidDeep ? invBeta - p : half) + p);
      sb[i] = rate;
      // ask at i + 1, marginal value -p
      rate = touchA === 0 ? 0 : askDeep ? ca / e : touchA;
      out[i + 1] = out[i + 1]! + rate * ((askDeep ? invBeta + p : half) - p);
      sa[i + 1] = rate;
    }
  };
}
