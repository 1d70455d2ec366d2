import {
  BUS_KEY_ENV,
  BUS_KEY_FILE_FIELD,
  BusKey,
  type Subscription as BusSubscription,
  connectTransport,
  ENVELOPE_VERSION,
  type Message,
  type StreamNames,
  streamNames,
  type Transport,
} from '@mm/contracts';
import type { Policy } from '@mm/hjb-core';
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import {
  asyncScheduler,
  BehaviorSubject,
  Observable,
  type SchedulerLike,
  Subject,
  type Subscription,
} from 'rxjs';
import type { AssetConfig, EngineConfig } from '../config/engineConfigSchema.js';
import { createEngineMetrics, type EngineMetrics } from '../metrics/engineMetrics.js';
import { startMetricsServer } from '../metrics/metricsServer.js';
import { type OrderEvent, OrderManager } from '../orders/OrderManager.js';
import { assetPipeline, type PortfolioInventory } from '../pipeline/assetPipeline.js';
import type { OrderAction } from '../pipeline/orderDiff.js';
import type { QuoteSide } from '../pipeline/quoteIntent.js';
import type { AssetState, BookEvent } from '../pipeline/stateReducer.js';
import { FailoverFillLedger, ledgerRedisOptions } from '../portfolio/FailoverFillLedger.js';
import { FileFillLedger } from '../portfolio/FileFillLedger.js';
import type { FillLedger } from '../portfolio/FillLedger.js';
import type { Portfolio } from '../portfolio/Portfolio.js';
import { RedisFillLedger } from '../portfolio/RedisFillLedger.js';
import { reconcilePositions } from '../portfolio/reconcile.js';
import { recoverFills } from '../portfolio/recoverFills.js';
import type { Venue, VenueFill } from '../venues/Venue.js';
import { sessionTag, tagAction } from './clientIds.js';
import { createVenue } from './createVenue.js';
import { FillRecorder } from './fillRecorder.js';
import { KillSwitch } from './killSwitch.js';
import type { Logger } from './logger.js';
import { checkParamsUpdate } from './paramsUpdate.js';
import { policyFromConfig, SwappablePolicy } from './policyFromConfig.js';
import { RegimeTracker } from './regimeTracker.js';
import { betterQuote, buildSnapshot } from './snapshot.js';

export interface EngineDeps {
  logger: Logger;
  /** Clock and timers of pipelines and simulated venues (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Epoch milliseconds (default `Date.now`). */
  nowMs?: () => number;
  /** Where credentials are read from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Use this transport instead of connecting to `config.redis` (it is closed on stop). */
  transport?: Transport;
  /**
   * The deployment's bus key (`MM_BUS_KEY` or `redis.busKeyFile`, loaded by the caller): params
   * and control from other processes are accepted only signed with it. Without one the engine
   * uses a key of its own (shared with an optimizer in the same process only).
   */
  busKey?: BusKey | null;
  /** Randomness of the session tag only (default `Math.random`). */
  random?: () => number;
  /** Each tick-to-quote time, seconds (benchmarks; the histogram metric is always fed). */
  onTickToQuote?: (asset: string, seconds: number) => void;
}

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

/** The model(s) one asset quotes with: one policy, or one per regime with the filter choosing. */
interface AssetModels {
  /** One policy per regime (one entry without regimes). */
  policies: Policy[];
  /** The acted-on regime (index into `policies`). */
  current: number;
  tracker: RegimeTracker | undefined;
  /** The venue whose books feed the regime filter (one feed per asset). */
  feedVenue: string | undefined;
}

/** What `stop` reports. */
export interface ShutdownReport {
  reason: string;
  /** Orders still open on a venue after every cancel attempt (should be 0). */
  leftoverOrders: number;
  fillsRecorded: number;
}

/** A point-in-time view of the engine, for the CLI and tests. */
export interface EngineStatus {
  transport: 'redis' | 'in-process';
  killed: boolean;
  killReasons: string[];
  assets: Array<{
    asset: string;
    midPrice: number;
    inventoryLots: number;
    realizedQuote: number;
    unrealizedQuote: number;
    quotes: Array<{ venue: string; bid: number | null; ask: number | null }>;
    /** EWMA volatility of the mid, price units per sqrt(second) (`NaN` before two books). */
    volPerSqrtSec: number;
    /** The acted-on regime's name, `null` for assets without regimes. */
    regime: string | null;
  }>;
  fills: number;
  ledgerQueued: number;
}

const RECOVERY_MARGIN_MS = 60_000;

/**
 * The embedded ledger's file name for a deployment prefix: letters, digits, `.` and `-` kept,
 * every other character (`:` of `test:uuid`, and `_` itself) escaped as `_xx` (hex), so distinct
 * prefixes never share a file.
 */
export function ledgerFileName(prefix: string): string {
  return prefix.replace(
    /[^A-Za-z0-9.-]/g,
    (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
const KILL_KEY_POLL_MS = 250;
const SHUTDOWN_CANCEL_ATTEMPTS = 5;

/**
 * The market-making engine: venues, one pipeline per (asset, venue) sharing one portfolio
 * inventory, order managers, the fill ledger, the bus, metrics and the kill switch. Build it with
 * `Engine.start(config, deps)`; `stop()` cancels every order and releases everything.
 */
export class Engine {
  readonly killSwitch = new KillSwitch();
  readonly metrics: EngineMetrics;
  private readonly scheduler: SchedulerLike;
  private readonly nowMs: () => number;
  private readonly log: Logger;
  private readonly names: StreamNames;
  private readonly tag: string;
  private readonly assets = new Map<string, AssetConfig>();
  private readonly venues = new Map<string, Venue>();
  private readonly managers = new Map<string, OrderManager>();
  private readonly legs: Leg[] = [];
  private readonly mids = new Map<string, number>();
  /** Latest EWMA volatility per asset, price units per sqrt(second). */
  private readonly vols = new Map<string, number>();
  private readonly models = new Map<string, AssetModels>();
  /** Signed lots of fills received and not yet durable, per asset. */
  private readonly pendingLots = new Map<string, number>();
  private readonly lotSizeBase: Record<string, number> = {};
  private readonly subscriptions: Subscription[] = [];
  private readonly busSubscriptions: BusSubscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private transport!: Transport;
  private redis: Redis | undefined;
  /** The fill ledger's own Redis client (fails fast when disconnected). */
  private ledgerClient: Redis | undefined;
  private ledger!: FillLedger;
  private portfolio!: Portfolio;
  private recorder: FillRecorder | undefined;
  /** Fills received before the recorder exists (during start-up recovery). */
  private readonly earlyFills: VenueFill[] = [];
  private inventory$!: BehaviorSubject<PortfolioInventory>;
  private metricsServer: { url: string; close(): Promise<void> } | undefined;
  private fillsRecorded = 0;
  private stopping: Promise<ShutdownReport> | undefined;

  /** Signs and checks bus messages: the deployment's key, or one of this process's own. */
  readonly busKey: BusKey;

  private constructor(
    readonly config: EngineConfig,
    private readonly deps: EngineDeps,
  ) {
    this.busKey = deps.busKey ?? BusKey.ephemeral();
    this.scheduler = deps.scheduler ?? asyncScheduler;
    this.nowMs = deps.nowMs ?? Date.now;
    this.log = deps.logger;
    this.names = streamNames(config.redis.prefix);
    this.tag = sessionTag(this.nowMs(), deps.random ?? Math.random);
    this.metrics = createEngineMetrics();
    for (const a of config.assets) {
      this.assets.set(a.symbol, a);
      this.lotSizeBase[a.symbol] = a.lotSizeBase;
    }
  }

  /** Validate-free start: `config` must come from `parseEngineConfig`/`loadEngineConfig`. */
  static async start(config: EngineConfig, deps: EngineDeps): Promise<Engine> {
    const engine = new Engine(config, deps);
    try {
      await engine.init();
    } catch (e) {
      await engine.stop(`start-up failed: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
    return engine;
  }

  /** A connected venue by its config name (operations, tests). */
  venue(name: string): Venue | undefined {
    return this.venues.get(name);
  }

  /** Prometheus URL, when metrics are served. */
  get metricsUrl(): string | undefined {
    return this.metricsServer?.url;
  }

  /** The engine's bus (an in-process optimizer publishes its results on it in embedded mode). */
  get bus(): Transport {
    return this.transport;
  }

  /** Stream names of this deployment (`mm:{prefix}:...`). */
  get streams(): StreamNames {
    return this.names;
  }

  get transportKind(): 'redis' | 'in-process' {
    return this.transport.kind;
  }

  /** The Prometheus registry of this engine (tests scrape it directly). */
  get registry(): Registry {
    return this.metrics.registry;
  }

  private async init(): Promise<void> {
    const { config } = this;
    if (config.metrics.enabled) {
      this.metricsServer = await startMetricsServer({
        host: config.metrics.host,
        port: config.metrics.port,
        registry: this.metrics.registry,
      });
      this.log.info({ url: this.metricsServer.url }, 'metrics served');
    }
    await this.connectBus();
    await this.openLedger();
    await this.openVenues();
    await this.recover();
    await this.readKillKey();
    this.startLegs();
    this.subscribeBus();
    this.startTimers();
    this.log.info(
      {
        assets: config.assets.map((a) => a.symbol),
        venues: [...this.venues.keys()],
        legs: this.legs.length,
        session: this.tag,
      },
      'engine started',
    );
  }

  private async connectBus(): Promise<void> {
    const { redis } = this.config;
    let toldHowToSign = false;
    const onReject = (e: {
      stream: string;
      direction: string;
      error: Error & { code?: string };
    }) => {
      this.metrics.busRejected.inc({ stream: e.stream, direction: e.direction });
      const unsigned = e.error.code === 'UNSIGNED' || e.error.code === 'BAD_SIGNATURE';
      if (unsigned && this.busKey.origin === 'ephemeral' && !toldHowToSign) {
        toldHowToSign = true;
        this.log.warn(
          { stream: e.stream },
          `${e.stream}: a message not signed with this engine's key was rejected: it has no bus key, so it accepts params and control (other than a kill) only from its own process; set ${BUS_KEY_ENV} (or ${BUS_KEY_FILE_FIELD}) to the same key here, in the optimizer and for mm kill/resume`,
        );
      }
      this.log.warn(
        { stream: e.stream, direction: e.direction, err: e.error.message },
        'bus message rejected',
      );
    };
    if (this.deps.transport) {
      this.transport = this.deps.transport;
    } else {
      const connected = await connectTransport({
        url: redis.url,
        prefix: redis.prefix,
        timeoutMs: redis.connectTimeoutMs,
        onReject,
        key: this.busKey,
      });
      this.transport = connected.transport;
      if (connected.kind === 'in-process') {
        this.log.warn(
          { reason: connected.fallbackReason },
          'Redis unreachable: embedded mode (in-process transport, file ledger); mm kill cannot reach this engine, use Ctrl-C or SIGTERM',
        );
      }
    }
    if (this.transport.kind === 'redis') {
      this.redis = new Redis(redis.url, {
        maxRetriesPerRequest: 2,
        protocol: 2,
        lazyConnect: false,
      });
      this.redis.on('error', (e) => this.log.debug({ err: e.message }, 'redis client error'));
      this.log.info({ url: redis.url, prefix: redis.prefix }, 'Redis transport');
    }
  }

  private async openLedger(): Promise<void> {
    const onSkipped = (r: { code: string; at: string; message: string }) =>
      this.log.error(r, 'ledger record skipped on load');
    const name = ledgerFileName(this.config.redis.prefix);
    if (!this.redis) {
      this.ledger = await FileFillLedger.open({ dir: this.config.ledger.dir, name, onSkipped });
      return;
    }
    // Redis mode: the Redis stream, failing over to a local fsynced backlog file while Redis is
    // unreachable (quoting goes on; the backlog is synced to Redis when it is back). Its own
    // client fails fast while disconnected instead of queueing commands.
    this.ledgerClient = new Redis(this.config.redis.url, ledgerRedisOptions());
    this.ledgerClient.on('error', (e) => this.log.debug({ err: e.message }, 'ledger client error'));
    await this.ledgerClient.connect();
    const primary = new RedisFillLedger(this.ledgerClient, {
      prefix: this.config.redis.prefix,
      onSkipped,
      ownsClient: false,
    });
    const backlog = await FileFillLedger.open({
      dir: this.config.ledger.dir,
      name: `${name}.redis-backlog`,
      onSkipped,
    });
    this.ledger = new FailoverFillLedger(primary, backlog, {
      onStateChange: (state, detail) => {
        this.metrics.ledgerDegraded.set(state === 'degraded' ? 1 : 0);
        const fields = {
          state,
          reason: detail.reason,
          pendingSync: detail.pendingSync,
          err: detail.error?.message,
        };
        if (state === 'degraded')
          this.log.error(
            fields,
            'fill ledger: Redis unavailable, fills go to the local backlog file',
          );
        else this.log.warn(fields, 'fill ledger: backlog synced to Redis');
      },
    });
  }

  /** The kill key as it is now (read before quoting starts, then polled). */
  private async readKillKey(): Promise<void> {
    if (!this.redis) return;
    try {
      const value = await this.redis.get(this.killKey);
      if (value === null) this.killSwitch.release('redis-key');
      else this.killSwitch.kill('redis-key', value || 'kill key set');
    } catch (e) {
      // Redis unreachable: keep the last known state (quotes stay pulled if they were).
      this.log.debug({ err: String(e) }, 'kill key unreadable');
    }
  }

  private get killKey(): string {
    return `mm:${this.config.redis.prefix}:kill`;
  }

  private async openVenues(): Promise<void> {
    // Positions per venue from the ledger, so a restarted simulated venue starts where it stopped.
    const fills = await this.ledger.load();
    const positions = new Map<string, Record<string, number>>();
    for (const f of fills) {
      const p = positions.get(f.venue) ?? {};
      p[f.asset] = (p[f.asset] ?? 0) + (f.side === 'buy' ? f.sizeBase : -f.sizeBase);
      positions.set(f.venue, p);
    }
    for (const vc of this.config.venues) {
      const venue = await createVenue(vc, this.config.assets, {
        scheduler: this.scheduler,
        nowMs: this.nowMs,
        env: this.deps.env ?? process.env,
        logger: this.log,
        initialPositionsBase: positions.get(vc.name) ?? {},
      });
      await venue.connect();
      this.venues.set(vc.name, venue);
      this.subscriptions.push(
        venue.fills().subscribe({
          next: (fill) => {
            if (this.recorder) this.receiveFill(fill);
            else this.earlyFills.push(fill);
          },
          error: (e: unknown) =>
            this.log.error({ venue: vc.name, err: String(e) }, 'fill stream failed'),
        }),
        venue.orderUpdates().subscribe({
          next: (order) => {
            const gone = this.managers.get(vc.name)?.onOrderUpdate(order) ?? null;
            if (gone !== null) this.resyncLeg(vc.name, order.asset, gone);
            if (order.status === 'rejected' || order.status === 'canceled') {
              this.log.debug(
                { venue: vc.name, order: order.clientOrderId, status: order.status },
                'order update',
              );
            }
          },
          error: (e: unknown) =>
            this.log.error({ venue: vc.name, err: String(e) }, 'order stream failed'),
        }),
      );
      for (const asset of this.venueAssets(vc.name)) {
        const bought = this.metrics.marketTrades.labels({ asset, venue: vc.name, side: 'buy' });
        const sold = this.metrics.marketTrades.labels({ asset, venue: vc.name, side: 'sell' });
        this.subscriptions.push(
          venue.trades(asset).subscribe({
            next: (t) => (t.takerSide === 'buy' ? bought : sold).inc(),
            error: (e: unknown) =>
              this.log.error({ venue: vc.name, asset, err: String(e) }, 'trade stream failed'),
          }),
        );
      }
      this.managers.set(
        vc.name,
        new OrderManager({
          venue,
          lotSizeBase: (asset: string) => this.lotSizeBase[asset] ?? 1,
          postOnly: this.config.orders.postOnly,
          maxOrdersPerSec: this.config.risk.maxOrdersPerSec,
          maxAttempts: this.config.orders.maxAttempts,
          retryBaseMs: this.config.orders.retryBaseMs,
          scheduler: this.scheduler,
          onEvent: (e) => this.onOrderEvent(vc.name, e),
        }),
      );
      // Orders left by an earlier session on the assets this engine quotes are not ours to keep.
      for (const asset of this.venueAssets(vc.name)) {
        const open = await venue.openOrders(asset);
        if (open.length > 0) {
          this.log.warn(
            { venue: vc.name, asset, count: open.length },
            'canceling orders left open',
          );
          await venue.cancelAll(asset);
        }
      }
      this.log.info({ venue: vc.name, kind: vc.kind, mode: vc.mode }, 'venue connected');
    }
  }

  /** Assets the engine quotes on `venue`. */
  private venueAssets(venue: string): string[] {
    const vc = this.config.venues.find((v) => v.name === venue);
    if (!vc) return [];
    const listed = vc.kind === 'ccxt' ? Object.keys(vc.symbols) : [...this.assets.keys()];
    return (vc.assets ?? listed).filter((a) => this.assets.has(a));
  }

  private async recover(): Promise<void> {
    const recovered = await recoverFills({
      ledger: this.ledger,
      venues: [...this.venues.values()].map((v) => ({
        name: v.name,
        fillsSince: (ms: number) => v.fillsSince(ms),
      })),
      marginMs: RECOVERY_MARGIN_MS,
    });
    this.portfolio = recovered.portfolio;
    this.log.info(
      {
        loaded: recovered.loaded,
        recovered: recovered.recovered,
        duplicates: recovered.duplicates,
        corrupt: recovered.corrupt,
      },
      'fill ledger loaded',
    );
    this.inventory$ = new BehaviorSubject(this.inventorySnapshot());
    this.recorder = new FillRecorder({
      ledger: this.ledger,
      apply: (fill) => this.applyFill(fill),
      onOutcome: (o) => {
        if (o.kind !== 'applied' && Number.isFinite(o.fill.sizeBase)) {
          this.notePending(o.fill, -1);
          this.inventory$.next(this.inventorySnapshot());
        }
        if (o.kind === 'invalid') {
          this.metrics.fillsInvalid.inc({ venue: o.fill.venue });
          this.log.error(
            { venue: o.fill.venue, fillId: o.fill.fillId, err: o.error.message },
            'fill rejected',
          );
        } else if (o.kind === 'duplicate') {
          this.log.debug({ venue: o.fill.venue, fillId: o.fill.fillId }, 'duplicate fill ignored');
        }
      },
      onLedgerHealth: (h) => {
        if (h.up) {
          this.killSwitch.release('ledger');
          this.log.info('fill ledger reachable again: quoting resumes');
        } else {
          this.killSwitch.kill('ledger', h.error.message);
          this.log.error(
            { err: h.error.message },
            'fill ledger unreachable: quotes pulled, fills queued',
          );
        }
      },
    });
    // Fills that arrived while the ledger was being recovered (duplicates are dropped by the ledger).
    for (const fill of this.earlyFills.splice(0)) this.receiveFill(fill);
    await this.reconcile();
  }

  private applyFill(fill: VenueFill): void {
    this.notePending(fill, -1);
    this.portfolio.applyFill(fill);
    this.fillsRecorded++;
    const manager = this.managers.get(fill.venue);
    manager?.onFill(fill);
    const side: QuoteSide = fill.side === 'buy' ? 'bid' : 'ask';
    if (manager && manager.live(fill.asset)[side] === null)
      this.resyncLeg(fill.venue, fill.asset, side);
    const lotSize = this.lotSizeBase[fill.asset] ?? 1;
    this.metrics.fills.inc({
      asset: fill.asset,
      venue: fill.venue,
      side: fill.side,
      role: fill.role,
    });
    this.metrics.onFill(fill, this.nowMs());
    this.publish(this.names.fills, {
      v: ENVELOPE_VERSION,
      type: 'fill',
      ts: this.nowMs(),
      source: `engine:${this.tag}`,
      payload: {
        id: `${fill.venue}:${fill.fillId}`,
        asset: fill.asset,
        venue: fill.venue,
        side: fill.side,
        price: fill.price,
        lots: fill.sizeBase / lotSize,
        role: fill.role,
        fee: fill.feeQuote,
        ts: fill.tsMs,
      },
    });
    this.inventory$.next(this.inventorySnapshot());
  }

  private inventorySnapshot(): PortfolioInventory {
    const inventory = this.portfolio.snapshot(Object.fromEntries(this.mids), this.lotSizeBase);
    return this.pendingLots.size === 0
      ? inventory
      : { ...inventory, pendingLotsByAsset: Object.fromEntries(this.pendingLots) };
  }

  /** A fill arrived (`+1`) or left the recorder (`-1`): track it as pending exposure. */
  private notePending(fill: VenueFill, direction: 1 | -1): void {
    const lots =
      (fill.sizeBase / (this.lotSizeBase[fill.asset] ?? 1)) * (fill.side === 'buy' ? 1 : -1);
    const next = (this.pendingLots.get(fill.asset) ?? 0) + direction * lots;
    if (Math.abs(next) < 1e-9) this.pendingLots.delete(fill.asset);
    else this.pendingLots.set(fill.asset, next);
  }

  /** Hand a venue fill to the recorder, counting it as pending exposure until it is durable. */
  private receiveFill(fill: VenueFill): void {
    if (!this.recorder || !Number.isFinite(fill.sizeBase)) {
      this.recorder?.record(fill);
      return;
    }
    this.notePending(fill, 1);
    this.inventory$.next(this.inventorySnapshot());
    this.recorder.record(fill);
  }

  /** Policies per asset (per regime where configured), solved once here: a bad model fails start-up. */
  private buildModels(): void {
    for (const asset of this.assets.values()) {
      const regimes = asset.regime?.regimes;
      const policies = regimes
        ? regimes.map((r) => policyFromConfig(asset, r.model))
        : [policyFromConfig(asset)];
      const feedVenue = [...this.venues.keys()].find((v) =>
        this.venueAssets(v).includes(asset.symbol),
      );
      this.models.set(asset.symbol, {
        policies,
        current: 0,
        tracker: asset.regime ? new RegimeTracker(asset.regime) : undefined,
        feedVenue,
      });
    }
  }

  /** Quote `asset` with regime `index` from the next decision on. */
  private switchRegime(asset: string, index: number): void {
    const models = this.models.get(asset);
    const policy = models?.policies[index];
    if (!models || !policy) return;
    const from = models.current;
    models.current = index;
    for (const leg of this.legs) if (leg.asset.symbol === asset) leg.policy.swap(policy);
    const model = this.assets.get(asset)?.regime?.regimes[index]?.model;
    if (model) this.metrics.onModel(asset, model);
    const names = models.tracker?.names ?? [];
    this.log.info({ asset, from: names[from], to: names[index] }, 'regime switch');
  }

  private startLegs(): void {
    const { config } = this;
    const sessionStartMs = this.scheduler.now();
    this.buildModels();
    for (const venueName of this.venues.keys()) {
      for (const symbol of this.venueAssets(venueName)) {
        const asset = this.assets.get(symbol);
        if (!asset) continue;
        const leg: Leg = {
          asset,
          venue: venueName,
          policy: new SwappablePolicy(this.currentPolicy(symbol)),
          subscription: undefined,
          lastReasons: new Set(),
          lastState: undefined,
          resync: new Subject<QuoteSide>(),
        };
        const venue = this.venues.get(venueName)!;
        const market = venue.market(symbol);
        const pipeline = assetPipeline({
          asset: {
            symbol,
            tickSize: Math.max(asset.tickSize, market.tickSize),
            lotSizeBase: asset.lotSizeBase,
            quoteSizeLots: asset.quoteSizeLots,
          },
          book$: this.timedBooks(symbol, venueName, venue.books(symbol)),
          inventory$: this.inventory$,
          killSwitch$: this.killSwitch.forAsset(symbol),
          policy: leg.policy,
          limits: {
            positionLimitLots: asset.positionLimitLots ?? config.risk.positionLimitLots,
            portfolioNotionalLimit: config.risk.portfolioNotionalLimit,
            staleDataTimeoutMs: config.risk.staleDataTimeoutMs,
            priceBandBps: config.risk.priceBandBps,
          },
          toleranceTicks: config.replaceToleranceTicks,
          sessionStartMs,
          scheduler: this.scheduler,
          resync$: leg.resync,
          onDecision: (decision, state) => this.onDecision(leg, decision.reasons, state),
          onRestart: (error: string) => {
            this.metrics.pipelineRestarts.inc({ asset: symbol, venue: venueName });
            this.log.error(
              { asset: symbol, venue: venueName, err: error },
              'pipeline failed: quotes pulled, restarting',
            );
          },
        });
        leg.subscription = pipeline.subscribe({
          next: (action) => this.route(venueName, action),
          error: (e: unknown) =>
            this.log.error({ asset: symbol, venue: venueName, err: String(e) }, 'pipeline ended'),
        });
        this.legs.push(leg);
      }
    }
  }

  private currentPolicy(asset: string): Policy {
    const models = this.models.get(asset)!;
    return models.policies[models.current]!;
  }

  /** Books of one leg, timed from arrival to the end of the synchronous pipeline (tick-to-quote). */
  /**
   * Books of one leg, timed from arrival to the end of the synchronous pipeline (state reducer,
   * policy, risk gate, order diff and the order manager's `submit`): tick-to-quote.
   */
  private timedBooks(
    asset: string,
    venue: string,
    books: Observable<BookEvent>,
  ): Observable<BookEvent> {
    const counter = this.metrics.bookUpdates.labels({ asset, venue });
    const histogram = this.metrics.tickToQuote.labels({ asset });
    const hook = this.deps.onTickToQuote;
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
    if (reasons.length > 0 || leg.lastReasons.size > 0) {
      const now = new Set(reasons);
      for (const r of now) {
        if (!leg.lastReasons.has(r)) {
          this.metrics.riskPulls.inc({ asset: leg.asset.symbol, venue: leg.venue, reason: r });
          if (r === 'staleData')
            this.metrics.staleData.inc({ asset: leg.asset.symbol, venue: leg.venue });
        }
      }
      leg.lastReasons = now;
    }
    if (state === leg.lastState) return; // a timer or inventory decision on the same book
    leg.lastState = state;
    const asset = leg.asset.symbol;
    if (state.invalid !== null) {
      this.metrics.badBooks.inc({ asset, venue: leg.venue, reason: state.invalid });
      return;
    }
    if (!state.ready) return;
    this.mids.set(asset, state.midPrice);
    if (Number.isFinite(state.volPerSqrtSec)) this.vols.set(asset, state.volPerSqrtSec);
    const models = this.models.get(asset);
    if (models?.tracker && models.feedVenue === leg.venue) {
      const regime = models.tracker.observe(state.lastUpdateMs, state.midPrice);
      if (regime !== models.current) this.switchRegime(asset, regime);
    }
  }

  private route(venue: string, action: OrderAction): void {
    const manager = this.managers.get(venue);
    if (!manager) return;
    this.metrics.orderActions.inc({ asset: action.asset, venue, kind: action.kind });
    if (action.kind === 'cancelAll') {
      manager
        .cancelAll(action.asset)
        .catch((e: unknown) =>
          this.log.error({ venue, asset: action.asset, err: String(e) }, 'cancel-all failed'),
        );
      return;
    }
    manager.submit(tagAction(action, this.tag));
  }

  /** The pipeline of (venue, asset) forgets its order on `side` (gone on the venue). */
  private resyncLeg(venue: string, asset: string, side: QuoteSide): void {
    for (const leg of this.legs) {
      if (leg.venue === venue && leg.asset.symbol === asset) leg.resync.next(side);
    }
  }

  private onOrderEvent(venue: string, e: OrderEvent): void {
    this.metrics.onOrderEvent(venue, e);
    if ((e.kind === 'rejected' || e.kind === 'failed') && e.asset !== null && e.side !== null) {
      this.resyncLeg(venue, e.asset, e.side);
    }
    if (e.kind === 'rejected' || e.kind === 'failed') {
      this.log.warn({ venue, ...e }, `order ${e.kind}`);
    } else {
      this.log.debug({ venue, ...e }, `order ${e.kind}`);
    }
  }

  private subscribeBus(): void {
    this.busSubscriptions.push(
      this.transport.subscribe(this.names.params, (m) => this.onParams(m)),
      this.transport.subscribe(this.names.control, (m) => this.onControl(m)),
    );
    let held = false;
    this.subscriptions.push(
      this.killSwitch.changes().subscribe((s) => {
        const killed = s.global.size > 0;
        this.metrics.killSwitch.set(killed ? 1 : 0);
        if (s.global.size > 0 || s.assets.size > 0) {
          held = true;
          this.log.warn(
            { global: Object.fromEntries(s.global), assets: Object.fromEntries(s.assets) },
            'kill switch held',
          );
        } else if (held) {
          held = false;
          this.log.warn('kill switch released: quoting resumes');
        }
      }),
    );
  }

  private onParams(message: Message): void {
    if (message.type !== 'params') return;
    const result = checkParamsUpdate(message, {
      assets: this.config.assets,
      positionLimitLots: (a) => a.positionLimitLots ?? this.config.risk.positionLimitLots,
      maxChangeFactor: this.config.maxParamChangeFactor,
      nowMs: this.nowMs(),
    });
    if (!result.ok) {
      for (const a of message.payload.assets)
        this.metrics.paramUpdates.inc({ asset: a.asset, result: 'rejected' });
      this.log.warn(
        { source: message.source, field: result.field, reason: result.reason },
        'parameter update rejected',
      );
      return;
    }
    for (const u of result.assets) {
      const models = this.models.get(u.asset);
      const index = u.regime ?? 0;
      if (models) {
        models.policies[index] = u.policy;
        if (index === models.current) {
          for (const leg of this.legs) if (leg.asset.symbol === u.asset) leg.policy.swap(u.policy);
          this.metrics.onModel(u.asset, u.params);
        }
      }
      this.metrics.paramUpdates.inc({ asset: u.asset, result: 'applied' });
      this.log.info(
        {
          source: message.source,
          asset: u.asset,
          regime: models?.tracker?.names[index],
          params: u.params,
          qMaxLots: u.qMaxLots,
        },
        'parameter update applied',
      );
    }
  }

  private onControl(message: Message): void {
    if (message.type !== 'control') return;
    const { command, asset, reason } = message.payload;
    if (asset !== undefined && !this.assets.has(asset)) {
      this.log.warn({ asset, command }, 'control command for an unknown asset ignored');
      return;
    }
    const why = reason ?? `control from ${message.source}`;
    if (command === 'kill') {
      if (asset === undefined) this.killSwitch.kill('control', why);
      else this.killSwitch.killAsset(asset, why);
    } else if (asset === undefined) {
      this.killSwitch.release('control');
      this.killSwitch.releaseAllAssets();
    } else {
      this.killSwitch.releaseAsset(asset);
    }
    this.log.warn({ command, asset: asset ?? 'all', reason: why }, 'control command');
  }

  private startTimers(): void {
    const every = (ms: number, fn: () => void | Promise<void>) => {
      const t = setInterval(() => {
        Promise.resolve(fn()).catch((e: unknown) =>
          this.log.error({ err: String(e) }, 'periodic task failed'),
        );
      }, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.config.snapshotIntervalMs, () => this.publishSnapshot());
    every(this.config.reconcileIntervalMs, () => this.reconcile());
    if (this.redis) every(KILL_KEY_POLL_MS, () => this.readKillKey());
  }

  private publish(stream: string, message: Message): void {
    this.transport.publish(stream, message);
  }

  /** Periodic: inventory notional at current mids, gauges, and the bus snapshot. */
  private publishSnapshot(): void {
    this.inventory$.next(this.inventorySnapshot());
    const stats = this.transport.stats();
    this.metrics.redisPublishLag.set({ stream: 'all' }, stats.lastPublishLagMs / 1000);
    const status = this.status();
    for (const a of status.assets) this.metrics.onAssetStatus(a, this.assets.get(a.asset)!);
    for (const leg of this.legs) {
      const st = leg.lastState;
      if (st?.ready && st.invalid === null) {
        this.metrics.marketSpread.set(
          { asset: leg.asset.symbol, venue: leg.venue },
          (st.marketSpreadPrice / st.midPrice) * 1e4,
        );
      }
    }
    for (const [asset, models] of this.models) {
      if (!models.tracker?.isReady) continue;
      const p = models.tracker.probabilities;
      models.tracker.names.forEach((regime, r) => {
        this.metrics.regimeProbability.set({ asset, regime }, p[r] ?? Number.NaN);
      });
    }
    this.publish(this.names.snapshots, {
      v: ENVELOPE_VERSION,
      type: 'snapshot',
      ts: this.nowMs(),
      source: `engine:${this.tag}`,
      payload: buildSnapshot(
        status.assets.map((a) => {
          let bid: { price: number; lots: number } | null = null;
          let ask: { price: number; lots: number } | null = null;
          const size = this.assets.get(a.asset)?.quoteSizeLots ?? 1;
          for (const q of a.quotes) {
            bid = betterQuote('bid', bid, q.bid === null ? null : { price: q.bid, lots: size });
            ask = betterQuote('ask', ask, q.ask === null ? null : { price: q.ask, lots: size });
          }
          return {
            asset: a.asset,
            midPrice: a.midPrice,
            bid,
            ask,
            inventoryLots: a.inventoryLots,
            realizedQuote: a.realizedQuote,
            unrealizedQuote: a.unrealizedQuote,
          };
        }),
      ),
    });
  }

  /** Venue positions against the ledger's, and venue orders against the managers'. */
  async reconcile(): Promise<void> {
    const venuePositions = [];
    for (const [name, venue] of this.venues) {
      try {
        venuePositions.push({ venue: name, positions: await venue.positions() });
        await this.managers.get(name)?.reconcile();
      } catch (e) {
        this.log.warn({ venue: name, err: String(e) }, 'reconciliation skipped: venue unavailable');
      }
    }
    const rows = reconcilePositions(this.portfolio, venuePositions, {
      lotSizeBase: this.lotSizeBase,
      toleranceLots: 1e-6,
    });
    for (const r of rows) {
      this.metrics.inventoryDrift.set({ asset: r.asset, venue: r.venue }, r.driftLots);
      if (r.exceeds) {
        this.log.error(
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

  status(): EngineStatus {
    const assets = [...this.assets.values()].map((a) => {
      const mid = this.mids.get(a.symbol) ?? Number.NaN;
      const models = this.models.get(a.symbol);
      const quotes = this.legs
        .filter((l) => l.asset.symbol === a.symbol)
        .map((l) => {
          const live = this.managers.get(l.venue)?.live(a.symbol);
          return { venue: l.venue, bid: live?.bid?.price ?? null, ask: live?.ask?.price ?? null };
        });
      return {
        asset: a.symbol,
        midPrice: mid,
        inventoryLots: this.portfolio.inventoryLots(a.symbol, a.lotSizeBase),
        realizedQuote: this.portfolio.realized(a.symbol),
        unrealizedQuote: Number.isFinite(mid) ? this.portfolio.unrealized(a.symbol, mid) : 0,
        quotes,
        volPerSqrtSec: this.vols.get(a.symbol) ?? Number.NaN,
        regime: models?.tracker ? (models.tracker.names[models.current] ?? null) : null,
      };
    });
    const s = this.killSwitch.state;
    return {
      transport: this.transport.kind,
      killed: s.global.size > 0,
      killReasons: [...s.global.entries()].map(([k, v]) => `${k}: ${v}`),
      assets,
      fills: this.fillsRecorded,
      ledgerQueued: this.recorder?.queued ?? 0,
    };
  }

  /**
   * Graceful shutdown: hold the kill switch, stop the pipelines, cancel every order and check the
   * venues have none left, record the fills that arrived meanwhile, then close everything.
   */
  stop(reason = 'stop'): Promise<ShutdownReport> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async shutdown(reason: string): Promise<ShutdownReport> {
    this.log.warn({ reason }, 'shutting down: canceling every order');
    this.killSwitch.kill('shutdown', reason);
    for (const leg of this.legs) leg.subscription?.unsubscribe();
    for (const t of this.timers) clearInterval(t);
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
            this.log.error(
              { venue: name, open: open.map((o) => o.clientOrderId) },
              'orders left open after shutdown',
            );
            break;
          }
          for (const a of assets) await venue.cancelAll(a);
        }
      } catch (e) {
        leftoverOrders += 1;
        this.log.error({ venue: name, err: String(e) }, 'could not confirm orders canceled');
      }
    }
    await this.recorder?.idle();
    for (const s of this.subscriptions) s.unsubscribe();
    for (const s of this.busSubscriptions) await s.unsubscribe().catch(() => {});
    if (this.portfolio) this.publishSnapshotQuietly();
    await this.transport?.close().catch(() => {});
    await this.ledger?.close().catch(() => {});
    for (const venue of this.venues.values()) await venue.close().catch(() => {});
    this.redis?.disconnect();
    this.ledgerClient?.disconnect();
    await this.metricsServer?.close().catch(() => {});
    const report = { reason, leftoverOrders, fillsRecorded: this.fillsRecorded };
    this.log.info(report, 'engine stopped');
    return report;
  }

  private publishSnapshotQuietly(): void {
    try {
      this.publishSnapshot();
    } catch {
      // best effort on the way out
    }
  }
}
