import type { Control } from '@mm/hjb-core';
import type { QuoteIntent } from '../model/quote.js';

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
