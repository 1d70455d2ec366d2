import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { FillRateTracker, type SideIntensity } from './fillRateTracker.js';

/**
 * The label names the engine's metrics may carry. Every one takes values from a bounded set
 * (configured assets and venues, `bid`/`ask`, `maker`/`taker`, the risk gate's pull reasons and the
 * reducer's invalid-book reasons, order action kinds, `applied`/`rejected`, regime names, bus stream
 * names, `publish`/`receive`); never order ids, fill ids or free text such as error messages.
 */
export const ENGINE_METRIC_LABELS = [
  'asset',
  'venue',
  'side',
  'role',
  'reason',
  'kind',
  'result',
  'regime',
  'stream',
  'direction',
] as const;
export type EngineMetricLabel = (typeof ENGINE_METRIC_LABELS)[number];

/** Prefix of every engine metric. */
export const ENGINE_METRIC_PREFIX = 'mm_';
/** Prefix of the Node.js process metrics (`collectDefaultMetrics`). */
export const ENGINE_DEFAULT_METRICS_PREFIX = 'mm_engine_';

/** Tick-to-quote histogram buckets, seconds: 5 us to 100 ms in a 1-2-5 series. */
export const TICK_TO_QUOTE_BUCKETS_SEC: readonly number[] = [
  5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1,
];
/** Default time constant of the realized fill-rate EWMA, seconds. */
export const DEFAULT_FILL_RATE_TAU_SEC = 60;

/** A fill as the fill-rate tracker needs it (a `VenueFill` fits): `buy` fills our bid. */
export interface FillFacts {
  asset: string;
  venue: string;
  side: 'buy' | 'sell';
}

/** The model intensity `A exp(-k delta)` as configured (`ModelParams` fits). */
export interface IntensityParams {
  /** Fills per second at zero distance from the mid. */
  A: number;
  /** Decay per price unit of distance. */
  k: number;
}

/** One asset's status (an `EngineStatus` asset fits); prices and P&L in quote currency. */
export interface AssetStatusFacts {
  asset: string;
  /** `NaN` before the first valid book. */
  midPrice: number;
  inventoryLots: number;
  realizedQuote: number;
  unrealizedQuote: number;
  /** Resting quote prices per venue; `null` when a side has no order. */
  quotes: ReadonlyArray<{ venue: string; bid: number | null; ask: number | null }>;
  /** EWMA volatility of the mid, price units per sqrt(second) (`NaN` before it is known). */
  volPerSqrtSec?: number;
}

/** The asset facts the status needs (an `AssetConfig` fits). */
export interface AssetFacts {
  lotSizeBase: number;
  model: IntensityParams;
}

/** An order manager event (an `OrderEvent` fits; only `kind === 'rejected'` is counted). */
export interface OrderEventFacts {
  kind: string;
  /** `null` or absent when the event concerns no single asset. */
  asset?: string | null;
}

export interface EngineMetricsOptions {
  /** Clock for the fill-rate trackers, epoch milliseconds (default `Date.now`). */
  nowMs?: () => number;
  /** Time constant of the realized fill-rate EWMA, seconds (default 60). */
  fillRateTauSec?: number;
}

/** The engine's Prometheus metrics, all on `registry` (never prom-client's global one). */
export interface EngineMetrics {
  readonly registry: Registry;
  /** Resting quote price per asset, venue and side (`bid`/`ask`), quote currency. */
  readonly quotePrice: Gauge<'asset' | 'venue' | 'side'>;
  /** Our quoted spread `(ask - bid) / mid`, basis points. */
  readonly quoteSpread: Gauge<'asset' | 'venue'>;
  /** The market's best ask minus best bid over its mid, basis points. */
  readonly marketSpread: Gauge<'asset' | 'venue'>;
  /** Mid price of the asset's book, quote currency. */
  readonly midPrice: Gauge<'asset'>;
  /** Portfolio inventory per asset (ledger), lots, signed. */
  readonly inventory: Gauge<'asset'>;
  /** Signed inventory notional at the mid, quote currency. */
  readonly inventoryNotional: Gauge<'asset'>;
  /** Realized P&L per asset, quote currency (fees included). */
  readonly pnlRealized: Gauge<'asset'>;
  /** Mark-to-market P&L per asset (realized plus inventory at the mid), quote currency. */
  readonly pnlMarkToMarket: Gauge<'asset'>;
  /** Fills per asset, venue, side and role (`maker`/`taker`). */
  readonly fills: Counter<'asset' | 'venue' | 'side' | 'role'>;
  /** Fills dropped as invalid before reaching the ledger, per venue. */
  readonly fillsInvalid: Counter<'venue'>;
  /** Realized fill rate (EWMA, see `FillRateTracker`), fills per second; refreshed at scrape. */
  readonly fillRateRealized: Gauge<'asset' | 'venue' | 'side'>;
  /** Model fill rate `A exp(-k delta)` at the current quote distance, fills per second. */
  readonly fillRatePredicted: Gauge<'asset' | 'venue' | 'side'>;
  /** Time from a book update entering the pipeline to its decision (or order actions), seconds. */
  readonly tickToQuote: Histogram<'asset'>;
  /** Book updates received per asset and venue. */
  readonly bookUpdates: Counter<'asset' | 'venue'>;
  /** Books the state reducer rejected, by its `InvalidReason`. */
  readonly badBooks: Counter<'asset' | 'venue' | 'reason'>;
  /** Times an asset's quotes were pulled because its book went stale. */
  readonly staleData: Counter<'asset' | 'venue'>;
  /** Orders the venue rejected. */
  readonly ordersRejected: Counter<'asset' | 'venue'>;
  /** Order actions sent, by kind (`place`, `replace`, `cancel`, `cancelAll`). */
  readonly orderActions: Counter<'asset' | 'venue' | 'kind'>;
  /** Risk-gate pulls by reason (the gate's `PullReason`). */
  readonly riskPulls: Counter<'asset' | 'venue' | 'reason'>;
  /** Filtered regime probability per asset and regime, in [0, 1]. */
  readonly regimeProbability: Gauge<'asset' | 'regime'>;
  /** EWMA volatility of the mid, quote currency per sqrt(second). */
  readonly volatility: Gauge<'asset'>;
  /** 1 while the fill ledger writes to its local backlog because Redis is unavailable. */
  readonly ledgerDegraded: Gauge;
  /** Public market trades per asset, venue and taker side (`buy`/`sell`). */
  readonly marketTrades: Counter<'asset' | 'venue' | 'side'>;
  /** Latest lag from an event to its publication on the Redis bus, seconds. */
  readonly redisPublishLag: Gauge<'stream'>;
  /** Bus messages dropped because they failed validation, by stream and direction (`publish`/`receive`). */
  readonly busRejected: Counter<'stream' | 'direction'>;
  /** Parameter updates by asset and result (`applied`/`rejected`). */
  readonly paramUpdates: Counter<'asset' | 'result'>;
  /** Pipeline restarts after an error. */
  readonly pipelineRestarts: Counter<'asset' | 'venue'>;
  /** Kill switch: 1 engaged (everything cancelled), 0 released. */
  readonly killSwitch: Gauge;
  /** One asset's own kill (a control message naming it): 1 engaged, 0 released. */
  readonly killSwitchAsset: Gauge<'asset'>;
  /** Ledger inventory minus the venue's reported position, lots. */
  readonly inventoryDrift: Gauge<'asset' | 'venue'>;
  /** Portfolio risk `q' Sigma q` (q in asset units), quote currency^2 per second. */
  readonly portfolioRisk: Gauge;
  /** Asset i's share `q_i (Sigma q)_i` of `q' Sigma q` (they sum to it), quote currency^2 per second. */
  readonly riskContribution: Gauge<'asset'>;
  /** Hedge (taker) orders sent by the portfolio policy, per asset and venue. */
  readonly hedges: Counter<'asset' | 'venue'>;
  /** Quotes the boundary moved (one tick inside the opposite touch, or rested when empty). */
  readonly quotesClamped: Counter<'asset' | 'venue' | 'side'>;

  /** Feed a fill to its (asset, venue) fill-rate tracker (does not count it: see `fills`). */
  onFill(fill: FillFacts, nowMs: number): void;
  /** A new model for `asset`: its predicted fill rates use this `A` and `k` from now on. */
  onModel(asset: string, params: IntensityParams): void;
  /**
   * Set the asset's gauges from its status: mid, inventory and notional, P&L, quote prices and
   * spreads per venue (series removed while a side has no quote), predicted fill rates.
   */
  onAssetStatus(status: AssetStatusFacts, asset: AssetFacts): void;
  /** Count a venue's rejected orders (other event kinds are ignored). */
  onOrderEvent(venue: string, event: OrderEventFacts): void;
}

/**
 * Create the engine's metrics on `registry` (a fresh one by default), together with the Node.js
 * process metrics prefixed `mm_engine_`. Metric names carry their unit (`_seconds`, `_total`,
 * `_lots`, `_bps`, `_quote` for quote-currency amounts, `_per_second`). Calling it twice on one
 * registry throws (prom-client refuses duplicate names).
 */
export function createEngineMetrics(
  registry: Registry = new Registry(),
  options: EngineMetricsOptions = {},
): EngineMetrics {
  const nowMs = options.nowMs ?? Date.now;
  const tauSec = options.fillRateTauSec ?? DEFAULT_FILL_RATE_TAU_SEC;
  const startSec = nowMs() / 1000;
  const registers = [registry];
  const gauge = <L extends EngineMetricLabel>(name: string, help: string, labelNames: L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });
  const counter = <L extends EngineMetricLabel>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers });

  collectDefaultMetrics({ register: registry, prefix: ENGINE_DEFAULT_METRICS_PREFIX });

  /** One tracker per (asset, venue), started with the metrics (rates are since engine start). */
  const trackers = new Map<string, { asset: string; venue: string; tracker: FillRateTracker }>();
  const intensityByAsset = new Map<string, SideIntensity>();
  const trackerFor = (asset: string, venue: string) => {
    const key = `${asset}\u0000${venue}`;
    let entry = trackers.get(key);
    if (!entry) {
      const intensity = intensityByAsset.get(asset) ?? { aPerSec: 0, kPerPrice: 0 };
      entry = { asset, venue, tracker: new FillRateTracker({ tauSec, startSec, intensity }) };
      trackers.set(key, entry);
    }
    return entry.tracker;
  };

  const quotePrice = gauge('mm_quote_price_quote', 'Resting quote price, quote currency', [
    'asset',
    'venue',
    'side',
  ]);
  const quoteSpread = gauge(
    'mm_quote_spread_bps',
    'Quoted spread (ask - bid) / mid, basis points',
    ['asset', 'venue'],
  );
  const midPrice = gauge('mm_mid_price_quote', 'Mid price of the book, quote currency', ['asset']);
  const inventory = gauge('mm_inventory_lots', 'Portfolio inventory, lots (signed)', ['asset']);
  const volatility = gauge(
    'mm_volatility_quote_per_sqrt_second',
    'EWMA volatility of the mid, quote currency per sqrt(second)',
    ['asset'],
  );
  const inventoryNotional = gauge(
    'mm_inventory_notional_quote',
    'Signed inventory notional at the mid, quote currency',
    ['asset'],
  );
  const pnlRealized = gauge('mm_pnl_realized_quote', 'Realized P&L, quote currency', ['asset']);
  const pnlMarkToMarket = gauge(
    'mm_pnl_mark_to_market_quote',
    'Mark-to-market P&L (realized + inventory at the mid), quote currency',
    ['asset'],
  );
  const fillRatePredicted = gauge(
    'mm_fill_rate_predicted_per_second',
    'Model fill rate A exp(-k delta) at the current quote distance, fills per second',
    ['asset', 'venue', 'side'],
  );
  const fillRateRealized = new Gauge<'asset' | 'venue' | 'side'>({
    name: 'mm_fill_rate_realized_per_second',
    help: 'Realized fill rate (exponentially weighted), fills per second',
    labelNames: ['asset', 'venue', 'side'],
    registers,
    collect() {
      const tSec = nowMs() / 1000;
      for (const { asset, venue, tracker } of trackers.values())
        for (const side of SIDES)
          this.set({ asset, venue, side }, tracker.realizedRatePerSec(side, tSec));
    },
  });
  const ordersRejected = counter('mm_orders_rejected_total', 'Orders rejected by the venue', [
    'asset',
    'venue',
  ]);

  return {
    registry,
    quotePrice,
    quoteSpread,
    marketSpread: gauge(
      'mm_market_spread_bps',
      'Market best ask - best bid over the mid, basis points',
      ['asset', 'venue'],
    ),
    midPrice,
    inventory,
    inventoryNotional,
    pnlRealized,
    pnlMarkToMarket,
    fills: counter('mm_fills_total', 'Fills of our orders', ['asset', 'venue', 'side', 'role']),
    fillsInvalid: counter('mm_fills_invalid_total', 'Fills dropped as invalid', ['venue']),
    fillRateRealized,
    fillRatePredicted,
    tickToQuote: new Histogram<'asset'>({
      name: 'mm_tick_to_quote_seconds',
      help: 'Book update to decision (or order actions) in the pipeline, seconds',
      labelNames: ['asset'],
      buckets: [...TICK_TO_QUOTE_BUCKETS_SEC],
      registers,
    }),
    bookUpdates: counter('mm_book_updates_total', 'Book updates received', ['asset', 'venue']),
    badBooks: counter('mm_bad_books_total', 'Books rejected by the state reducer, by reason', [
      'asset',
      'venue',
      'reason',
    ]),
    staleData: counter('mm_stale_data_total', 'Quotes pulled because the book went stale', [
      'asset',
      'venue',
    ]),
    ordersRejected,
    orderActions: counter('mm_order_actions_total', 'Order actions sent, by kind', [
      'asset',
      'venue',
      'kind',
    ]),
    riskPulls: counter('mm_risk_pulls_total', 'Risk-gate pulls, by reason', [
      'asset',
      'venue',
      'reason',
    ]),
    volatility,
    marketTrades: counter('mm_market_trades_total', 'Public market trades, by taker side', [
      'asset',
      'venue',
      'side',
    ]),
    ledgerDegraded: new Gauge({
      name: 'mm_ledger_degraded_state',
      help: 'Fill ledger writing to its local backlog file (Redis unavailable): 1, else 0',
      registers,
    }),
    regimeProbability: gauge('mm_regime_probability', 'Filtered regime probability, in [0, 1]', [
      'asset',
      'regime',
    ]),
    redisPublishLag: gauge(
      'mm_redis_publish_lag_seconds',
      'Latest event-to-publication lag on the Redis bus, seconds',
      ['stream'],
    ),
    busRejected: counter(
      'mm_bus_messages_rejected_total',
      'Bus messages dropped as invalid, by stream and direction',
      ['stream', 'direction'],
    ),
    paramUpdates: counter(
      'mm_parameter_updates_total',
      'Parameter updates, by result (applied or rejected)',
      ['asset', 'result'],
    ),
    pipelineRestarts: counter('mm_pipeline_restarts_total', 'Pipeline restarts after an error', [
      'asset',
      'venue',
    ]),
    killSwitch: new Gauge({
      name: 'mm_kill_switch_state',
      help: 'Kill switch: 1 engaged, 0 released',
      registers,
    }),
    killSwitchAsset: gauge(
      'mm_kill_switch_asset_state',
      "One asset's own kill (mm kill --asset, a control message naming it): 1 engaged, 0 released; the global switch is mm_kill_switch_state",
      ['asset'],
    ),
    portfolioRisk: new Gauge({
      name: 'mm_portfolio_risk',
      help: "Portfolio risk q' Sigma q (q in asset units), quote currency^2 per second",
      registers,
    }),
    riskContribution: gauge(
      'mm_risk_contribution',
      "Asset share q_i (Sigma q)_i of the portfolio risk q' Sigma q, quote currency^2 per second",
      ['asset'],
    ),
    hedges: counter('mm_hedges_total', 'Hedge taker orders sent by the portfolio policy', [
      'asset',
      'venue',
    ]),
    quotesClamped: counter(
      'mm_quotes_clamped_total',
      'Quotes moved by the boundary (one tick inside the opposite touch, or rested when empty)',
      ['asset', 'venue', 'side'],
    ),
    inventoryDrift: gauge(
      'mm_inventory_drift_lots',
      'Ledger inventory minus the venue position, lots',
      ['asset', 'venue'],
    ),

    onFill(fill, atMs) {
      const side = fill.side === 'buy' ? 'bid' : 'ask';
      const tracker = trackerFor(fill.asset, fill.venue);
      tracker.recordFill(side, atMs / 1000);
      fillRateRealized.set(
        { asset: fill.asset, venue: fill.venue, side },
        tracker.realizedRatePerSec(side, atMs / 1000),
      );
    },

    onModel(asset, params) {
      const intensity = { aPerSec: params.A, kPerPrice: params.k };
      intensityByAsset.set(asset, intensity);
      for (const entry of trackers.values())
        if (entry.asset === asset)
          for (const side of SIDES) entry.tracker.setIntensity(side, intensity);
    },

    onAssetStatus(status, facts) {
      const asset = status.asset;
      const mid = status.midPrice;
      if (!intensityByAsset.has(asset))
        intensityByAsset.set(asset, { aPerSec: facts.model.A, kPerPrice: facts.model.k });
      const intensity = intensityByAsset.get(asset)!;
      inventory.set({ asset }, status.inventoryLots);
      pnlRealized.set({ asset }, status.realizedQuote);
      pnlMarkToMarket.set({ asset }, status.realizedQuote + status.unrealizedQuote);
      if (status.volPerSqrtSec !== undefined && Number.isFinite(status.volPerSqrtSec)) {
        volatility.set({ asset }, status.volPerSqrtSec);
      }
      if (Number.isFinite(mid)) {
        midPrice.set({ asset }, mid);
        inventoryNotional.set({ asset }, status.inventoryLots * facts.lotSizeBase * mid);
      }
      for (const q of status.quotes) {
        const venue = q.venue;
        const tracker = trackerFor(asset, venue);
        for (const side of SIDES) {
          tracker.setIntensity(side, intensity);
          const price = q[side];
          const labels = { asset, venue, side };
          if (price === null) quotePrice.remove(labels);
          else quotePrice.set(labels, price);
          // Signed distance from the mid: positive for a quote on its own side of the mid.
          const deltaPrice =
            price === null || !Number.isFinite(mid)
              ? Number.NaN
              : side === 'bid'
                ? mid - price
                : price - mid;
          tracker.setQuoteDistance(side, deltaPrice);
          fillRatePredicted.set(labels, tracker.predictedRatePerSec(side));
        }
        if (q.bid !== null && q.ask !== null && Number.isFinite(mid) && mid > 0)
          quoteSpread.set({ asset, venue }, ((q.ask - q.bid) / mid) * 1e4);
        else quoteSpread.remove({ asset, venue });
      }
    },

    onOrderEvent(venue, event) {
      if (event.kind !== 'rejected') return;
      if (event.asset === undefined || event.asset === null) ordersRejected.inc({ venue });
      else ordersRejected.inc({ asset: event.asset, venue });
    },
  };
}

const SIDES = ['bid', 'ask'] as const;
