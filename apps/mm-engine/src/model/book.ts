/** One price level: `[price, size]`, price units and base size. */
export type BookLevel = readonly [price: number, size: number];

/** A book snapshot on the engine clock (`tMs`, milliseconds). */
export interface BookEvent {
  tMs: number;
  bids: ReadonlyArray<BookLevel>;
  asks: ReadonlyArray<BookLevel>;
}
