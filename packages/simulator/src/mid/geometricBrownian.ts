import type { Rng } from '../rng/Rng.js';
import { type MidModel, type MidPath, requireFinite, requireNonNegative } from './MidModel.js';

/** `dS / S = mu dt + vol dW`. */
export interface GeometricBrownianParams {
  /** Volatility of returns, fraction per sqrt(second) (e.g. 1e-4 = 1 bp per sqrt(s)). */
  volPerSqrtSec: number;
  /** Drift of returns `mu`, fraction per second (default 0). */
  driftPerSec?: number;
}

/**
 * Geometric Brownian motion, sampled exactly: `S exp((mu - vol^2/2) dt + vol sqrt(dt) z)`.
 * The path's `driftPerSec` is `mu S`, in price units per second.
 */
export function geometricBrownian(params: GeometricBrownianParams): MidModel {
  const vol = params.volPerSqrtSec;
  const mu = params.driftPerSec ?? 0;
  requireNonNegative('volPerSqrtSec', vol);
  requireFinite('driftPerSec', mu);
  const logDriftPerSec = mu - 0.5 * vol * vol;
  return {
    name: 'geometric-brownian',
    start(midPrice: number): MidPath {
      if (!(midPrice > 0) || !Number.isFinite(midPrice))
        throw new RangeError(`midPrice must be finite and > 0, got ${midPrice}`);
      return {
        midPrice,
        get driftPerSec() {
          return mu * this.midPrice;
        },
        regime: 0,
        step(dtSec: number, z: number, _rng: Rng): number {
          this.midPrice *= Math.exp(logDriftPerSec * dtSec + vol * Math.sqrt(dtSec) * z);
          return this.midPrice;
        },
      };
    },
  };
}
