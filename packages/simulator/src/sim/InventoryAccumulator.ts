/**
 * Inventory statistics of a step path, accumulated one sample at a time (so a run need not keep
 * its path): inventory `q_i` holds from `t_i` to `t_{i+1}`; the last sample is an end point.
 * Same definitions, and the same floating-point operations in the same order, as evaluating the
 * stored series (`inventoryStats` of @mm/backtest).
 */
export interface InventoryIntegrals {
  /** Time-weighted mean of |q| over [t_0, t_last], lots (mean of the samples at zero duration). */
  meanAbsInventory: number;
  /** Largest |q| sampled, lots. */
  maxAbsInventory: number;
  /** Integral of q^2 dt, lots^2 seconds. */
  integratedSquaredInventory: number;
  /** t_last - t_0, seconds. */
  durationSec: number;
}

export class InventoryAccumulator {
  private samples = 0;
  private firstT = 0;
  private lastT = 0;
  private lastQ = 0;
  private absInt = 0;
  private sqInt = 0;
  private absSum = 0;
  private maxAbs = 0;

  /** The inventory `qLots` from `tSec` on (times non-decreasing). */
  add(tSec: number, qLots: number): void {
    if (this.samples === 0) this.firstT = tSec;
    else {
      const dt = tSec - this.lastT;
      this.absInt += Math.abs(this.lastQ) * dt;
      this.sqInt += this.lastQ * this.lastQ * dt;
    }
    const a = Math.abs(qLots);
    this.absSum += a;
    if (a > this.maxAbs) this.maxAbs = a;
    this.lastT = tSec;
    this.lastQ = qLots;
    this.samples++;
  }

  stats(): InventoryIntegrals {
    const durationSec = this.lastT - this.firstT;
    return {
      meanAbsInventory:
        durationSec > 0
          ? this.absInt / durationSec
          : this.samples > 0
            ? this.absSum / this.samples
            : 0,
      maxAbsInventory: this.maxAbs,
      integratedSquaredInventory: this.sqInt,
      durationSec,
    };
  }
}
