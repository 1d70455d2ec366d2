import type { Side } from '../intensity/bookAwareIntensity.js';

/** Parameters of the seed's `ValueFunction`. */
export interface NoTradeValueParams {
  /** Running inventory penalty `phi`, price units per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Terminal time `T`, seconds. */
  horizonSec: number;
}

/**
 * The seed's `ValueFunction` on the reduced objective: the value of never trading again,
 * `h(q, t) = -phi q^2 (T - t)`, price units per lot; the remaining time is floored at 0, so
 * `h = 0` from `T` on.
 */
export class NoTradeValue {
  readonly phiPerLot2Sec: number;
  readonly horizonSec: number;

  constructor(params: NoTradeValueParams) {
    const { phiPerLot2Sec, horizonSec } = params;
    if (!(phiPerLot2Sec >= 0) || !Number.isFinite(phiPerLot2Sec))
      throw new RangeError(`phiPerLot2Sec must be finite and >= 0, got ${phiPerLot2Sec}`);
    if (!(horizonSec > 0) || !Number.isFinite(horizonSec))
      throw new RangeError(`horizonSec must be finite and > 0, got ${horizonSec}`);
    this.phiPerLot2Sec = phiPerLot2Sec;
    this.horizonSec = horizonSec;
  }

  /** `h(q, t)`, price units per lot. */
  value(inventoryLots: number, tSec: number): number {
    const remainingSec = Math.max(this.horizonSec - tSec, 0);
    return -this.phiPerLot2Sec * inventoryLots * inventoryLots * remainingSec;
  }

  /**
   * Marginal value of a fill, price units per lot: `h(q+1) - h(q)` for a bid fill (we buy),
   * `h(q-1) - h(q)` for an ask fill (we sell).
   */
  delta(inventoryLots: number, side: Side, tSec: number): number {
    const next = side === 'bid' ? inventoryLots + 1 : inventoryLots - 1;
    return this.value(next, tSec) - this.value(inventoryLots, tSec);
  }
}
