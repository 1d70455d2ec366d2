import { fillProbability } from '@mm/simulator';

/**
 * Lot fills of one resting order over one book step: a Poisson count with mean
 * `ratePerSec * dtSec`, drawn by inverting its distribution at the uniform `u` in (0, 1). The
 * order fills at least once iff `u < fillProbability('exact', ratePerSec, dtSec)`, so the
 * per-step fill probability is the exact one and the mean count is exactly `ratePerSec * dtSec`
 * (no first-order bias at coarse steps). At most `maxLots` are returned.
 */
export function lotFillsInStep(
  ratePerSec: number,
  dtSec: number,
  u: number,
  maxLots: number,
): number {
  const mean = ratePerSec * dtSec;
  const pAny = fillProbability('exact', ratePerSec, dtSec);
  if (!(u < pAny) || maxLots <= 0) return 0;
  // tail = P(N > n); the count is the first n with P(N > n) <= u
  let n = 0;
  let term = Math.exp(-mean);
  let tail = pAny;
  while (tail > u && n < maxLots) {
    n++;
    term *= mean / n;
    tail -= term;
  }
  return n;
}
