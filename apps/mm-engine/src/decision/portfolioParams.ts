import { portfolioCovariance, validateCovariance } from '@mm/hjb-core';

/**
 * Portfolio parameters as the optimizer publishes them (the `portfolio-params` payload of bus
 * envelope v2): one gamma per unit of quote currency and exactly one matrix, in `assets` order.
 */
export interface PortfolioParamsPayload {
  /** Row order of the matrix. */
  assets: readonly string[];
  /** Risk aversion of the book, per unit of quote currency. */
  gamma: number;
  /** Correlation of mid changes (used with each asset's configured sigma)... */
  correlation?: readonly (readonly number[])[];
  /** ...or the covariance itself, quote currency^2 per second per (asset unit)^2. */
  covariance?: readonly (readonly number[])[];
  /** Epoch ms after which the parameters must not be used. */
  validUntil: number;
}

/** What the engine quotes with now (the bounds of a change are relative to it). */
export interface CurrentPortfolioParams {
  assets: readonly string[];
  gammaPerQuote: number;
  /** Each asset's configured volatility, price units per sqrt(second). */
  sigmaPerSqrtSec: readonly number[];
  /** `Sigma` in use, row-major. */
  covariance: ArrayLike<number>;
}

export type PortfolioParamsCheck =
  | { ok: true; gammaPerQuote: number; covariance: number[][] }
  | { ok: false; field: string; reason: string };

/**
 * Check published portfolio parameters before use: the engine's assets in the engine's order,
 * `validUntil` in the future, a finite gamma within `maxChangeFactor` of the one in use, exactly
 * one matrix, finite, symmetric and PSD (hjb-core's checks), each implied volatility within
 * `maxChangeFactor` of the one in use (variance within its square). Returns the covariance to
 * solve with, or the failing field and why.
 */
export function checkPortfolioParams(
  payload: PortfolioParamsPayload,
  current: CurrentPortfolioParams,
  options: { nowMs: number; maxChangeFactor: number },
): PortfolioParamsCheck {
  const fail = (field: string, reason: string): PortfolioParamsCheck => ({
    ok: false,
    field,
    reason,
  });
  const n = current.assets.length;
  if (payload.assets.length !== n || payload.assets.some((a, i) => a !== current.assets[i])) {
    return fail('assets', `expected [${current.assets.join(', ')}] in this order`);
  }
  if (!(payload.validUntil > options.nowMs)) return fail('validUntil', 'expired');
  const f = options.maxChangeFactor;
  const g = payload.gamma;
  if (!Number.isFinite(g) || !(g > 0)) return fail('gamma', 'expected a finite number > 0');
  if (g > current.gammaPerQuote * f || g < current.gammaPerQuote / f) {
    return fail('gamma', `moves by more than x${f} from ${current.gammaPerQuote}`);
  }
  if ((payload.correlation === undefined) === (payload.covariance === undefined)) {
    return fail('correlation', 'expected exactly one of correlation and covariance');
  }
  let rows: number[][];
  try {
    if (payload.correlation !== undefined) {
      rows = portfolioCovariance([...current.sigmaPerSqrtSec], payload.correlation, 'correlation');
    } else {
      const cov = payload.covariance!;
      validateCovariance(cov, n, 'covariance');
      rows = cov.map((r) => [...r]);
    }
  } catch (e) {
    const field = payload.correlation !== undefined ? 'correlation' : 'covariance';
    return fail(field, (e as Error).message);
  }
  for (let i = 0; i < n; i++) {
    const was = current.covariance[i * n + i]!;
    const now = rows[i]![i]!;
    if (!Number.isFinite(now) || now > was * f * f || now < was / (f * f)) {
      const field = payload.correlation !== undefined ? 'correlation' : `covariance[${i}][${i}]`;
      return fail(field, `variance of ${current.assets[i]} moves by more than x${f * f}`);
    }
  }
  return { ok: true, gammaPerQuote: g, covariance: rows };
}
