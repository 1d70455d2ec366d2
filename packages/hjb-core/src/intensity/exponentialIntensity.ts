import type { IntensityModel } from './IntensityModel.js';

/** Parameters of `lambda(d) = A exp(-k d)`. */
export interface ExponentialIntensityParams {
  /** Fill rate at the mid, fills per second. */
  aPerSec: number;
  /** Decay per price unit of distance. */
  kPerPrice: number;
  /**
   * Risk aversion of the gain function (GLFT model A: `xi = gamma`; model B / Cartea-Jaimungal:
   * `xi = 0`, a risk-neutral gain), per price unit per lot.
   */
  xi?: number;
}

/**
 * `C_xi = (1 + xi/k)^(-k/xi - 1)`, tending to `1/e` as `xi -> 0` (Gueant 2017, eq. 3.13).
 * Uses log1p so that tiny `xi/k` loses nothing.
 */
export function glftC(xi: number, k: number): number {
  const r = xi / k;
  // ln C = -(ln(1 + r)/r + ln(1 + r)); ln(1 + r)/r -> 1, and no 1/r is formed (it overflows for
  // subnormal xi).
  return Math.exp(-(log1pOver(r) + Math.log1p(r)));
}

/** The static part of the optimal distance: `ln(1 + xi/k)/xi`, or `1/k` when `xi = 0`. */
export function glftStaticDelta(xi: number, k: number): number {
  return log1pOver(xi / k) / k;
}

/** `ln(1 + r)/r`, continuous at `r = 0` (value 1). */
function log1pOver(r: number): number {
  return r === 0 ? 1 : Math.log1p(r) / r;
}

/**
 * Exponential intensity (Avellaneda-Stoikov, GLFT, Cartea-Jaimungal): `d*(p) = c - p` with
 * `c` the static distance, `H(p) = (A/k) C_xi exp(k p)`, `H'(p) = k H(p)`.
 */
export class ExponentialIntensity implements IntensityModel {
  readonly name = 'exponential';
  readonly aPerSec: number;
  readonly kPerPrice: number;
  readonly xi: number;
  /** `(A/k) C_xi`, price units per lot per second. */
  readonly hScale: number;
  readonly staticDelta: number;

  constructor(params: ExponentialIntensityParams) {
    const { aPerSec, kPerPrice } = params;
    const xi = params.xi ?? 0;
    if (!(aPerSec > 0) || !Number.isFinite(aPerSec))
      throw new RangeError(`aPerSec must be > 0, got ${aPerSec}`);
    if (!(kPerPrice > 0) || !Number.isFinite(kPerPrice))
      throw new RangeError(`kPerPrice must be > 0, got ${kPerPrice}`);
    if (!(xi >= 0) || !Number.isFinite(xi)) throw new RangeError(`xi must be >= 0, got ${xi}`);
    this.aPerSec = aPerSec;
    this.kPerPrice = kPerPrice;
    this.xi = xi;
    this.hScale = (aPerSec / kPerPrice) * glftC(xi, kPerPrice);
    this.staticDelta = glftStaticDelta(xi, kPerPrice);
  }

  ratePerSec(deltaPrice: number): number {
    return this.aPerSec * Math.exp(-this.kPerPrice * deltaPrice);
  }

  optimalDelta(p: number): number {
    return this.staticDelta - p;
  }

  hamiltonian(p: number): number {
    return this.hScale * Math.exp(this.kPerPrice * p);
  }

  hamiltonianSlope(p: number): number {
    return this.kPerPrice * this.hScale * Math.exp(this.kPerPrice * p);
  }

  hamiltonianWithSlope(p: number, slopeOut: Float64Array, at: number): number {
    const h = this.hScale * Math.exp(this.kPerPrice * p);
    slopeOut[at] = this.kPerPrice * h;
    return h;
  }
}
