/**
 * Gueant (2017) closed-form approximation, eqs. 4.6/4.7 (the asymptotics of GLFT 2013), for the
 * exponential intensity `A exp(-k d)` (docs/math.md §5). Inventory in lots `n`; one lot is
 * `D = lotSize` base units, so `q = n D`.
 */
export interface GueantParams {
  /** Volatility of the mid, price units per sqrt(second). */
  sigmaPerSqrtSec: number;
  /** Fill rate at the mid, fills (lots) per second. */
  aPerSec: number;
  /** Intensity decay per price unit of distance. */
  kPerPrice: number;
  /** Risk aversion, per (price unit x base unit). */
  gamma: number;
  /** Risk aversion of the gain: `xi = gamma` (model A) or `0` (model B); same units as gamma. */
  xi: number;
  /** `D`: base units per lot (the trade size of one fill). */
  lotSize: number;
}

/** `c1` in price units; `c2` in price units per base unit. */
export interface GueantCoefficients {
  c1: number;
  c2: number;
}

/** Check the parameters; throws a RangeError naming the field. */
export function validateGueantParams(p: GueantParams): void {
  const check = (name: keyof GueantParams, ok: boolean, what: string): void => {
    if (!ok || !Number.isFinite(p[name]))
      throw new RangeError(`${name} must be finite and ${what}, got ${p[name]}`);
  };
  check('sigmaPerSqrtSec', p.sigmaPerSqrtSec >= 0, '>= 0');
  check('aPerSec', p.aPerSec > 0, '> 0');
  check('kPerPrice', p.kPerPrice > 0, '> 0');
  check('gamma', p.gamma >= 0, '>= 0');
  check('xi', p.xi >= 0, '>= 0');
  check('lotSize', p.lotSize > 0, '> 0');
}

/**
 * `c1 = ln(1 + xi D/k)/(xi D)`, `c2 = sqrt(gamma sigma^2/(2 A D k) (1 + xi D/k)^(k/(xi D) + 1))`;
 * at `xi = 0`: `c1 = 1/k`, `c2 = sqrt(gamma sigma^2 e/(2 A D k))`. Computed through log1p, so
 * both are continuous as `xi -> 0` (no `1/xi` is ever formed).
 */
export function gueantCoefficients(p: GueantParams): GueantCoefficients {
  validateGueantParams(p);
  const { sigmaPerSqrtSec: sigma, aPerSec: a, kPerPrice: k, gamma, xi, lotSize: d } = p;
  const r = (xi * d) / k;
  // ln(1 + r)/r, -> 1 as r -> 0; written so that no 1/r can overflow for tiny or subnormal xi.
  const logRatio = r === 0 ? 1 : Math.log1p(r) / r;
  const c1 = logRatio / k;
  // (1 + r)^(1/r + 1) = exp(ln(1 + r)/r + ln(1 + r)), -> e as r -> 0.
  const growth = Math.exp(logRatio + Math.log1p(r));
  const c2 = Math.sqrt(((gamma * sigma * sigma) / (2 * a * d * k)) * growth);
  return { c1, c2 };
}

/** Quote distances from the mid, price units. */
export interface GueantQuote {
  bidDeltaPrice: number;
  askDeltaPrice: number;
}

/**
 * `bidDelta(n) = c1 + D (2n + 1)/2 c2`, `askDelta(n) = c1 - D (2n - 1)/2 c2` for inventory
 * `n = inventoryLots` lots.
 */
export function gueantQuote(p: GueantParams, inventoryLots: number): GueantQuote {
  if (!Number.isFinite(inventoryLots))
    throw new RangeError(`inventoryLots must be finite, got ${inventoryLots}`);
  const { c1, c2 } = gueantCoefficients(p);
  const d = p.lotSize;
  return {
    bidDeltaPrice: c1 + ((d * (2 * inventoryLots + 1)) / 2) * c2,
    askDeltaPrice: c1 - ((d * (2 * inventoryLots - 1)) / 2) * c2,
  };
}

/**
 * The quadratic value consistent with `gueantQuote`: `h(n) = -(D c2/2) n^2`, price units (per lot,
 * as in HjbProblem), `h(0) = 0`. Its marginals `h(n +- 1) - h(n)` give back the quotes through
 * `d* = c1 - p`.
 */
export function gueantApproxValue(p: GueantParams, inventoryLots: number): number {
  if (!Number.isFinite(inventoryLots))
    throw new RangeError(`inventoryLots must be finite, got ${inventoryLots}`);
  const { c2 } = gueantCoefficients(p);
  return -((p.lotSize * c2) / 2) * inventoryLots * inventoryLots;
}
