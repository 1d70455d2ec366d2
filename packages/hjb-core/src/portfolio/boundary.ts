import type { PortfolioQuote, PortfolioTaker, PortfolioVenueQuotes } from './PortfolioSpec.js';
import { ceilToTick, floorToTick, roundSizeLots, tickAbove, tickBelow } from './ticks.js';

/**
 * Execution at the boundary (DESIGN 3.8; issue 10 item 3): the one place where a model's depths
 * become orders a venue accepts. Engine, synthetic backtest and L2 replay all go through it.
 *
 * Per side: the price `mid -/+ depth` is rounded to the tick away from crossing (bid down, ask
 * up) and the size down to the venue's lot. A side at or through the opposite touch becomes an
 * IOC taker order (limit = the touch) when `take*IfCrossing` says so (the model's taker control),
 * else rests at the most aggressive passive price, one tick inside the opposite touch. The side
 * that reduces `|q|` always rests unless it was sent as a taker: with no model depth it joins its
 * own touch. A side whose fill would pass `qMaxLots` is not quoted.
 */
export interface BoundaryInput {
  assetIndex: number;
  venueIndex: number;
  /** Price units. */
  midPrice: number;
  /** Touch prices, price units; `NaN` when that side of the book is empty. */
  bestBid: number;
  bestAsk: number;
  tickSize: number;
  /** Inventory of the asset (all venues), lots; and its limit. */
  inventoryLots: number;
  qMaxLots: number;
  /** Wanted order size, lots of `assetLotSizeBase` units. */
  sizeLots: number;
  assetLotSizeBase: number;
  venueLotSizeBase: number;
  /** The model's distances from the mid, price units (`NaN`: the model leaves that side empty). */
  bidDepthPrice: number;
  askDepthPrice: number;
  /** The model's taker control: a crossing bid (ask) is sent as a taker buy (sell). */
  takeBidIfCrossing: boolean;
  takeAskIfCrossing: boolean;
}

/** Reusable quote slots for one asset and venue (the decision points into them). */
export interface QuoteSlots {
  bid: PortfolioQuote;
  ask: PortfolioQuote;
}

export function createQuoteSlots(): QuoteSlots {
  return {
    bid: { price: Number.NaN, sizeLots: 0, clamped: false },
    ask: { price: Number.NaN, sizeLots: 0, clamped: false },
  };
}

/** A blank input to fill in per call (one per policy, reused). */
export function createBoundaryInput(): BoundaryInput {
  return {
    assetIndex: 0,
    venueIndex: 0,
    midPrice: Number.NaN,
    bestBid: Number.NaN,
    bestAsk: Number.NaN,
    tickSize: 1,
    inventoryLots: 0,
    qMaxLots: 0,
    sizeLots: 0,
    assetLotSizeBase: 1,
    venueLotSizeBase: 1,
    bidDepthPrice: Number.NaN,
    askDepthPrice: Number.NaN,
    takeBidIfCrossing: false,
    takeAskIfCrossing: false,
  };
}

/** Slack on "at the touch", in ticks (prices equal up to representation error lock). */
const LOCK_TICKS = 1e-9;

/**
 * Place one asset's bid and ask on one venue: writes `out.bid` / `out.ask` (a slot or null) and
 * appends any taker orders to `takers` (reason `boundary`).
 */
export function placeQuotes(
  input: BoundaryInput,
  slots: QuoteSlots,
  out: PortfolioVenueQuotes,
  takers: PortfolioTaker[],
): void {
  const size = roundSizeLots(input.sizeLots, input.assetLotSizeBase, input.venueLotSizeBase);
  const q = input.inventoryLots;
  const limit = input.qMaxLots + 1e-9;
  out.bid = size > 0 && q + size <= limit ? placeBid(input, size, slots.bid, takers) : null;
  out.ask = size > 0 && q - size >= -limit ? placeAsk(input, size, slots.ask, takers) : null;
}

function placeBid(
  input: BoundaryInput,
  size: number,
  slot: PortfolioQuote,
  takers: PortfolioTaker[],
): PortfolioQuote | null {
  const { midPrice, bestBid, bestAsk, tickSize } = input;
  const reducing = input.inventoryLots < 0;
  let clamped = false;
  let price: number;
  if (Number.isNaN(input.bidDepthPrice)) {
    if (!reducing) return null;
    price = Number.isFinite(bestBid) ? floorToTick(bestBid, tickSize) : Number.NaN;
    if (Number.isNaN(price)) price = floorToTick(midPrice - tickSize, tickSize);
    clamped = true;
  } else price = floorToTick(midPrice - input.bidDepthPrice, tickSize);
  if (Number.isFinite(bestAsk) && price >= bestAsk - LOCK_TICKS * tickSize) {
    if (input.takeBidIfCrossing) {
      takers.push({
        assetIndex: input.assetIndex,
        venueIndex: input.venueIndex,
        side: 'buy',
        sizeLots: size,
        limitPrice: bestAsk,
        reason: 'boundary',
      });
      return null;
    }
    price = tickBelow(bestAsk, tickSize);
    clamped = true;
  }
  if (!(price > 0)) return null;
  slot.price = price;
  slot.sizeLots = size;
  slot.clamped = clamped;
  return slot;
}

function placeAsk(
  input: BoundaryInput,
  size: number,
  slot: PortfolioQuote,
  takers: PortfolioTaker[],
): PortfolioQuote | null {
  const { midPrice, bestBid, bestAsk, tickSize } = input;
  const reducing = input.inventoryLots > 0;
  let clamped = false;
  let price: number;
  if (Number.isNaN(input.askDepthPrice)) {
    if (!reducing) return null;
    price = Number.isFinite(bestAsk) ? ceilToTick(bestAsk, tickSize) : Number.NaN;
    if (Number.isNaN(price)) price = ceilToTick(midPrice + tickSize, tickSize);
    clamped = true;
  } else price = ceilToTick(midPrice + input.askDepthPrice, tickSize);
  if (Number.isFinite(bestBid) && price <= bestBid + LOCK_TICKS * tickSize) {
    if (input.takeAskIfCrossing) {
      takers.push({
        assetIndex: input.assetIndex,
        venueIndex: input.venueIndex,
        side: 'sell',
        sizeLots: size,
        limitPrice: bestBid,
        reason: 'boundary',
      });
      return null;
    }
    price = tickAbove(bestBid, tickSize);
    clamped = true;
  }
  if (!(price > 0)) return null;
  slot.price = price;
  slot.sizeLots = size;
  slot.clamped = clamped;
  return slot;
}
