import { type ConfidenceInterval, checkLevel, DEFAULT_CI_LEVEL } from './ConfidenceInterval.js';
import { quantileSorted } from './descriptive.js';
import { seededUniform } from './seededUniform.js';

/** Options of a bootstrap interval. */
export interface BootstrapOptions {
  /** Coverage (default 0.95). */
  level?: number;
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Seed of the resampling stream (default 1): the same seed gives the same interval. */
  seed?: number;
}

/** Default number of bootstrap resamples. */
export const DEFAULT_RESAMPLES = 2000;

/**
 * Seeded percentile bootstrap interval for a statistic of one or more samples.
 *
 * `samples` are resampled with replacement; `paired: true` draws one index vector for all of
 * them (rows of the same paths, e.g. policies run on the same seeded markets), `false` draws
 * each sample independently. `statistic` maps the resampled samples to a number. The interval
 * is the `(1 - level)/2` and `(1 + level)/2` quantiles of the resampled statistics (type 7);
 * resamples whose statistic is not finite (e.g. a zero standard deviation) are dropped, and if
 * fewer than half remain the bounds are `NaN`. The estimate is the statistic of the data.
 */
export function bootstrapCi(
  samples: readonly ArrayLike<number>[],
  statistic: (resampled: readonly Float64Array[]) => number,
  options: BootstrapOptions & { paired?: boolean } = {},
): ConfidenceInterval {
  const level = options.level ?? DEFAULT_CI_LEVEL;
  checkLevel(level);
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  const paired = options.paired ?? false;
  if (samples.length === 0) throw new RangeError('samples must hold at least one sample');
  const n0 = samples[0]!.length;
  if (paired && samples.some((s) => s.length !== n0))
    throw new RangeError('samples must have equal lengths when paired');

  const original = samples.map((s) => Float64Array.from(s as ArrayLike<number>));
  const estimate = statistic(original);
  const empty = samples.some((s) => s.length === 0);
  if (empty) return bounds(estimate, Number.NaN, Number.NaN, level);

  const uniform = seededUniform(options.seed ?? 1);
  const buffers = original.map((s) => new Float64Array(s.length));
  const stats = new Float64Array(resamples);
  let kept = 0;
  for (let r = 0; r < resamples; r++) {
    if (paired) {
      for (let i = 0; i < n0; i++) {
        const j = Math.floor(uniform() * n0);
        for (let s = 0; s < original.length; s++) buffers[s]![i] = original[s]![j]!;
      }
    } else {
      for (let s = 0; s < original.length; s++) {
        const src = original[s]!;
        const dst = buffers[s]!;
        const n = src.length;
        for (let i = 0; i < n; i++) dst[i] = src[Math.floor(uniform() * n)]!;
      }
    }
    const value = statistic(buffers);
    if (Number.isFinite(value)) stats[kept++] = value;
  }
  if (kept < resamples / 2) return bounds(estimate, Number.NaN, Number.NaN, level);
  const sorted = stats.subarray(0, kept).sort();
  const alpha = (1 - level) / 2;
  return bounds(estimate, quantileSorted(sorted, alpha), quantileSorted(sorted, 1 - alpha), level);
}

function bounds(estimate: number, lower: number, upper: number, level: number): ConfidenceInterval {
  return { estimate, lower, upper, level, method: 'bootstrap', standardError: Number.NaN };
}
