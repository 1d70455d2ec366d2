import type { VenuePositions } from '../venues/Venue.js';

/** One (venue, asset) comparison. Base units unless named otherwise. */
export interface DriftRow {
  venue: string;
  asset: string;
  /** Position per the ledger (the portfolio's fills on this venue). */
  ledgerBase: number;
  /** Position the venue reports (missing = 0). */
  venueBase: number;
  /** `venueBase - ledgerBase`. */
  driftBase: number;
  /** `driftBase` in lots of the asset; `NaN` when `lotSizeBase` has no valid entry for it. */
  driftLots: number;
  /**
   * `|driftLots| > toleranceLots` (without a lot size: any non-zero drift); also `true` for a
   * non-finite venue position.
   */
  exceeds: boolean;
}

/** One venue's own report of its positions (venues whose call failed are left out). */
export interface VenuePositionsReport {
  venue: string;
  positions: VenuePositions;
}

/** The ledger side: `Portfolio` (venue -> asset -> signed position, base units). */
export interface LedgerPositions {
  venuePositions(): Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface ReconcileOptions {
  /** Base amount of one lot per asset; these assets are always compared. */
  lotSizeBase: Readonly<Record<string, number>>;
  /** Drift allowed before `exceeds`, lots (>= 0). */
  toleranceLots: number;
}

/** Drift below this (relative to the positions) is rounding noise and counts as none. */
const NOISE_EPS = 1e-9;

/**
 * Compares the ledger's per-venue positions (the portfolio's) with each venue's own report. Pure.
 * For every reported venue, the assets compared are those of `options.lotSizeBase` and those the
 * ledger holds on that venue; other assets a venue reports (balances the engine never trades) are
 * ignored. Venues without a report are not compared. Rows in report order, then by asset.
 */
export function reconcilePositions(
  ledger: LedgerPositions,
  reports: readonly VenuePositionsReport[],
  options: ReconcileOptions,
): DriftRow[] {
  const { lotSizeBase, toleranceLots } = options;
  if (!(Number.isFinite(toleranceLots) && toleranceLots >= 0)) {
    throw new RangeError(`toleranceLots: expected a finite number >= 0, got ${toleranceLots}`);
  }
  const byVenue = ledger.venuePositions();
  const rows: DriftRow[] = [];
  for (const { venue, positions } of reports) {
    const reported = positions.baseByAsset;
    const held = byVenue[venue] ?? {};
    const assets = new Set([...Object.keys(lotSizeBase), ...Object.keys(held)]);
    for (const asset of [...assets].sort()) {
      const ledgerBase = held[asset] ?? 0;
      const venueBase = reported[asset] ?? 0;
      let driftBase = venueBase - ledgerBase;
      if (Math.abs(driftBase) <= NOISE_EPS * Math.max(Math.abs(venueBase), Math.abs(ledgerBase))) {
        driftBase = 0;
      }
      const lot = lotSizeBase[asset];
      const validLot = lot !== undefined && Number.isFinite(lot) && lot > 0;
      const driftLots = validLot ? driftBase / lot : Number.NaN;
      const exceeds = validLot
        ? !(Math.abs(driftLots) <= toleranceLots * (1 + NOISE_EPS))
        : !(driftBase === 0);
      rows.push({ venue, asset, ledgerBase, venueBase, driftBase, driftLots, exceeds });
    }
  }
  return rows;
}

/** The rows that exceed the tolerance (what the engine alarms on). */
export const driftAlarms = (rows: readonly DriftRow[]): DriftRow[] => rows.filter((r) => r.exceeds);
