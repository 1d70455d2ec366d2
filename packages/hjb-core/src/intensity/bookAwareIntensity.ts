import type { IntensityModel } from './IntensityModel.js';

/** Which side of the book our quote rests on. */
export type Side = 'bid' | 'ask';

/** The seed's book-aware fill model, one side. */
export interface BookAwareIntensityParams {
  side: Side;
  /** Base fill rate at the touch for a balanced book, fills per second (seed default 1). */
  lambda0PerSec: number;
  /** Decay per price unit beyond the market half spread (seed: `beta = 0.1` per bps, converted). */
  betaPerPrice: number;
  /** The market's half spread, price units; quotes inside it fill at the touch rate. */
  halfSpreadPrice: number;
  /** Book imbalance `I = Vbid / (Vbid + Vask)` in [0, 1]; 0.5 is balanced. */
  imbalance: number;
}

/**
 * `lambda_b(d) = lambda0 * 2(1 - I) * exp(-beta max(d - s/2, 0))`, `lambda_a` the same with `2I`.
 * Flat inside the spread, so `d*(p) = max(s/2, 1/beta - p)` (docs/math.md §3); the Hamiltonian is
 * exponential in `p` below `1/beta - s/2` and linear above it.
 */
export class BookAwareIntensity implements IntensityModel {
  readonly name = 'book-aware';
  readonly side: Side;
  /** `lambda0 * 2(1 - I)` (bid) or `lambda0 * 2I` (ask), fills per second at the touch. */
  readonly touchRatePerSec: number;
  readonly betaPerPrice: number;
  readonly halfSpreadPrice: number;

  constructor(params: BookAwareIntensityParams) {
    const { side, lambda0PerSec, betaPerPrice, halfSpreadPrice, imbalance } = params;
    if (!(lambda0PerSec >= 0) || !Number.isFinite(lambda0PerSec))
      throw new RangeError(`lambda0PerSec must be >= 0, got ${lambda0PerSec}`);
    if (!(betaPerPrice > 0) || !Number.isFinite(betaPerPrice))
      throw new RangeError(`betaPerPrice must be > 0, got ${betaPerPrice}`);
    if (!(halfSpreadPrice >= 0) || !Number.isFinite(halfSpreadPrice))
      throw new RangeError(`halfSpreadPrice must be >= 0, got ${halfSpreadPrice}`);
    if (!(imbalance >= 0 && imbalance <= 1))
      throw new RangeError(`imbalance must be in [0, 1], got ${imbalance}`);
    this.side = side;
    this.touchRatePerSec = lambda0PerSec * 2 * (side === 'bid' ? 1 - imbalance : imbalance);
    this.betaPerPrice = betaPerPrice;
    this.halfSpreadPrice = halfSpreadPrice;
  }

  ratePerSec(deltaPrice: number): number {
    const beyond = deltaPrice - this.halfSpreadPrice;
    return beyond > 0
      ? this.touchRatePerSec * Math.exp(-this.betaPerPrice * beyond)
      : this.touchRatePerSec;
  }

  optimalDelta(p: number): number {
    if (this.touchRatePerSec === 0) return Number.POSITIVE_INFINITY;
    return Math.max(this.halfSpreadPrice, 1 / this.betaPerPrice - p);
  }

  hamiltonian(p: number): number {
    if (this.touchRatePerSec === 0) return 0;
    const d = Math.max(this.halfSpreadPrice, 1 / this.betaPerPrice - p);
    // d + p >= 1/beta > 0 or d = s/2 with s/2 + p >= 1/beta > 0: quoting always beats not quoting.
    return this.ratePerSec(d) * (d + p);
  }

  hamiltonianWithSlope(p: number, slopeOut: Float64Array, at: number): number {
    if (this.touchRatePerSec === 0) {
      slopeOut[at] = 0;
      return 0;
    }
    const d = Math.max(this.halfSpreadPrice, 1 / this.betaPerPrice - p);
    const rate = this.ratePerSec(d);
    slopeOut[at] = rate;
    return rate * (d + p);
  }

  hamiltonianSlope(p: number): number {
    if (this.touchRatePerSec === 0) return 0;
    return this.ratePerSec(Math.max(this.halfSpreadPrice, 1 / this.betaPerPrice - p));
  }
}
