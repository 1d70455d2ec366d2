import { Observable, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import type { AssetConfig, EngineConfig } from '../config/engineConfigSchema.js';
import { portfolioModelOf } from '../config/portfolioConfigSchema.js';
import { PortfolioQuoting } from '../decision/portfolioQuoting.js';
import { bookLayout } from '../decision/portfolioSpecOf.js';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import type { AssetState } from '../model/assetState.js';
import type { BookEvent } from '../model/book.js';
import type { PortfolioInventory } from '../model/portfolioInventory.js';
import type { QuoteSide } from '../model/quote.js';
import { assetPipeline } from '../pipeline/assetPipeline.js';
import type { InventoryBook } from './inventoryBook.js';
import type { KillSwitch } from './killSwitch.js';
import type { Logger } from './logger.js';
import type { ModelRegistry } from './modelRegistry.js';
import type { SwappablePolicy } from './policyFromConfig.js';
import type { VenueSession } from './venueSession.js';

/** One asset quoted on one venue: a pipeline and its subscription. */
interface Leg {
  asset: AssetConfig;
  venue: string;
  policy: SwappablePolicy;
  subscription: Subscription | undefined;
  /** Reasons the risk gate pulled quotes at the last decision (for stale-data edges). */
  lastReasons: ReadonlySet<string>;
  /** The state of the last decision (a new object per book). */
  lastState: AssetState | undefined;
  /** Sides whose order went away on the venue (filled, rejected): placed again at the next decision. */
  resync: Subject<QuoteSide>;
}

export interface QuotingLegsOptions {
  config: EngineConfig;
  session: VenueSession;
  models: ModelRegistry;
  inventory$: Observable<PortfolioInventory>;
  /** Inventory summed over venues and per venue, for the portfolio decision. */
  book: Pick<InventoryBook, 'totalLots' | 'venueLots'>;
  /** Session tag (prefix of taker orders' client ids). */
  tag: string;
  killSwitch: KillSwitch;
  scheduler: SchedulerLike;
  metrics: EngineMetrics;
  log: Logger;
  /** Each tick-to-quote time, seconds (benchmarks; the histogram metric is always fed). */
  onTickToQuote?: (asset: string, seconds: number) => void;
}

/**
 * The decision path: one pipeline per (asset, venue) the session quotes, all sharing the one
 * portfolio inventory and the kill switch, each routing its order actions to its venue. Also the
 * market view they produce: each asset's latest mid and volatility.
 */
export class QuotingLegs {
  private readonly legs: Leg[] = [];
  private readonly mids = new Map<string, number>();
  /** Latest EWMA volatility per asset, price units per sqrt(second). */
  private readonly vols = new Map<string, number>();

  /** The portfolio decision every leg quotes from (after `start`). */
  portfolio: PortfolioQuoting | undefined;

  constructor(private readonly options: QuotingLegsOptions) {}

  /**
   * The portfolio decision (issue 10): `portfolio.model` (`multi` by default with 2+ assets), or
   * `independent` (each asset's own policy) without a `portfolio` section, as before; either way
   * through hjb-core's one boundary module, so no quote crosses the book.
   */
  private buildPortfolio(): PortfolioQuoting {
    const { config, session, models, book, killSwitch, metrics, log } = this.options;
    const layout = bookLayout(config, (v) => session.venueAssets(v));
    const model = portfolioModelOf(config.portfolio, layout.assets.length) ?? 'independent';
    const quoting = new PortfolioQuoting({
      config,
      layout,
      model,
      assetPolicies: layout.assets.map((a) => models.policyFor(a)),
      inventory: { totalLots: (a) => book.totalLots(a), venueLots: (v, a) => book.venueLots(v, a) },
      take: (venue, order) => session.take(venue, order),
      mayTrade: (asset) => !killSwitch.isAssetKilled(asset),
      tag: this.options.tag,
      metrics,
      log,
    });
    log.info(
      { model, assets: layout.assets, hedging: quoting.spec.hedging.enabled },
      'portfolio decision',
    );
    return quoting;
  }

  /** Build and subscribe every leg (the session clock's now is the session start). */
  start(): void {
    const { config, session, models, scheduler, metrics, log } = this.options;
    const assets = new Map(config.assets.map((a) => [a.symbol, a]));
    const sessionStartMs = scheduler.now();
    const portfolio = this.buildPortfolio();
    this.portfolio = portfolio;
    for (const venueName of session.names()) {
      for (const symbol of session.venueAssets(venueName)) {
        const asset = assets.get(symbol);
        if (!asset) continue;
        const leg: Leg = {
          asset,
          venue: venueName,
          policy: models.policyFor(symbol),
          subscription: undefined,
          lastReasons: new Set(),
          lastState: undefined,
          resync: new Subject<QuoteSide>(),
        };
        const venue = session.venue(venueName)!;
        const market = venue.market(symbol);
        const pipeline = assetPipeline({
          asset: {
            symbol,
            tickSize: Math.max(asset.tickSize, market.tickSize),
            lotSizeBase: asset.lotSizeBase,
            quoteSizeLots: asset.quoteSizeLots,
          },
          book$: this.timedBooks(symbol, venueName, venue.books(symbol)),
          inventory$: this.options.inventory$,
          killSwitch$: this.options.killSwitch.forAsset(symbol),
          policy: leg.policy,
          quote: portfolio.quoteFor(symbol, venueName, Math.max(asset.tickSize, market.tickSize)),
          limits: {
            positionLimitLots: asset.positionLimitLots ?? config.risk.positionLimitLots,
            portfolioNotionalLimit: config.risk.portfolioNotionalLimit,
            staleDataTimeoutMs: config.risk.staleDataTimeoutMs,
            priceBandBps: config.risk.priceBandBps,
          },
          toleranceTicks: config.replaceToleranceTicks,
          sessionStartMs,
          scheduler,
          resync$: leg.resync,
          onDecision: (decision, state) => {
            portfolio.afterGate(symbol, venueName, decision.reasons.length > 0);
            this.onDecision(leg, decision.reasons, state);
          },
          onRestart: (error: string) => {
            metrics.pipelineRestarts.inc({ asset: symbol, venue: venueName });
            log.error(
              { asset: symbol, venue: venueName, err: error },
              'pipeline failed: quotes pulled, restarting',
            );
          },
        });
        leg.subscription = pipeline.subscribe({
          next: (action) => session.route(venueName, action),
          error: (e: unknown) =>
            log.error({ asset: symbol, venue: venueName, err: String(e) }, 'pipeline ended'),
        });
        this.legs.push(leg);
      }
    }
  }

  get count(): number {
    return this.legs.length;
  }

  /** Latest mid per asset, price units (assets without a valid book yet are absent). */
  midPrices(): Record<string, number> {
    return Object.fromEntries(this.mids);
  }

  /** Latest mid of `asset`, price units (`NaN` before its first valid book). */
  midPrice(asset: string): number {
    return this.mids.get(asset) ?? Number.NaN;
  }

  /** Latest EWMA volatility of `asset`, price units per sqrt(second) (`NaN` before two books). */
  volPerSqrtSec(asset: string): number {
    return this.vols.get(asset) ?? Number.NaN;
  }

  /** Resting quote prices of `asset` on each venue that quotes it. */
  quotes(asset: string): Array<{ venue: string; bid: number | null; ask: number | null }> {
    return this.legs
      .filter((l) => l.asset.symbol === asset)
      .map((l) => ({ venue: l.venue, ...this.options.session.liveQuotes(l.venue, asset) }));
  }

  /** The pipeline of (venue, asset) forgets its order on `side` (gone on the venue). */
  resync(venue: string, asset: string, side: QuoteSide): void {
    for (const leg of this.legs) {
      if (leg.venue === venue && leg.asset.symbol === asset) leg.resync.next(side);
    }
  }

  /** Set `mm_market_spread_bps` from each leg's last valid book. */
  updateSpreadGauges(): void {
    for (const leg of this.legs) {
      const st = leg.lastState;
      if (st?.ready && st.invalid === null) {
        this.options.metrics.marketSpread.set(
          { asset: leg.asset.symbol, venue: leg.venue },
          (st.marketSpreadPrice / st.midPrice) * 1e4,
        );
      }
    }
  }

  /** Unsubscribe every pipeline (no more decisions or order actions). */
  stop(): void {
    for (const leg of this.legs) leg.subscription?.unsubscribe();
  }

  /**
   * Books of one leg, timed from arrival to the end of the synchronous pipeline (state reducer,
   * policy, risk gate, order diff and the order manager's `submit`): tick-to-quote.
   */
  private timedBooks(
    asset: string,
    venue: string,
    books: Observable<BookEvent>,
  ): Observable<BookEvent> {
    const counter = this.options.metrics.bookUpdates.labels({ asset, venue });
    const histogram = this.options.metrics.tickToQuote.labels({ asset });
    const hook = this.options.onTickToQuote;
    return new Observable<BookEvent>((subscriber) =>
      books.subscribe({
        next: (book) => {
          const t0 = performance.now();
          subscriber.next(book);
          const seconds = (performance.now() - t0) / 1000;
          counter.inc();
          histogram.observe(seconds);
          hook?.(asset, seconds);
        },
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
  }

  /**
   * After each decision of a leg: pull-reason edges (metrics), and for a new book the asset's
   * mid, volatility and regime (the regime filter is fed by one venue per asset; a switch takes
   * effect at the next decision).
   */
  private onDecision(leg: Leg, reasons: ReadonlyArray<string>, state: AssetState): void {
    const { metrics } = this.options;
    if (reasons.length > 0 || leg.lastReasons.size > 0) {
      const now = new Set(reasons);
      for (const r of now) {
        if (!leg.lastReasons.has(r)) {
          metrics.riskPulls.inc({ asset: leg.asset.symbol, venue: leg.venue, reason: r });
          if (r === 'staleData')
            metrics.staleData.inc({ asset: leg.asset.symbol, venue: leg.venue });
        }
      }
      leg.lastReasons = now;
    }
    if (state === leg.lastState) return; // a timer or inventory decision on the same book
    leg.lastState = state;
    const asset = leg.asset.symbol;
    if (state.invalid !== null) {
      metrics.badBooks.inc({ asset, venue: leg.venue, reason: state.invalid });
      return;
    }
    if (!state.ready) return;
    this.mids.set(asset, state.midPrice);
    if (Number.isFinite(state.volPerSqrtSec)) this.vols.set(asset, state.volPerSqrtSec);
    this.options.models.observeMid(asset, leg.venue, state.lastUpdateMs, state.midPrice);
  }
}
