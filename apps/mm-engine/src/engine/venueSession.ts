import type { SchedulerLike, Subscription } from 'rxjs';
import type { EngineConfig } from '../config/engineConfigSchema.js';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import type { OrderAction } from '../model/orderAction.js';
import type { QuoteSide } from '../model/quote.js';
import { type OrderEvent, OrderManager } from '../orders/OrderManager.js';
import type { VenuePositionsReport } from '../portfolio/reconcile.js';
import type { Venue, VenueFill, VenueOrder } from '../venues/Venue.js';
import { tagAction } from './clientIds.js';
import { createVenue } from './createVenue.js';
import type { Logger } from './logger.js';

/** Rounds of "list open orders, cancel them" at shutdown before orders count as left open. */
export const SHUTDOWN_CANCEL_ATTEMPTS = 5;

export interface VenueSessionOptions {
  config: EngineConfig;
  /** Session tag prefixed to every client order id. */
  tag: string;
  scheduler: SchedulerLike;
  /** Epoch milliseconds. */
  nowMs: () => number;
  env: NodeJS.ProcessEnv;
  metrics: EngineMetrics;
  log: Logger;
  /** Every fill a venue reports. */
  onFill: (fill: VenueFill) => void;
  /** The order of (venue, asset, side) went away on the venue: the leg places it again. */
  onSideGone: (venue: string, asset: string, side: QuoteSide) => void;
}

/**
 * The connected venues: each venue with its order manager, its fill, order and trade streams,
 * the routing of the pipelines' order actions, order reconciliation, and the cancels at shutdown.
 */
export class VenueSession {
  private readonly venues = new Map<string, Venue>();
  private readonly managers = new Map<string, OrderManager>();
  private readonly subscriptions: Subscription[] = [];
  private readonly assets: ReadonlySet<string>;

  constructor(private readonly options: VenueSessionOptions) {
    this.assets = new Set(options.config.assets.map((a) => a.symbol));
  }

  /**
   * Connect every configured venue (simulated venues start at `positionsByVenue`, base units),
   * subscribe to its streams and cancel orders an earlier session left on the assets it quotes.
   */
  async open(positionsByVenue: ReadonlyMap<string, Record<string, number>>): Promise<void> {
    const { config, log, metrics } = this.options;
    const lotSizeBase = Object.fromEntries(config.assets.map((a) => [a.symbol, a.lotSizeBase]));
    for (const vc of config.venues) {
      const venue = await createVenue(vc, config.assets, {
        scheduler: this.options.scheduler,
        nowMs: this.options.nowMs,
        env: this.options.env,
        logger: log,
        initialPositionsBase: positionsByVenue.get(vc.name) ?? {},
      });
      await venue.connect();
      this.venues.set(vc.name, venue);
      this.subscriptions.push(
        venue.fills().subscribe({
          next: (fill) => this.options.onFill(fill),
          error: (e: unknown) =>
            log.error({ venue: vc.name, err: String(e) }, 'fill stream failed'),
        }),
        venue.orderUpdates().subscribe({
          next: (order) => this.onOrderUpdate(vc.name, order),
          error: (e: unknown) =>
            log.error({ venue: vc.name, err: String(e) }, 'order stream failed'),
        }),
      );
      for (const asset of this.venueAssets(vc.name)) {
        const bought = metrics.marketTrades.labels({ asset, venue: vc.name, side: 'buy' });
        const sold = metrics.marketTrades.labels({ asset, venue: vc.name, side: 'sell' });
        this.subscriptions.push(
          venue.trades(asset).subscribe({
            next: (t) => (t.takerSide === 'buy' ? bought : sold).inc(),
            error: (e: unknown) =>
              log.error({ venue: vc.name, asset, err: String(e) }, 'trade stream failed'),
          }),
        );
      }
      this.managers.set(
        vc.name,
        new OrderManager({
          venue,
          lotSizeBase: (asset: string) => lotSizeBase[asset] ?? 1,
          postOnly: config.orders.postOnly,
          maxOrdersPerSec: config.risk.maxOrdersPerSec,
          maxAttempts: config.orders.maxAttempts,
          retryBaseMs: config.orders.retryBaseMs,
          scheduler: this.options.scheduler,
          onEvent: (e) => this.onOrderEvent(vc.name, e),
        }),
      );
      // Orders left by an earlier session on the assets this engine quotes are not ours to keep.
      for (const asset of this.venueAssets(vc.name)) {
        const open = await venue.openOrders(asset);
        if (open.length > 0) {
          log.warn({ venue: vc.name, asset, count: open.length }, 'canceling orders left open');
          await venue.cancelAll(asset);
        }
      }
      log.info({ venue: vc.name, kind: vc.kind, mode: vc.mode }, 'venue connected');
    }
  }

  /** Connected venue names, in config order. */
  names(): string[] {
    return [...this.venues.keys()];
  }

  venue(name: string): Venue | undefined {
    return this.venues.get(name);
  }

  /** Every connected venue, in config order. */
  all(): Venue[] {
    return [...this.venues.values()];
  }

  /** Assets the engine quotes on `venue`. */
  venueAssets(venue: string): string[] {
    const vc = this.options.config.venues.find((v) => v.name === venue);
    if (!vc) return [];
    const listed = vc.kind === 'ccxt' ? Object.keys(vc.symbols) : [...this.assets];
    return (vc.assets ?? listed).filter((a) => this.assets.has(a));
  }

  /** Resting quote prices of `asset` on `venue` (`null` for a side without an order). */
  liveQuotes(venue: string, asset: string): { bid: number | null; ask: number | null } {
    const live = this.managers.get(venue)?.live(asset);
    return { bid: live?.bid?.price ?? null, ask: live?.ask?.price ?? null };
  }

  /** Send a pipeline's order action to the venue's order manager (client ids session-tagged). */
  route(venue: string, action: OrderAction): void {
    const manager = this.managers.get(venue);
    if (!manager) return;
    const { metrics, log } = this.options;
    metrics.orderActions.inc({ asset: action.asset, venue, kind: action.kind });
    if (action.kind === 'cancelAll') {
      manager
        .cancelAll(action.asset)
        .catch((e: unknown) =>
          log.error({ venue, asset: action.asset, err: String(e) }, 'cancel-all failed'),
        );
      return;
    }
    manager.submit(tagAction(action, this.options.tag));
  }

  /**
   * Send an IOC taker order (a hedge, or a quote the boundary sent across) through `venue`'s order
   * manager and its rate limit; the venue's answer, or `null` when refused or failed.
   */
  async take(
    venue: string,
    order: {
      asset: string;
      clientOrderId: string;
      side: 'buy' | 'sell';
      limitPrice: number;
      sizeLots: number;
    },
  ): Promise<VenueOrder | null> {
    return (await this.managers.get(venue)?.take(order)) ?? null;
  }

  /** A durable fill: its order manager forgets a filled order, and the leg re-places that side. */
  onDurableFill(fill: VenueFill): void {
    const manager = this.managers.get(fill.venue);
    if (!manager) return;
    manager.onFill(fill);
    const side: QuoteSide = fill.side === 'buy' ? 'bid' : 'ask';
    if (manager.live(fill.asset)[side] === null)
      this.options.onSideGone(fill.venue, fill.asset, side);
  }

  /**
   * Each venue's own positions, after reconciling its open orders with its order manager; venues
   * that cannot answer are left out (logged).
   */
  async positions(): Promise<VenuePositionsReport[]> {
    const reports: VenuePositionsReport[] = [];
    for (const [name, venue] of this.venues) {
      try {
        reports.push({ venue: name, positions: await venue.positions() });
        await this.managers.get(name)?.reconcile();
      } catch (e) {
        this.options.log.warn(
          { venue: name, err: String(e) },
          'reconciliation skipped: venue unavailable',
        );
      }
    }
    return reports;
  }

  /**
   * Cancel every order on every venue and check none is left (up to `SHUTDOWN_CANCEL_ATTEMPTS`
   * rounds); returns the orders still open, a venue that cannot confirm counting one.
   */
  async cancelEverything(): Promise<number> {
    const { log } = this.options;
    let leftoverOrders = 0;
    for (const [name, venue] of this.venues) {
      const manager = this.managers.get(name);
      const assets = this.venueAssets(name);
      try {
        await manager?.cancelAll();
        await manager?.drain();
        for (let attempt = 1; attempt <= SHUTDOWN_CANCEL_ATTEMPTS; attempt++) {
          const open = (await venue.openOrders()).filter((o) => assets.includes(o.asset));
          if (open.length === 0) break;
          if (attempt === SHUTDOWN_CANCEL_ATTEMPTS) {
            leftoverOrders += open.length;
            log.error(
              { venue: name, open: open.map((o) => o.clientOrderId) },
              'orders left open after shutdown',
            );
            break;
          }
          for (const a of assets) await venue.cancelAll(a);
        }
      } catch (e) {
        leftoverOrders += 1;
        log.error({ venue: name, err: String(e) }, 'could not confirm orders canceled');
      }
    }
    return leftoverOrders;
  }

  /** Stop listening to the venues' streams. */
  unsubscribe(): void {
    for (const s of this.subscriptions.splice(0)) s.unsubscribe();
  }

  async close(): Promise<void> {
    for (const venue of this.venues.values()) await venue.close().catch(() => {});
  }

  private onOrderUpdate(venue: string, order: VenueOrder): void {
    const gone = this.managers.get(venue)?.onOrderUpdate(order) ?? null;
    if (gone !== null) this.options.onSideGone(venue, order.asset, gone);
    if (order.status === 'rejected' || order.status === 'canceled') {
      this.options.log.debug(
        { venue, order: order.clientOrderId, status: order.status },
        'order update',
      );
    }
  }

  private onOrderEvent(venue: string, e: OrderEvent): void {
    const { metrics, log } = this.options;
    metrics.onOrderEvent(venue, e);
    if ((e.kind === 'rejected' || e.kind === 'failed') && e.asset !== null && e.side !== null) {
      this.options.onSideGone(venue, e.asset, e.side);
    }
    if (e.kind === 'rejected' || e.kind === 'failed') {
      log.warn({ venue, ...e }, `order ${e.kind}`);
    } else {
      log.debug({ venue, ...e }, `order ${e.kind}`);
    }
  }
}
