/**
 * Inventory statistics of one path whose inventory is piecewise constant: `inventoryLots[i]`
 * holds from `tSec[i]` to `tSec[i + 1]` (the last value is an end point and carries no time).
 */
export interface InventoryStats {
  /** Time-weighted mean of |q| over [t_0, t_last], lots. */
  meanAbsInventory: number;
  /** Largest |q| seen, lots. */
  maxAbsInventory: number;
  /** Integral of q^2 dt, lots^2 seconds. */
  integratedSquaredInventory: number;
  /** t_last - t_0, seconds. */
  durationSec: number;
}

/**
 * Time-weighted mean and maximum of |q|, and `int q^2 dt`, for a step path. Times must be
 * non-decreasing and the arrays of equal length; throws naming the field otherwise. A path of
 * zero duration has the mean of its values as its mean |q|.
 */
export function inventoryStats(
  tSec: ArrayLike<number>,
  inventoryLots: ArrayLike<number>,
): InventoryStats {
  const n = tSec.length;
  if (inventoryLots.length !== n)
    throw new RangeError(
      `inventoryLots must have the length of tSec (${n}), got ${inventoryLots.length}`,
    );
  if (n === 0) throw new RangeError('tSec must not be empty');
  let maxAbs = 0;
  let absInt = 0;
  let sqInt = 0;
  let absSum = 0;
  for (let i = 0; i < n; i++) {
    const q = inventoryLots[i]!;
    if (!Number.isFinite(q)) throw new RangeError(`inventoryLots[${i}] must be finite, got ${q}`);
    const t = tSec[i]!;
    if (!Number.isFinite(t)) throw new RangeError(`tSec[${i}] must be finite, got ${t}`);
    const a = Math.abs(q);
    absSum += a;
    if (a > maxAbs) maxAbs = a;
    if (i + 1 < n) {
      const dt = tSec[i + 1]! - t;
      if (dt < 0) throw new RangeError(`tSec must be non-decreasing: tSec[${i + 1}] < tSec[${i}]`);
      absInt += a * dt;
      sqInt += q * q * dt;
    }
  }
  const durationSec = tSec[n - 1]! - tSec[0]!;
  return {
    meanAbsInventory: durationSec > 0 ? absInt / durationSec : absSum / n,
    maxAbsInventory: maxAbs,
    integratedSquaredInventory: sqInt,
    durationSec,
  };
}
