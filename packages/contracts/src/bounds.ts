/**
 * Bounds for parameters received over Redis. Reals lie in (min, max] when `minExclusive`,
 * else [min, max]; non-finite values are always rejected.
 */
export interface RealRange {
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
}

/** Inclusive integer range. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** Per-asset parameter bounds checked before a parameter update may be applied. */
export interface ParamBounds {
  /** Volatility, price units per sqrt(second). */
  readonly sigma: RealRange;
  /** Fill-intensity scale A, fills per second. */
  readonly A: RealRange;
  /** Fill-intensity decay k, per price unit. */
  readonly k: RealRange;
  /** Risk aversion gamma, per (price unit * lot). */
  readonly gamma: RealRange;
  /** Running inventory penalty phi, per (lot^2 * second). */
  readonly phi: RealRange;
  /** Inventory limit, lots. */
  readonly qMax: IntRange;
  /** Risk aversion of a portfolio (`portfolio-params`), per unit of quote currency. */
  readonly portfolioGamma: RealRange;
  /** Largest |entry| of a covariance matrix, quote currency^2 per second per (asset unit)^2. */
  readonly covarianceAbsMax: number;
}

export const DEFAULT_PARAM_BOUNDS: ParamBounds = {
  sigma: { min: 0, max: 1e6, minExclusive: true },
  A: { min: 0, max: 1e4, minExclusive: true },
  k: { min: 0, max: 1e6, minExclusive: true },
  gamma: { min: 0, max: 1e3, minExclusive: true },
  phi: { min: 0, max: 1e6, minExclusive: false },
  qMax: { min: 1, max: 10_000 },
  portfolioGamma: { min: 0, max: 1e3, minExclusive: true },
  covarianceAbsMax: 1e15,
};
