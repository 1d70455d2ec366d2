/** A resting order as the engine last sent it. */
export interface LiveOrder {
  clientOrderId: string;
  /** Price in whole ticks (exact), and in price units. */
  priceTicks: number;
  price: number;
  sizeLots: number;
}

/** The resting orders of one asset on one venue, per side. */
export interface LiveQuotes {
  bid: LiveOrder | null;
  ask: LiveOrder | null;
}

export const NO_LIVE_QUOTES: LiveQuotes = Object.freeze({ bid: null, ask: null });
