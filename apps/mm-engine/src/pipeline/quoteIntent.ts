import type { Control } from '@mm/hjb-core';

export type QuoteSide = 'bid' | 'ask';

/** One desired resting quote: price units and lots. */
export interface Quote {
  price: number;
  sizeLots: number;
}

/** What the asset wants resting now; `null` means no quote on that side. */
export interface QuoteIntent {
  bid: Quote | null;
  ask: Quote | null;
}

export const NO_QUOTES: QuoteIntent = Object.freeze({ bid: null, ask: null });

/** Turn a policy's control (distances from the mid) into resting quotes of `sizeLots` each. */
export function intentFromControl(
  control: Control,
  midPrice: number,
  sizeLots: number,
): QuoteIntent {
  const bid = midPrice - control.bidDeltaPrice;
  const ask = midPrice + control.askDeltaPrice;
  return {
    bid: Number.isNaN(control.bidDeltaPrice) ? null : { price: bid, sizeLots },
    ask: Number.isNaN(control.askDeltaPrice) ? null : { price: ask, sizeLots },
  };
}
