import type { VenueFill } from '../venues/Venue.js';

/** Below this many lots a pending total counts as zero (float residue of adding and removing). */
const ZERO_LOTS = 1e-9;

/**
 * Signed lots of fills received and not yet durable in the ledger, per asset: a buy adds
 * `sizeBase / lotSizeBase` lots, a sell subtracts them; each fill is added once when it arrives
 * and removed once when it leaves the recorder (applied, duplicate or invalid).
 */
export class PendingLots {
  private readonly lotsByAsset = new Map<string, number>();

  constructor(private readonly lotSizeBase: Readonly<Record<string, number>>) {}

  /** A fill arrived (`+1`) or left the recorder (`-1`). Non-finite sizes are never counted. */
  note(fill: VenueFill, direction: 1 | -1): void {
    if (!Number.isFinite(fill.sizeBase)) return;
    const lots =
      (fill.sizeBase / (this.lotSizeBase[fill.asset] ?? 1)) * (fill.side === 'buy' ? 1 : -1);
    const next = (this.lotsByAsset.get(fill.asset) ?? 0) + direction * lots;
    if (Math.abs(next) < ZERO_LOTS) this.lotsByAsset.delete(fill.asset);
    else this.lotsByAsset.set(fill.asset, next);
  }

  get isEmpty(): boolean {
    return this.lotsByAsset.size === 0;
  }

  /** Pending lots per asset (assets with none are absent). */
  byAsset(): Record<string, number> {
    return Object.fromEntries(this.lotsByAsset);
  }
}
