import type { FeeModel, Role } from '../fees/FeeModel.js';
import type { Fill, FillCounts } from './SimulationResult.js';

/**
 * Cash, inventory and fees of one asset's trading, shared by the closed-loop simulation and the
 * L2 replay. One trade is one lot (`lotSizeBase` base units) at `price`; cash and fees in quote
 * currency, inventory in lots.
 */
export class TradeLedger {
  cash = 0;
  q = 0;
  feesTotal = 0;
  maxAbsQ = 0;
  readonly counts: FillCounts = { makerBuys: 0, makerSells: 0, takerBuys: 0, takerSells: 0 };
  readonly fills: Fill[] = [];

  constructor(
    private readonly lotSizeBase: number,
    private readonly fees: FeeModel,
    private readonly recordFills: boolean,
  ) {}

  /** Book one lot bought or sold at `price` as maker or taker, paying the fee model's fee. */
  trade(side: 'buy' | 'sell', role: Role, price: number, tSec: number): void {
    const notional = price * this.lotSizeBase;
    const fee = this.fees.feeQuote(role, Math.abs(notional));
    this.feesTotal += fee;
    if (side === 'buy') {
      this.cash -= notional + fee;
      this.q += 1;
      if (role === 'maker') this.counts.makerBuys++;
      else this.counts.takerBuys++;
    } else {
      this.cash += notional - fee;
      this.q -= 1;
      if (role === 'maker') this.counts.makerSells++;
      else this.counts.takerSells++;
    }
    const absQ = this.q < 0 ? -this.q : this.q;
    if (absQ > this.maxAbsQ) this.maxAbsQ = absQ;
    if (this.recordFills) this.fills.push({ tSec, side, role, price, lots: 1, feeQuote: fee });
  }
}
