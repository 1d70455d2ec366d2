/** Urgency above which the seed adds taker flow. */
export const SEED_URGENCY_THRESHOLD = 0.7;
/** Taker rate per unit of urgency above the threshold, lots per second. */
export const SEED_TAKER_RATE_SLOPE_PER_SEC = 10;

/** The seed's urgency `u = min(|q|/qMax, 1)^3`, dimensionless in [0, 1]. */
export function seedUrgency(inventoryLots: number, qMaxLots: number): number {
  const x = Math.min(Math.abs(inventoryLots) / qMaxLots, 1);
  return x * x * x;
}

/**
 * The seed's taker rate on the reducing side, lots per second: `(u - 0.7) * 10` when
 * `u > 0.7`, else 0.
 */
export function seedTakerRatePerSec(urgency: number): number {
  return urgency > SEED_URGENCY_THRESHOLD
    ? (urgency - SEED_URGENCY_THRESHOLD) * SEED_TAKER_RATE_SLOPE_PER_SEC
    : 0;
}
