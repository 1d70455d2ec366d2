import type { Estimator, Rejection } from './Estimator.js';
import { EwmaCovariance, type EwmaCovarianceOptions } from './EwmaCovariance.js';

/**
 * `corr_ij = cov_ij / sqrt(cov_ii cov_jj)` from a covariance (row-major `n x n`) into `out`;
 * 0 off the diagonal where a variance is 0 (a level that has not moved), 1 on the diagonal.
 */
export function covarianceToCorrelation(
  cov: ArrayLike<number>,
  n: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) {
        out[i * n + j] = 1;
        continue;
      }
      const d = Math.sqrt(cov[i * n + i]! * cov[j * n + j]!);
      // Clamp: rounding can push |corr| a hair above 1.
      out[i * n + j] = d > 0 ? Math.max(-1, Math.min(1, cov[i * n + j]! / d)) : 0;
    }
  }
  return out;
}

/**
 * Exponentially weighted correlation of the increments of `n` levels: `EwmaCovariance`
 * normalised. Same options, warm-up and rejections. `value`: row-major `n x n`, dimensionless
 * (a live view: copy to keep).
 */
export class EwmaCorrelation implements Estimator<ArrayLike<number>, ArrayLike<number>> {
  readonly covariance: EwmaCovariance;
  private readonly corr: Float64Array;
  private stale = true;

  constructor(options: EwmaCovarianceOptions) {
    this.covariance = new EwmaCovariance(options);
    this.corr = new Float64Array(options.assets * options.assets).fill(Number.NaN);
  }

  update(tSec: number, x: ArrayLike<number>): boolean {
    const accepted = this.covariance.update(tSec, x);
    if (accepted) this.stale = true;
    return accepted;
  }

  get isReady(): boolean {
    return this.covariance.isReady;
  }

  get lastRejection(): Rejection | null {
    return this.covariance.lastRejection;
  }

  get count(): number {
    return this.covariance.count;
  }

  get value(): ArrayLike<number> {
    if (this.stale && this.covariance.count > 1) {
      covarianceToCorrelation(this.covariance.value, this.covariance.assets, this.corr);
      this.stale = false;
    }
    return this.corr;
  }
}
