import type { AssetSnapshot } from '@mm/contracts';

/** What the snapshot of one asset is built from. */
export interface AssetSnapshotInput {
  asset: string;
  /** Latest mid, price units (`NaN` before the first book: the asset is left out). */
  midPrice: number;
  /** Best resting bid and ask over the asset's venues (price units, lots). */
  bid: { price: number; lots: number } | null;
  ask: { price: number; lots: number } | null;
  inventoryLots: number;
  realizedQuote: number;
  unrealizedQuote: number;
}

/**
 * The `snapshot` payload: one entry per asset with a mid, best quotes across venues, portfolio
 * inventory and P&L. Assets without a valid mid yet are left out (the contract needs mid > 0).
 */
export function buildSnapshot(inputs: ReadonlyArray<AssetSnapshotInput>): {
  assets: AssetSnapshot[];
} {
  const assets: AssetSnapshot[] = [];
  for (const a of inputs) {
    if (!(a.midPrice > 0 && Number.isFinite(a.midPrice))) continue;
    assets.push({
      asset: a.asset,
      mid: a.midPrice,
      quotes: { bid: a.bid, ask: a.ask },
      inventoryLots: a.inventoryLots,
      pnl: { realized: a.realizedQuote, unrealized: a.unrealizedQuote },
    });
  }
  return { assets };
}

/** The better of two resting quotes on one side (higher bid, lower ask). */
export function betterQuote(
  side: 'bid' | 'ask',
  a: { price: number; lots: number } | null,
  b: { price: number; lots: number } | null,
): { price: number; lots: number } | null {
  if (!a) return b;
  if (!b) return a;
  if (side === 'bid') return b.price > a.price ? b : a;
  return b.price < a.price ? b : a;
}
