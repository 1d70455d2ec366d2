import type { Logger } from '@mm/telemetry';
import { BehaviorSubject, firstValueFrom, type Observable, timeout } from 'rxjs';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import type { PortfolioInventory } from '../model/portfolioInventory.js';
import type { FillLedger } from '../portfolio/FillLedger.js';
import { Portfolio } from '../portfolio/Portfolio.js';
import { reconcilePositions, type VenuePositionsReport } from '../portfolio/reconcile.js';
import { type RecoveryVenue, recoverFills } from '../portfolio/recoverFills.js';
import type { Venue, VenueFill } from '../venues/Venue.js';
import { type FillOutcome, FillRecorder } from './fillRecorder.js';
import type { KillSwitch } from './killSwitch.js';
import { PendingLots } from './pendingLots.js';

/** How far before a venue's last recorded fill recovery asks the venue from, ms. */
export const RECOVERY_MARGIN_MS = 60_000;
/** Wait for a venue's first book (the mid a starting position is valued at), ms. */
const START_BOOK_TIMEOUT_MS = 10_000;

export interface InventoryBookOptions {
  ledger: FillLedger;
  /** Base units per lot of each configured asset. */
  lotSizeBase: Readonly<Record<string, number>>;
  /** Latest mid per asset, price units (marks the inventory notional). */
  midPrices: () => Readonly<Record<string, number>>;
  /**
   * A fill is durable and in the portfolio: update orders, metrics and the bus. Runs before the
   * new inventory is published.
   */
  onApplied: (fill: VenueFill) => void;
  /** Pulled while the ledger is unreachable (source `ledger`). */
  killSwitch: KillSwitch;
  metrics: EngineMetrics;
  log: Logger;
  /** Retry delays and timer of the recorder (tests). */
  recorder?: { retryDelayMs?: (attempt: number) => number; sleep?: (ms: number) => Promise<void> };
}

/**
 * The engine's inventory: the fill ledger, the portfolio rebuilt from it at start-up (with the
 * fills venues report since), the recorder that makes each new fill durable before it counts,
 * and the fills received but not yet durable (pending exposure). Every pipeline reads one
 * `inventory$`: the portfolio's lots and notional plus the pending lots per asset.
 */
export class InventoryBook {
  private portfolioState = new Portfolio();
  private readonly pending: PendingLots;
  private readonly inventory = new BehaviorSubject<PortfolioInventory>({
    lotsByAsset: {},
    grossNotional: 0,
  });
  private recorder: FillRecorder | undefined;
  /** Fills received before recovery finished (recorded right after it). */
  private readonly earlyFills: VenueFill[] = [];
  private applied = 0;
  private receivedCount = 0;

  constructor(private readonly options: InventoryBookOptions) {
    this.pending = new PendingLots(options.lotSizeBase);
  }

  get ledger(): FillLedger {
    return this.options.ledger;
  }

  get portfolio(): Portfolio {
    return this.portfolioState;
  }

  /** The shared inventory every pipeline reads (current value on subscribe). */
  get inventory$(): Observable<PortfolioInventory> {
    return this.inventory;
  }

  /** Inventory of `asset` over every venue, lots, fills not yet durable included. */
  totalLots(asset: string): number {
    const lot = this.options.lotSizeBase[asset] ?? 1;
    return this.portfolioState.inventoryLots(asset, lot) + (this.pending.byAsset()[asset] ?? 0);
  }

  /** Inventory of `asset` on `venue` per the portfolio, lots. */
  venueLots(venue: string, asset: string): number {
    return (
      this.portfolioState.venuePositionBase(venue, asset) / (this.options.lotSizeBase[asset] ?? 1)
    );
  }

  /**
   * At start the venues' positions are the starting inventory (a sim venue's
   * `initialPositionLots` when its ledger is empty, an account's holdings): where a venue's
   * position differs from the ledger's, the difference is logged and opened in the portfolio at
   * the asset's first mid on that venue (call after `recover`, before quoting).
   */
  async adoptVenuePositions(
    venues: ReadonlyArray<Venue>,
    venueAssets: (venue: string) => readonly string[],
  ): Promise<void> {
    const { lotSizeBase, log } = this.options;
    for (const venue of venues) {
      const positions = await venue.positions();
      const rows = reconcilePositions(this.portfolioState, [{ venue: venue.name, positions }], {
        lotSizeBase,
        toleranceLots: 0,
      });
      for (const r of rows) {
        if (r.driftBase === 0 || !venueAssets(venue.name).includes(r.asset)) continue;
        const book = await firstValueFrom(
          venue.books(r.asset).pipe(timeout({ first: START_BOOK_TIMEOUT_MS })),
        );
        const mid = (book.bids[0]![0] + book.asks[0]![0]) / 2;
        this.portfolioState.openPosition(venue.name, r.asset, r.driftBase, mid);
        const lot = lotSizeBase[r.asset] ?? 1;
        log.warn(
          {
            venue: venue.name,
            asset: r.asset,
            ledgerLots: r.ledgerBase / lot,
            venueLots: r.venueBase / lot,
            midPrice: mid,
          },
          "venue position differs from the ledger: the venue's is the starting inventory",
        );
      }
    }
    this.refresh();
  }

  /** Fills applied to the portfolio since start (recovered ones not counted). */
  get fillsRecorded(): number {
    return this.applied;
  }

  /** Fills queued in the recorder and not yet durable. */
  get queued(): number {
    return this.recorder?.queued ?? 0;
  }

  /** Signed position per venue and asset from the ledger, base units (before recovery). */
  async ledgerPositions(): Promise<Map<string, Record<string, number>>> {
    const positions = new Map<string, Record<string, number>>();
    for (const f of await this.options.ledger.load()) {
      const p = positions.get(f.venue) ?? {};
      p[f.asset] = (p[f.asset] ?? 0) + (f.side === 'buy' ? f.sizeBase : -f.sizeBase);
      positions.set(f.venue, p);
    }
    return positions;
  }

  /**
   * Rebuild the portfolio from the ledger and the fills `venues` report since their last
   * recorded one, then start recording: fills received meanwhile are recorded now.
   */
  async recover(venues: ReadonlyArray<RecoveryVenue>): Promise<void> {
    const { log } = this.options;
    const recovered = await recoverFills({
      ledger: this.options.ledger,
      venues,
      marginMs: RECOVERY_MARGIN_MS,
    });
    this.portfolioState = recovered.portfolio;
    log.info(
      {
        loaded: recovered.loaded,
        recovered: recovered.recovered,
        duplicates: recovered.duplicates,
        corrupt: recovered.corrupt,
      },
      'fill ledger loaded',
    );
    this.refresh();
    this.recorder = new FillRecorder({
      ledger: this.options.ledger,
      apply: (fill) => this.apply(fill),
      onOutcome: (o) => this.onOutcome(o),
      onLedgerHealth: (h) => {
        if (h.up) {
          this.options.killSwitch.release('ledger');
          log.info('fill ledger reachable again: quoting resumes');
        } else {
          this.options.killSwitch.kill('ledger', h.error.message);
          log.error(
            { err: h.error.message },
            'fill ledger unreachable: quotes pulled, fills queued',
          );
        }
      },
      ...this.options.recorder,
    });
    // Fills that arrived while the ledger was being recovered (duplicates are dropped by the ledger).
    for (const fill of this.earlyFills.splice(0)) this.receive(fill);
  }

  /** A venue fill: pending exposure until the recorder has made it durable and applied it. */
  receive(fill: VenueFill): void {
    this.receivedCount++;
    if (!this.recorder) {
      this.earlyFills.push(fill);
      return;
    }
    if (Number.isFinite(fill.sizeBase)) {
      this.pending.note(fill, 1);
      this.refresh();
    }
    this.recorder.record(fill);
  }

  /** Fills received from the venues since start (durable or not). */
  get received(): number {
    return this.receivedCount;
  }

  /** No fill is waiting to become durable: the ledger has every fill received. */
  get settled(): boolean {
    return this.pending.isEmpty && (this.recorder?.queued ?? 0) === 0;
  }

  /** Resolves once every fill received so far is durable and applied. */
  async idle(): Promise<void> {
    await this.recorder?.idle();
  }

  /** Publish the inventory again (marks moved). */
  refresh(): void {
    this.inventory.next(this.snapshot());
  }

  /** The portfolio against the venues' own positions: drift gauges, an error log beyond 1e-6 lot. */
  reconcile(venuePositions: ReadonlyArray<VenuePositionsReport>): void {
    const rows = reconcilePositions(this.portfolioState, venuePositions, {
      lotSizeBase: this.options.lotSizeBase,
      toleranceLots: 1e-6,
    });
    for (const r of rows) {
      this.options.metrics.inventoryDrift.set({ asset: r.asset, venue: r.venue }, r.driftLots);
      if (r.exceeds) {
        this.options.log.error(
          {
            venue: r.venue,
            asset: r.asset,
            ledgerBase: r.ledgerBase,
            venueBase: r.venueBase,
            driftLots: r.driftLots,
          },
          'inventory drift: ledger and venue disagree',
        );
      }
    }
  }

  async close(): Promise<void> {
    await this.options.ledger.close().catch(() => {});
  }

  private snapshot(): PortfolioInventory {
    const inventory = this.portfolioState.snapshot(
      this.options.midPrices(),
      this.options.lotSizeBase,
    );
    return this.pending.isEmpty
      ? inventory
      : { ...inventory, pendingLotsByAsset: this.pending.byAsset() };
  }

  /** The recorder's `apply`: the fill is durable. */
  private apply(fill: VenueFill): void {
    this.pending.note(fill, -1);
    this.portfolioState.applyFill(fill);
    this.applied++;
    try {
      this.options.onApplied(fill);
    } finally {
      this.refresh();
    }
  }

  private onOutcome(o: FillOutcome): void {
    const { metrics, log } = this.options;
    // Applied (or failed while applying) fills left the pending lots in `apply`.
    if (o.kind === 'duplicate' || o.kind === 'invalid') {
      this.pending.note(o.fill, -1);
      this.refresh();
    }
    if (o.kind === 'invalid') {
      metrics.fillsInvalid.inc({ venue: o.fill.venue });
      log.error(
        { venue: o.fill.venue, fillId: o.fill.fillId, err: o.error.message },
        'fill rejected',
      );
    } else if (o.kind === 'duplicate') {
      log.debug({ venue: o.fill.venue, fillId: o.fill.fillId }, 'duplicate fill ignored');
    } else if (o.kind === 'applyFailed') {
      log.error(
        { venue: o.fill.venue, fillId: o.fill.fillId, err: o.error.message },
        'fill durable in the ledger, but applying it failed',
      );
    }
  }
}
