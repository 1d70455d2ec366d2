import type { TakerCosts } from './HjbProblem.js';

/**
 * Enforce the taker impulse constraints in place: `h_i >= h_{i+1} - buyCost` and
 * `h_i >= h_{i-1} - sellCost` (buying or selling one lot at a cost, possibly in a chain).
 * An ascending sweep settles the sell chains and a descending one the buy chains; with positive
 * costs no chain can cycle, so two sweeps repeated until nothing moves terminate.
 * Returns whether any value changed.
 */
export function projectTaker(h: Float64Array, costs: TakerCosts): boolean {
  const n = h.length;
  const { buyCostPerLot: cb, sellCostPerLot: ca } = costs;
  let changedAny = false;
  for (let pass = 0; pass < n + 1; pass++) {
    let changed = false;
    for (let i = 1; i < n; i++) {
      const viaSell = h[i - 1]! - ca;
      if (viaSell > h[i]!) {
        h[i] = viaSell;
        changed = true;
      }
    }
    for (let i = n - 2; i >= 0; i--) {
      const viaBuy = h[i + 1]! - cb;
      if (viaBuy > h[i]!) {
        h[i] = viaBuy;
        changed = true;
      }
    }
    if (!changed) break;
    changedAny = true;
  }
  return changedAny;
}
