import type { LiveOrder, LiveQuotes } from '../model/liveQuotes.js';
import type { OrderAction } from '../model/orderAction.js';
import type { QuoteIntent, QuoteSide } from '../model/quote.js';

export interface DiffInput {
  asset: string;
  desired: QuoteIntent;
  live: LiveQuotes;
  /** Price increment, price units. */
  tickSize: number;
  /** A live order within this many ticks of the desired price (same size) is left alone. */
  toleranceTicks: number;
  /** Next client order id sequence number of this asset. */
  nextSeq: number;
}

export interface DiffResult {
  actions: OrderAction[];
  /** The live quotes once the actions are acknowledged. */
  live: LiveQuotes;
  nextSeq: number;
}

const EPS = 1e-9;

/** Round a price to ticks, away from the mid: bids down, asks up. */
export function priceToTicks(side: QuoteSide, price: number, tickSize: number): number {
  const ticks = price / tickSize;
  return side === 'bid' ? Math.floor(ticks + EPS) : Math.ceil(ticks - EPS);
}

/** Price of a whole number of ticks, without binary noise (0.1 * 3 = 0.3). */
export function ticksToPrice(ticks: number, tickSize: number): number {
  const decimals = Math.max(0, Math.ceil(-Math.log10(tickSize) - EPS)) + 2;
  return Number((ticks * tickSize).toFixed(Math.min(decimals, 15)));
}

/**
 * Diff desired quotes against live ones, per side: nothing when both are absent or the live order
 * is within `toleranceTicks` with the same whole-lot size; `cancel` when the side is no longer
 * wanted (or rounds to zero lots); `place` when nothing rests; `replace` otherwise. Client order
 * ids are `${asset}-${side}-${seq}`, `seq` increasing per asset.
 */
export function diffQuotes(input: DiffInput): DiffResult {
  const actions: OrderAction[] = [];
  const live: { bid: LiveOrder | null; ask: LiveOrder | null } = { ...input.live };
  let seq = input.nextSeq;
  for (const side of ['bid', 'ask'] as const) {
    const want = input.desired[side];
    const have = input.live[side];
    const sizeLots = want ? Math.floor(want.sizeLots + EPS) : 0;
    if (!want || sizeLots <= 0) {
      if (have) {
        actions.push({
          kind: 'cancel',
          asset: input.asset,
          side,
          clientOrderId: have.clientOrderId,
        });
        live[side] = null;
      }
      continue;
    }
    const priceTicks = priceToTicks(side, want.price, input.tickSize);
    if (
      have &&
      have.sizeLots === sizeLots &&
      Math.abs(have.priceTicks - priceTicks) <= input.toleranceTicks
    ) {
      continue;
    }
    const clientOrderId = `${input.asset}-${side}-${seq++}`;
    const price = ticksToPrice(priceTicks, input.tickSize);
    actions.push(
      have
        ? {
            kind: 'replace',
            asset: input.asset,
            side,
            clientOrderId,
            replacesClientOrderId: have.clientOrderId,
            price,
            sizeLots,
          }
        : { kind: 'place', asset: input.asset, side, clientOrderId, price, sizeLots },
    );
    live[side] = { clientOrderId, priceTicks, price, sizeLots };
  }
  return { actions, live, nextSeq: seq };
}
