/** The one portfolio inventory every pipeline shares (maintained from fills elsewhere). */
export interface PortfolioInventory {
  /** Inventory per asset symbol, lots (missing = 0). */
  lotsByAsset: Readonly<Record<string, number>>;
  /** Gross notional of the whole portfolio, quote currency. */
  grossNotional: number;
  /**
   * Fills received but not yet durable in the ledger, lots per asset (missing = 0). Inventory
   * changes only once a fill is recorded; the risk gate checks limits against inventory plus
   * these, so a quote is never sized on a position that is already exceeded.
   */
  pendingLotsByAsset?: Readonly<Record<string, number>>;
}
