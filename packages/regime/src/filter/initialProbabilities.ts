import type { GeneratorPerSec } from '../model/generator.js';
import { stationaryDistribution } from '../model/generatorStructure.js';

/**
 * The filter's prior: `given` checked (n entries, finite, >= 0, summing to 1 within 1e-9; a
 * RangeError names `initialProb[r]`), or by default the stationary distribution of `g` (the
 * long-run share of time in each regime), or uniform when that is not unique.
 */
export function initialProbabilities(
  given: ArrayLike<number> | undefined,
  g: GeneratorPerSec,
  n: number,
): Float64Array {
  if (given === undefined) return stationaryDistribution(g) ?? new Float64Array(n).fill(1 / n);
  if (given.length !== n)
    throw new RangeError(`initialProb must have ${n} entries, got ${given.length}`);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    const p = given[r]!;
    if (!(p >= 0) || !Number.isFinite(p))
      throw new RangeError(`initialProb[${r}] must be finite and >= 0, got ${p}`);
    sum += p;
  }
  if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`initialProb must sum to 1, sums to ${sum}`);
  return Float64Array.from(given);
}
