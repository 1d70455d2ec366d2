import type { Rng } from '../rng/Rng.js';
import { type MidModel, type MidPath, requireFinite, requireNonNegative } from './MidModel.js';

/** `dS = mu dt + sigma dW`. */
export interface ArithmeticBrownianParams {
  /** Volatility, price units per sqrt(second). */
  sigmaPerSqrtSec: number;
  /** Drift `mu`, price units per second (default 0). */
  driftPerSec?: number;
}

/** Arithmetic Brownian motion, sampled exactly: `S + mu dt + sigma sqrt(dt) z`. */
export function arithmeticBrownian(params: ArithmeticBrownianParams): MidModel {
  const sigma = params.sigmaPerSqrtSec;
  const mu = params.driftPerSec ?? 0;
  requireNonNegative('sigmaPerSqrtSec', sigma);
  requireFinite('driftPerSec', mu);
  return {
    name: 'arithmetic-brownian',
    start(midPrice: number): MidPath {
      requireFinite('midPrice', midPrice);
      return {
        midPrice,
        driftPerSec: mu,
        regime: 0,
        step(dtSec: number, z: number, _rng: Rng): number {
          this.midPrice += mu * dtSec + sigma * Math.sqrt(dtSec) * z;
          return this.midPrice;
        },
      };
    },
  };
}
