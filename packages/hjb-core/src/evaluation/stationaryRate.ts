import type { InventoryChain } from './inventoryChain.js';

/** The long-run behaviour of a stationary policy (DESIGN 3.9). */
export interface StationaryEvaluation {
  /** `sum_q pi(q) reward(q)`: the objective per second in the long run (price units x lots / s). */
  exactRatePerSec: number;
  /** Stationary distribution over the levels, index `q + qMax` (0 outside the chain's class). */
  distribution: Float64Array;
  /** `sum_q pi(q) |q|`, lots. */
  meanAbsInventoryLots: number;
  /** `sum_q pi(q) (up + down)`, trades per second. */
  tradeRatePerSec: number;
}

/**
 * The stationary distribution of the birth-death chain, `pi(q+1)/pi(q) = up(q)/down(q+1)`, in
 * logs (no under- or overflow on any grid), on the closed class reached from `startLevel`
 * (lots, default 0): from there the chain can neither leave nor split. O(levels). Throws a
 * RangeError when the chain from `startLevel` can end in more than one closed class.
 */
export function evaluateStationary(chain: InventoryChain, startLevel = 0): StationaryEvaluation {
  const { qMax, upRatePerSec: up, downRatePerSec: down, rewardPerSec: reward } = chain;
  const n = 2 * qMax + 1;
  const s = startLevel + qMax;
  if (!Number.isInteger(startLevel) || s < 0 || s >= n)
    throw new RangeError(`startLevel must be an integer in [-${qMax}, ${qMax}], got ${startLevel}`);
  // The class: up from s while up > 0, down from s while down > 0.
  let hi = s;
  while (hi < n - 1 && up[hi]! > 0) hi++;
  let lo = s;
  while (lo > 0 && down[lo]! > 0) lo--;
  // Closed and communicating: every step inside can be undone.
  for (let i = lo; i < hi; i++)
    if (!(up[i]! > 0) || !(down[i + 1]! > 0))
      throw new RangeError(
        `the policy's inventory chain from q = ${startLevel} is not irreducible at q = ${i - qMax} ` +
          '(a side with no flow inside the reachable range): more than one closed class',
      );
  const logPi = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
  logPi[lo] = 0;
  let max = 0;
  for (let i = lo + 1; i <= hi; i++) {
    logPi[i] = logPi[i - 1]! + Math.log(up[i - 1]!) - Math.log(down[i]!);
    if (logPi[i]! > max) max = logPi[i]!;
  }
  let z = 0;
  for (let i = lo; i <= hi; i++) z += Math.exp(logPi[i]! - max);
  const distribution = new Float64Array(n);
  let rate = 0;
  let absQ = 0;
  let trades = 0;
  for (let i = lo; i <= hi; i++) {
    const p = Math.exp(logPi[i]! - max) / z;
    distribution[i] = p;
    rate += p * reward[i]!;
    absQ += p * Math.abs(i - qMax);
    trades += p * (up[i]! + down[i]!);
  }
  return {
    exactRatePerSec: rate,
    distribution,
    meanAbsInventoryLots: absQ,
    tradeRatePerSec: trades,
  };
}
