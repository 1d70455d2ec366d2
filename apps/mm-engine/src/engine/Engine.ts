import type { EngineConfig } from '@mm/config';
import type { StreamNames, Transport } from '@mm/contracts';
import { BusKey, ENVELOPE_VERSION } from '@mm/contracts';
import type { Logger } from '@mm/telemetry';
import { startMetricsServer } from '@mm/telemetry';
import type { Registry } from 'prom-client';
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { createEngineMetrics, type EngineMetrics } from '../metrics/engineMetrics.js';
import type { Venue, VenueFill } from '../venues/Venue.js';
import { sessionTag } from './clientIds.js';
import { applyControl, EngineBus, KILL_KEY_POLL_MS, reportKillSwitch } from './engineBus.js';
import { type EngineStatus, StatusReporter } from './engineStatus.js';
import { InventoryBook } from './inventoryBook.js';
import { KillSwitch } from './killSwitch.js';
import { ModelRegistry } from './modelRegistry.js';
import { openFillLedger } from './openFillLedger.js';
import { QuotingLegs } from './quotingLegs.js';
import { VenueSession } from './venueSession.js';

export type { EngineStatus } from './engineStatus.js';

/** Live covariance: mids sampled this often, and the portfolio re-solved this often, ms. */
const COVARIANCE_SAMPLE_MS = 1000;
const COVARIANCE_RESOLVE_MS = 10_000;

export { ledgerFileName } from './openFillLedger.js';

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

/** What `stop` reports. */
export interface ShutdownReport {
  reason: string;
  /** Orders still open on a venue after every cancel attempt (should be 0). */
  leftoverOrders: number;
  fillsRecorded: number;
}

/**
 * The market-making engine, assembled from its parts: the bus (`EngineBus`), the inventory
 * (`InventoryBook`: ledger, recorder, portfolio), the venues and their order managers
 * (`VenueSession`), the models (`ModelRegistry`), one pipeline per (asset, venue)
 * (`QuotingLegs`), and the status (`StatusReporter`). Build it with `Engine.start(config, deps)`;
 * `stop()` cancels every order and releases everything.
 */
export class Engine {
  readonly killSwitch = new KillSwitch();
  /** Signs and checks bus messages: the deployment's key, or one of this process's own. */
  readonly busKey: BusKey;
  readonly metrics: EngineMetrics;
  private readonly scheduler: SchedulerLike;
  private readonly nowMs: () => number;
  private readonly log: Logger;
  private readonly tag: string;
  private readonly subscriptions: Subscription[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private metricsServer: { url: string; close(): Promise<void> } | undefined;
  private engineBus: EngineBus | undefined;
  /** The Redis client the fill ledger owns (disconnected after the ledger is closed). */
  private ledgerClient: { disconnect(): void } | undefined;
  private book: InventoryBook | undefined;
  private session: VenueSession | undefined;
  private legs: QuotingLegs | undefined;
  private reporter: StatusReporter | undefined;
  private stopping: Promise<ShutdownReport> | undefined;

  private constructor(
    readonly config: EngineConfig,
    private readonly deps: EngineDeps,
  ) {
    this.busKey = deps.busKey ?? BusKey.ephemeral();
    this.scheduler = deps.scheduler ?? asyncScheduler;
    this.nowMs = deps.nowMs ?? Date.now;
    this.log = deps.logger;
    this.tag = sessionTag(this.nowMs(), deps.random ?? Math.random);
    this.metrics = createEngineMetrics();
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
    return this.session?.venue(name);
  }

  /** Prometheus URL, when metrics are served. */
  get metricsUrl(): string | undefined {
    return this.metricsServer?.url;
  }

  /** The engine's bus (an in-process optimizer publishes its results on it in embedded mode). */
  get bus(): Transport {
    return this.running('bus').transport;
  }

  /** Stream names of this deployment (`mm:{prefix}:...`). */
  get streams(): StreamNames {
    return this.running('bus').names;
  }

  get transportKind(): 'redis' | 'in-process' {
    return this.running('bus').kind;
  }

  /** The Prometheus registry of this engine (tests scrape it directly). */
  get registry(): Registry {
    return this.metrics.registry;
  }

  private async init(): Promise<void> {
    const { config, deps, log, metrics } = this;
    if (config.metrics.enabled) {
      this.metricsServer = await startMetricsServer({
        host: config.metrics.host,
        port: config.metrics.port,
        registry: metrics.registry,
      });
      log.info({ url: this.metricsServer.url }, 'metrics served');
    }
    const bus = await EngineBus.connect({
      redis: config.redis,
      ...(deps.transport ? { transport: deps.transport } : {}),
      busKey: this.busKey,
      metrics,
      log,
    });
    this.engineBus = bus;
    const opened = await openFillLedger(config, { redis: bus.redis !== undefined, metrics, log });
    this.ledgerClient = opened.client;
    const lotSizeBase = Object.fromEntries(config.assets.map((a) => [a.symbol, a.lotSizeBase]));
    const book = new InventoryBook({
      ledger: opened.ledger,
      lotSizeBase,
      midPrices: () => this.legs?.midPrices() ?? {},
      onApplied: (fill) => this.onDurableFill(fill, lotSizeBase[fill.asset] ?? 1),
      killSwitch: this.killSwitch,
      metrics,
      log,
    });
    this.book = book;
    const session = new VenueSession({
      config,
      tag: this.tag,
      scheduler: this.scheduler,
      nowMs: this.nowMs,
      env: deps.env ?? process.env,
      metrics,
      log,
      onFill: (fill) => book.receive(fill),
      onSideGone: (venue, asset, side) => this.legs?.resync(venue, asset, side),
    });
    this.session = session;
    // Positions per venue from the ledger, so a restarted simulated venue starts where it stopped.
    await session.open(await book.ledgerPositions());
    await book.recover(session.all());
    await book.adoptVenuePositions(session.all(), (v) => session.venueAssets(v));
    await this.reconcile();
    await bus.readKillKey(this.killSwitch);
    const models = new ModelRegistry({
      config,
      feedVenueOf: (asset) => session.names().find((v) => session.venueAssets(v).includes(asset)),
      metrics,
      log,
      nowMs: this.nowMs,
    });
    const legs = new QuotingLegs({
      config,
      session,
      models,
      inventory$: book.inventory$,
      book,
      tag: this.tag,
      killSwitch: this.killSwitch,
      scheduler: this.scheduler,
      metrics,
      log,
      ...(deps.onTickToQuote ? { onTickToQuote: deps.onTickToQuote } : {}),
    });
    this.legs = legs;
    legs.start();
    const assets = new Set(config.assets.map((a) => a.symbol));
    bus.subscribe({
      onParams: (m) => {
        models.applyParams(m);
        // multi decides from the book's model: re-solve it with the models now in use
        try {
          legs.portfolio?.refreshModels((a) => models.currentParams(a));
        } catch (e) {
          log.error(
            { err: (e as Error).message },
            'portfolio re-solve after a params update failed',
          );
        }
      },
      onControl: (m) => applyControl(m, { killSwitch: this.killSwitch, assets, log }),
    });
    this.subscriptions.push(reportKillSwitch(this.killSwitch, metrics, log, [...assets]));
    this.reporter = new StatusReporter({
      config,
      bus,
      book,
      legs,
      models,
      killSwitch: this.killSwitch,
      metrics,
      source: `engine:${this.tag}`,
      nowMs: this.nowMs,
    });
    this.startTimers();
    log.info(
      {
        assets: config.assets.map((a) => a.symbol),
        venues: session.names(),
        legs: legs.count,
        session: this.tag,
      },
      'engine started',
    );
  }

  /** A fill is durable and in the portfolio: orders, metrics, and the `fills` stream. */
  private onDurableFill(fill: VenueFill, lotSizeBase: number): void {
    this.session?.onDurableFill(fill);
    this.metrics.fills.inc({
      asset: fill.asset,
      venue: fill.venue,
      side: fill.side,
      role: fill.role,
    });
    this.metrics.onFill(fill, this.nowMs());
    const bus = this.running('bus');
    bus.publish(bus.names.fills, {
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
        lots: fill.sizeBase / lotSizeBase,
        role: fill.role,
        fee: fill.feeQuote,
        ts: fill.tsMs,
      },
    });
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
    every(this.config.snapshotIntervalMs, () => {
      this.reporter?.publish();
      this.legs?.portfolio?.refreshRisk();
    });
    const quoting = this.legs?.portfolio;
    if (quoting?.estimatesCovariance) {
      // The live covariance: mids sampled every second, the portfolio re-solved off the tick path.
      every(COVARIANCE_SAMPLE_MS, () =>
        quoting.sampleMids(
          this.scheduler.now() / 1000,
          (a) => this.legs?.midPrice(a) ?? Number.NaN,
        ),
      );
      every(COVARIANCE_RESOLVE_MS, () => {
        const ms = quoting.resolve();
        if (ms !== null)
          this.log.debug({ solveMs: ms }, 'portfolio re-solved for the live covariance');
      });
    }
    every(this.config.reconcileIntervalMs, () => this.reconcile());
    const bus = this.engineBus;
    if (bus?.redis) every(KILL_KEY_POLL_MS, () => bus.readKillKey(this.killSwitch));
  }

  /** Venue positions against the ledger's, and venue orders against the managers'. */
  async reconcile(): Promise<void> {
    const { session, book } = this;
    if (!session || !book) return;
    const before = book.received;
    const reports = await session.positions();
    // A fill in flight (received while the venues answered, or not yet durable) would show as a
    // drift of its size: compare at the next round instead.
    if (book.received !== before || !book.settled) {
      this.log.debug('reconcile deferred: fills in flight');
      return;
    }
    book.reconcile(reports);
  }

  status(): EngineStatus {
    if (!this.reporter) throw new Error('the engine is not running (start it first)');
    return this.reporter.status();
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
    this.legs?.stop();
    for (const t of this.timers) clearInterval(t);
    const leftoverOrders = (await this.session?.cancelEverything()) ?? 0;
    await this.book?.idle();
    this.session?.unsubscribe();
    for (const s of this.subscriptions) s.unsubscribe();
    await this.engineBus?.unsubscribe();
    try {
      this.reporter?.publish();
    } catch {
      // best effort on the way out
    }
    await this.engineBus?.close();
    await this.book?.close();
    this.ledgerClient?.disconnect();
    await this.session?.close();
    await this.metricsServer?.close().catch(() => {});
    const report = { reason, leftoverOrders, fillsRecorded: this.book?.fillsRecorded ?? 0 };
    this.log.info(report, 'engine stopped');
    return report;
  }

  private running(part: 'bus'): EngineBus {
    if (!this.engineBus) throw new Error(`the engine's ${part} is not connected`);
    return this.engineBus;
  }
}
