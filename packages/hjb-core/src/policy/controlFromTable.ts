import type { QuoteTable } from '../exact/QuoteTable.js';
import type { Control } from './Policy.js';

/**
 * The control at inventory `q` read from a solved table. Inventory beyond the grid is clamped
 * to the nearest bound (the risk gate, not the policy, enforces limits).
 */
export function controlFromTable(
  table: QuoteTable,
  inventoryLots: number,
  midPrice: number,
): Control {
  const qMax = table.qMax;
  const q = Math.round(inventoryLots);
  const i = Math.min(qMax, Math.max(-qMax, q)) + qMax;
  const bidDeltaPrice = table.bidDelta[i]!;
  const askDeltaPrice = table.askDelta[i]!;
  const code = table.take[i]!;
  return {
    bidDeltaPrice,
    askDeltaPrice,
    bidDeltaBps: (bidDeltaPrice * 1e4) / midPrice,
    askDeltaBps: (askDeltaPrice * 1e4) / midPrice,
    take: code > 0 ? 'buy' : code < 0 ? 'sell' : null,
    takerBuyRatePerSec: 0,
    takerSellRatePerSec: 0,
  };
}
