/** A side of our resting quotes. */
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
