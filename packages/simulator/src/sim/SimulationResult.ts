import type { Role } from '../fees/FeeModel.js';
import type { InventoryIntegrals } from './InventoryAccumulator.js';

/** One fill of ours. */
export interface Fill {
  /** Time, seconds (the start of the step segment the fill fell in). */
  tSec: number;
  /** Our side: `buy` (a bid filled, or we lifted the ask) or `sell`. */
  side: 'buy' | 'sell';
  role: Role;
  /** Price, price units. */
  price: number;
  lots: number;
  /** Fee paid, quote currency (negative: rebate received). */
  feeQuote: number;
}

/** Fills by side and role. */
export interface FillCounts {
  makerBuys: number;
  makerSells: number;
  takerBuys: number;
  takerSells: number;
}

/**
 * The recorded path, one entry per recorded step (state at the start of the step, after the
 * decision) plus the final state; quotes are the absolute prices decided at that step (`NaN`: no
 * quote; the final entry repeats the last decided quotes).
 */
export interface SimulationPath {
  tSec: Float64Array;
  midPrice: Float64Array;
  inventoryLots: Float64Array;
  cashQuote: Float64Array;
  /** Mark-to-mid P&L: `cash + q * mid * lotSize`, quote currency. */
  pnlQuote: Float64Array;
  bidPrice: Float64Array;
  askPrice: Float64Array;
  /** Regime of the mid model (0 for single-regime models). */
  regime: Int32Array;
}

/** The trading totals of a run (closed loop or replay), as its `TradeLedger` kept them. */
export interface TradingTotals {
  lotSizeBase: number;
  /** Final cash, quote currency (started at 0). */
  cashQuote: number;
  /** Final inventory, lots (started at 0). */
  inventoryLots: number;
  /** Final mid, price units (`NaN` if none was seen). */
  midPrice: number;
  /** Final mark-to-mid P&L: `cash + q * mid * lotSize`, quote currency. */
  pnlQuote: number;
  /** Total fees paid, quote currency (negative: net rebates). */
  feesQuote: number;
  maxAbsInventoryLots: number;
  decisions: number;
  counts: FillCounts;
  /** Every fill, in time order (empty when `recordFills` is false). */
  fills: Fill[];
}

/** What a simulated run of one asset produced. */
export interface SimulationResult extends TradingTotals {
  seed: number;
  dtSec: number;
  steps: number;
  horizonSec: number;
  /** Inventory statistics over every step (kept even without a stored path). */
  inventory: InventoryIntegrals;
  path: SimulationPath | null;
}
