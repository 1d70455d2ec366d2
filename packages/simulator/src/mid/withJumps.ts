import type { Rng } from '../rng/Rng.js';
import { type MidModel, type MidPath, requireFinite, requireNonNegative } from './MidModel.js';

/** Compound Poisson jumps: `N ~ Poisson(rate dt)` jumps per step, each `N(mean, std^2)`. */
export interface JumpParams {
  /** Jump arrival rate, jumps per second. */
  ratePerSec: number;
  /** Mean jump size, price units (default 0). */
  meanPrice?: number;
  /** Standard deviation of a jump, price units. */
  stdPrice: number;
}

/**
 * `base` plus additive compound-Poisson jumps in price units. The jumps of one step sum to
 * `N(n mean, n std^2)` given `n` jumps, so one normal per step with a jump is drawn.
 */
export function withJumps(base: MidModel, params: JumpParams): MidModel {
  const { ratePerSec, stdPrice } = params;
  const meanPrice = params.meanPrice ?? 0;
  requireNonNegative('ratePerSec', ratePerSec);
  requireNonNegative('stdPrice', stdPrice);
  requireFinite('meanPrice', meanPrice);
  return {
    name: `${base.name}+jumps`,
    start(midPrice: number, rng: Rng): MidPath {
      const path = base.start(midPrice, rng);
      return {
        get midPrice() {
          return path.midPrice;
        },
        set midPrice(v: number) {
          path.midPrice = v;
        },
        get driftPerSec() {
          return path.driftPerSec + ratePerSec * meanPrice;
        },
        get regime() {
          return path.regime;
        },
        step(dtSec: number, z: number, stepRng: Rng): number {
          let mid = path.step(dtSec, z, stepRng);
          const n = ratePerSec > 0 ? stepRng.poisson(ratePerSec * dtSec) : 0;
          if (n > 0) {
            mid += n * meanPrice + Math.sqrt(n) * stdPrice * stepRng.normal();
            path.midPrice = mid;
          }
          return mid;
        },
      };
    },
  };
}
