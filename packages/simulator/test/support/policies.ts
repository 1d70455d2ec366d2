import {
  type AvellanedaStoikovParams,
  avellanedaStoikovQuote,
  type Control,
  type MarketState,
} from '@mm/hjb-core';
import type { QuotePolicy } from '../../src/index.js';

/** A control with the given distances (price units) and no taker action. */
export function quote(bidDeltaPrice: number, askDeltaPrice: number, midPrice = 100): Control {
  return {
    bidDeltaPrice,
    askDeltaPrice,
    bidDeltaBps: (bidDeltaPrice * 1e4) / midPrice,
    askDeltaBps: (askDeltaPrice * 1e4) / midPrice,
    take: null,
    takerBuyRatePerSec: 0,
    takerSellRatePerSec: 0,
  };
}

/** The same quotes at every decision. */
export function constantPolicy(bidDeltaPrice: number, askDeltaPrice: number): QuotePolicy {
  return { decide: (s: MarketState) => quote(bidDeltaPrice, askDeltaPrice, s.midPrice) };
}

/** Never quotes; returns `over` merged into an empty control (e.g. a take or taker rates). */
export function scriptedPolicy(script: (s: MarketState) => Partial<Control>): QuotePolicy {
  return { decide: (s) => ({ ...quote(Number.NaN, Number.NaN, s.midPrice), ...script(s) }) };
}

/**
 * Avellaneda-Stoikov (2008, section 4): the inventory strategy quotes around the reservation
 * price; the symmetric strategy quotes the same spread around the mid.
 */
export function avellanedaStoikovPolicy(
  params: Omit<AvellanedaStoikovParams, 'midPrice'>,
  strategy: 'inventory' | 'symmetric',
): QuotePolicy {
  return {
    decide(s: MarketState): Control {
      const q = avellanedaStoikovQuote(
        { ...params, midPrice: s.midPrice },
        s.inventoryLots,
        s.tSec,
      );
      return strategy === 'inventory'
        ? quote(q.bidDeltaPrice, q.askDeltaPrice, s.midPrice)
        : quote(q.spreadPrice / 2, q.spreadPrice / 2, s.midPrice);
    },
  };
}
