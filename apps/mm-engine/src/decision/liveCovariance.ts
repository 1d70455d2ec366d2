import { validateCovariance } from '@mm/hjb-core';
import { EwmaCovariance } from '@mm/regime';

export interface LiveCovarianceOptions {
  /** Each asset's configured volatility, price units per sqrt(second) (spec order). */
  sigmaPerSqrtSec: readonly number[];
  /** Half-life of the EWMA, seconds (`portfolio.covariance.estimate.halfLifeSec`). */
  halfLifeSec: number;
  /**
   * Each variance is floored at `(varianceFloorFraction x configured sigma)^2` (default 0.1): a
   * quiet spell must not make an asset look riskless.
   */
  varianceFloorFraction?: number;
}

/**
 * The live `Sigma` of the book (DESIGN 3.8): an EWMA covariance of mid increments per unit time
 * (`@mm/regime` `EwmaCovariance`, quote currency^2 per second per unit^2) fed with synchronous
 * snapshots of every asset's mid, floored on the diagonal (adding a non-negative diagonal keeps
 * it PSD) and checked (finite, symmetric, PSD) before use. No clock: callers pass `tSec`.
 */
export class LiveCovariance {
  private readonly ewma: EwmaCovariance;
  private readonly floors: number[];
  private readonly n: number;

  constructor(options: LiveCovarianceOptions) {
    this.n = options.sigmaPerSqrtSec.length;
    this.ewma = new EwmaCovariance({ assets: this.n, halfLifeSec: options.halfLifeSec });
    const f = options.varianceFloorFraction ?? 0.1;
    this.floors = options.sigmaPerSqrtSec.map((s) => (f * s) ** 2);
  }

  /** One snapshot of every asset's mid (price units) at `tSec`; `false` when it was not used. */
  sample(tSec: number, mids: ArrayLike<number>): boolean {
    for (let i = 0; i < this.n; i++) if (!Number.isFinite(mids[i])) return false;
    return this.ewma.update(tSec, mids);
  }

  /** Whether the estimate has warmed up (one half-life and `n + 1` increments). */
  get isReady(): boolean {
    return this.ewma.isReady;
  }

  /**
   * The floored estimate as rows, or `null` before warm-up; throws a RangeError when it is not a
   * valid covariance (non-finite, not PSD).
   */
  estimate(): number[][] | null {
    if (!this.ewma.isReady) return null;
    const v = this.ewma.value;
    const n = this.n;
    const rows = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, j) => {
        const x = v[i * n + j]!;
        return i === j ? Math.max(x, this.floors[i]!) : x;
      }),
    );
    validateCovariance(rows, n, 'live covariance');
    return rows;
  }
}
