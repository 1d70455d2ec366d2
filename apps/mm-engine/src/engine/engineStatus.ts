import { ENVELOPE_VERSION } from '@mm/contracts';
import type { EngineConfig } from '../config/engineConfigSchema.js';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import type { EngineBus } from './engineBus.js';
import type { InventoryBook } from './inventoryBook.js';
import type { KillSwitch } from './killSwitch.js';
import type { ModelRegistry } from './modelRegistry.js';
import type { QuotingLegs } from './quotingLegs.js';
import { betterQuote, buildSnapshot } from './snapshot.js';

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
  /**
   * The book as one portfolio: the deciding policy, `q' Sigma q` (quote currency^2 per second;
   * `NaN` before quoting starts) and the P&L totals over every asset, quote currency.
   */
  portfolio: {
    model: string;
    risk: number;
    realizedQuote: number;
    unrealizedQuote: number;
  };
  fills: number;
  ledgerQueued: number;
}

/** The running parts a status is read from. */
export interface StatusSources {
  config: EngineConfig;
  bus: EngineBus;
  book: InventoryBook;
  legs: QuotingLegs;
  models: ModelRegistry;
  killSwitch: KillSwitch;
  metrics: EngineMetrics;
  /** `source` of published snapshots (`engine:<session tag>`). */
  source: string;
  /** Epoch milliseconds. */
  nowMs: () => number;
}

/** The engine's status: read on demand, and published periodically as gauges and a bus snapshot. */
export class StatusReporter {
  constructor(private readonly s: StatusSources) {}

  status(): EngineStatus {
    const { config, book, legs, models, killSwitch, bus } = this.s;
    const portfolio = book.portfolio;
    const assets = config.assets.map((a) => {
      const mid = legs.midPrice(a.symbol);
      return {
        asset: a.symbol,
        midPrice: mid,
        inventoryLots: portfolio.inventoryLots(a.symbol, a.lotSizeBase),
        realizedQuote: portfolio.realized(a.symbol),
        unrealizedQuote: Number.isFinite(mid) ? portfolio.unrealized(a.symbol, mid) : 0,
        quotes: legs.quotes(a.symbol),
        volPerSqrtSec: legs.volPerSqrtSec(a.symbol),
        regime: models.regimeName(a.symbol),
      };
    });
    const k = killSwitch.state;
    return {
      transport: bus.kind,
      killed: k.global.size > 0,
      killReasons: [...k.global.entries()].map(([key, v]) => `${key}: ${v}`),
      assets,
      portfolio: {
        model: legs.portfolio?.model ?? 'independent',
        risk: legs.portfolio?.risk() ?? Number.NaN,
        realizedQuote: assets.reduce((s, a) => s + a.realizedQuote, 0),
        unrealizedQuote: assets.reduce((s, a) => s + a.unrealizedQuote, 0),
      },
      fills: book.fillsRecorded,
      ledgerQueued: book.queued,
    };
  }

  /** Inventory notional at current mids, gauges, and the bus snapshot. */
  publish(): void {
    const { config, bus, book, legs, models, metrics } = this.s;
    book.refresh();
    const stats = bus.transport.stats();
    metrics.redisPublishLag.set({ stream: 'all' }, stats.lastPublishLagMs / 1000);
    const status = this.status();
    const assets = new Map(config.assets.map((a) => [a.symbol, a]));
    for (const a of status.assets) metrics.onAssetStatus(a, assets.get(a.asset)!);
    legs.updateSpreadGauges();
    models.updateRegimeGauges();
    bus.publish(bus.names.snapshots, {
      v: ENVELOPE_VERSION,
      type: 'snapshot',
      ts: this.s.nowMs(),
      source: this.s.source,
      payload: buildSnapshot(
        status.assets.map((a) => {
          let bid: { price: number; lots: number } | null = null;
          let ask: { price: number; lots: number } | null = null;
          const size = assets.get(a.asset)?.quoteSizeLots ?? 1;
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
}
