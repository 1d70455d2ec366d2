import { type BootstrapOptions, bootstrapCi } from './bootstrap.js';
import { type ConfidenceInterval, DEFAULT_CI_LEVEL, normalInterval } from './ConfidenceInterval.js';
import { mean, standardDeviation } from './descriptive.js';

/** Seconds in a year of continuous (24/7) trading: 365.25 days. */
export const SECONDS_PER_YEAR = 365.25 * 86_400;

/**
 * Per-path Sharpe ratio of P&L: `mean(pnl) / sd(pnl)` over independent paths of one length
 * (unitless, per path; no risk-free rate: a market maker's P&L is an excess return already).
 * `NaN` for fewer than 2 paths or zero dispersion.
 */
export function sharpeRatio(pnl: ArrayLike<number>): number {
  const sd = standardDeviation(pnl);
  return sd > 0 ? mean(pnl) / sd : Number.NaN;
}

/**
 * Annualise a per-path Sharpe ratio: `S_year = S_path * sqrt(secondsPerYear / pathDurationSec)`.
 * Assumes P&L increments are independent across time with a constant mean and variance (so the
 * mean scales with time and the sd with its square root) — not true for a strongly
 * mean-reverting inventory over short paths; treat it as a unit conversion, not a forecast.
 * `pathDurationSec`: length of one path in seconds; `secondsPerYear` defaults to 24/7 trading.
 */
export function annualizeSharpe(
  sharpePerPath: number,
  pathDurationSec: number,
  secondsPerYear: number = SECONDS_PER_YEAR,
): number {
  if (!(pathDurationSec > 0))
    throw new RangeError(`pathDurationSec must be positive, got ${pathDurationSec}`);
  if (!(secondsPerYear > 0))
    throw new RangeError(`secondsPerYear must be positive, got ${secondsPerYear}`);
  return sharpePerPath * Math.sqrt(secondsPerYear / pathDurationSec);
}

/**
 * Asymptotic (delta-method) interval for the Sharpe ratio of iid normal P&L:
 * `SE = sqrt((1 + S^2/2) / n)` (Lo 2002, eq. 9).
 */
export function sharpeDeltaCi(
  pnl: ArrayLike<number>,
  level: number = DEFAULT_CI_LEVEL,
): ConfidenceInterval {
  const s = sharpeRatio(pnl);
  return normalInterval(s, Math.sqrt((1 + (s * s) / 2) / pnl.length), level, 'delta');
}

/** Seeded percentile bootstrap interval for the per-path Sharpe ratio (paths resampled). */
export function sharpeBootstrapCi(
  pnl: ArrayLike<number>,
  options: BootstrapOptions = {},
): ConfidenceInterval {
  return bootstrapCi([pnl], ([x]) => sharpeRatio(x!), options);
}
