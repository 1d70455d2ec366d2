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

/**
 * The taker QVI as step constraints for the stiff integrator (see `StepConstraint`). A level is
 * in the exercise region for a step when its constraint binds at the start of the step and its
 * own continuation would not outgrow the chain it is tied to (`f_i <= f` at the chain's end);
 * inside the step those rows are algebraic (buy: `h_i = h_{i+1} - c_b`, sell: `h_i = h_{i-1} - c_a`);
 * the accepted state gets the full `max` projection, which brings in levels that start to bind.
 */
export class TakerConstraint {
  readonly active: Int8Array;
  readonly upCost: number;
  readonly downCost: number;
  private readonly chainRate: Float64Array;

  constructor(
    private readonly costs: TakerCosts,
    n: number,
  ) {
    this.active = new Int8Array(n);
    this.chainRate = new Float64Array(n);
    this.upCost = costs.buyCostPerLot;
    this.downCost = costs.sellCostPerLot;
  }

  begin(y: Float64Array, f: Float64Array): void {
    const { active, chainRate } = this;
    const { buyCostPerLot: cb, sellCostPerLot: ca } = this.costs;
    const n = y.length;
    active.fill(0);
    // Buy chains run upwards: level i holds h_{i+1} - cb; scan from the top.
    for (let i = n - 2; i >= 0; i--) {
      const rate = active[i + 1] === 1 ? chainRate[i + 1]! : f[i + 1]!;
      if (y[i + 1]! - cb >= y[i]! - 1e-12 * (1 + Math.abs(y[i]!)) && f[i]! <= rate) {
        active[i] = 1;
        chainRate[i] = rate;
      }
    }
    // Sell chains run downwards: level i holds h_{i-1} - ca; scan from the bottom.
    for (let i = 1; i < n; i++) {
      if (active[i] !== 0) continue;
      const rate = active[i - 1] === -1 ? chainRate[i - 1]! : f[i - 1]!;
      if (y[i - 1]! - ca >= y[i]! - 1e-12 * (1 + Math.abs(y[i]!)) && f[i]! <= rate) {
        active[i] = -1;
        chainRate[i] = rate;
      }
    }
  }

  finish(y: Float64Array): void {
    projectTaker(y, this.costs);
  }
}
