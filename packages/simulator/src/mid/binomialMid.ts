import type { Rng } from '../rng/Rng.js';
import { type MidModel, type MidPath, requireFinite, requireNonNegative } from './MidModel.js';

/** The Avellaneda-Stoikov (2008, section 4) mid: `+-sigma sqrt(dt)` with probability 1/2 each. */
export interface BinomialMidParams {
  /** Volatility, price units per sqrt(second). */
  sigmaPerSqrtSec: number;
}

/**
 * A symmetric binomial random walk: each step moves the mid by `sign(z) sigma sqrt(dt)`. The
 * sign of a standard normal is +-1 with probability 1/2 each, so a single asset sees the
 * paper's coin flip, and correlated shocks give correlated moves (correlation
 * `(2/pi) asin(rho)` between two assets' signs).
 */
export function binomialMid(params: BinomialMidParams): MidModel {
  const sigma = params.sigmaPerSqrtSec;
  requireNonNegative('sigmaPerSqrtSec', sigma);
  return {
    name: 'binomial',
    start(midPrice: number): MidPath {
      requireFinite('midPrice', midPrice);
      return {
        midPrice,
        driftPerSec: 0,
        regime: 0,
        step(dtSec: number, z: number, _rng: Rng): number {
          const move = sigma * Math.sqrt(dtSec);
          this.midPrice += z < 0 ? -move : move;
          return this.midPrice;
        },
      };
    },
  };
}
