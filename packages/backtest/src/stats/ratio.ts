import { type BootstrapOptions, bootstrapCi } from './bootstrap.js';
import { type ConfidenceInterval, DEFAULT_CI_LEVEL, normalInterval } from './ConfidenceInterval.js';
import { covariance, mean, variance } from './descriptive.js';

/**
 * Interval for a ratio of means `R = mean(x) / mean(y)`, e.g. a policy's share of the exact
 * policy's objective `mean J(policy) / mean J(exact)` (unitless).
 *
 * Delta method: `Var(R) ~ (Var(xbar) - 2 R Cov(xbar, ybar) + R^2 Var(ybar)) / ybar^2`, with
 * `Var(xbar) = var(x)/n_x`, and `Cov(xbar, ybar) = cov(x, y)/n` for paired samples (same paths,
 * equal lengths), 0 for independent ones. Reliable when `mean(y)` is many standard errors away
 * from 0; otherwise prefer {@link ratioOfMeansBootstrapCi}, whose percentile interval follows the
 * skew of the ratio.
 */
export function ratioOfMeansDeltaCi(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  options: { level?: number; paired?: boolean } = {},
): ConfidenceInterval {
  const level = options.level ?? DEFAULT_CI_LEVEL;
  const paired = options.paired ?? false;
  if (paired && xs.length !== ys.length)
    throw new RangeError('xs and ys must have equal lengths when paired');
  const mx = mean(xs);
  const my = mean(ys);
  const r = mx / my;
  const varX = variance(xs) / xs.length;
  const varY = variance(ys) / ys.length;
  const cov = paired ? covariance(xs, ys) / xs.length : 0;
  const varR = Math.max(0, varX - 2 * r * cov + r * r * varY) / (my * my);
  return normalInterval(r, Math.sqrt(varR), level, 'delta');
}

/**
 * Seeded percentile bootstrap interval for `mean(x) / mean(y)`; paired samples are resampled
 * together (one index vector), independent ones separately. See {@link bootstrapCi}.
 */
export function ratioOfMeansBootstrapCi(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  options: BootstrapOptions & { paired?: boolean } = {},
): ConfidenceInterval {
  return bootstrapCi([xs, ys], ([x, y]) => mean(x!) / mean(y!), options);
}
