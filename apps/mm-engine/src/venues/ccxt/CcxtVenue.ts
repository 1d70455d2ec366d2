import { createHash } from 'node:crypto';
import {
  ArgumentsRequired,
  type Balances,
  type Exchange,
  type MarketInterface,
  type Order,
  type OrderBook,
  type Position,
  pro,
  type Trade,
} from 'ccxt';
import {
  concatMap,
  defer,
  from,
  mergeMap,
  type Observable,
  repeat,
  retry,
  Subject,
  Subscription,
  throwError,
  timer,
} from 'rxjs';
import type { CcxtVenueConfig } from '../../config/engineConfigSchema.js';
import type { BookEvent, BookLevel } from '../../model/book.js';
import {
  type MarketInfo,
  type MarketTrade,
  type OrderRequest,
  type OrderSide,
  type OrderStatus,
  type Venue,
  type VenueCapabilities,
  VenueError,
  type VenueFill,
  type VenueOrder,
  type VenuePositions,
} from '../Venue.js';
import { classifyError, parseRetryAfterMs } from './classifyError.js';
import { type LoadedCredentials, loadCredentials, redactSecrets } from './credentials.js';

/** Structured logger (pino-compatible): `logger.warn({ ...fields }, 'message')`. */
export interface CcxtVenueLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface CcxtVenueDeps {
  /** Engine clock, epoch ms: stamps `BookEvent.tMs`. */
  nowMs: () => number;
  /** Environment for `credentials.env` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Reads `credentials.file` as UTF-8 (default `fs.promises.readFile`). */
  readFile?: (path: string) => Promise<string>;
  /** Every line is redacted before it gets here (default: silent). */
  logger?: CcxtVenueLogger;
  /** Book levels per side in `BookEvent`s (default 10). */
  bookDepth?: number;
  /** Stream resubscription backoff: first delay, doubled per failure up to the cap, ms
   * (default 250 / 30000); reset once the stream delivers again. */
  streamRetry?: { initialDelayMs: number; maxDelayMs: number };
  /** ccxt settings outside `options`: rate limiter (default on), REST timeout ms (default ccxt's). */
  ccxt?: { enableRateLimit?: boolean; timeoutMs?: number };
}

/** ccxt options the adapter sets per exchange unless `config.options` overrides them. */
const EXCHANGE_DEFAULT_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  // ccxt attaches its builder to every Hyperliquid order and, by default, charges a builder fee
  // (0.01% of notional) on top of the venue's: a market maker does not pay that by default.
  hyperliquid: { builderFee: false },
};

/** ccxt's `precisionMode` values (`ccxt/js/src/base/functions/number.js`). */
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/** Fill ids remembered for deduplication (Hyperliquid re-sends up to 2000 on resubscribe). */
const SEEN_FILLS_CAPACITY = 20_000;
/** Public trade ids remembered for deduplication, every asset together. */
const SEEN_TRADES_CAPACITY = 20_000;
/** Client/venue order id pairs remembered. */
const ID_MAP_CAPACITY = 100_000;
/** Longest wait for in-flight placements before a fill of an unknown order is emitted, ms. */
const INFLIGHT_WAIT_MS = 2_000;
/** Rounds of "list open orders, cancel them" in `cancelAll`. */
const CANCEL_ALL_ROUNDS = 3;
/** Pages of `fetchMyTrades` in `fillsSince`. */
const MAX_FILL_PAGES = 50;

const VENUE_CLIENT_ID = /^0x[0-9a-f]{32}$/;
const OID_HANDLE = /^oid:(.+)$/;
/**
 * An immediate-or-cancel order that found nothing to take: Hyperliquid answers it as an error
 * (`iocCancelRejected`); for the engine it is an ioc order canceled with nothing filled.
 */
const IOC_NO_MATCH = /could not immediately match/i;

/**
 * The venue client order id of an engine client order id: `0x` + 32 hex characters (the first 16
 * bytes of its SHA-256), the shape Hyperliquid's `cloid` requires. Ids already in that shape pass
 * through, so an order listed under its raw cloid (placed by an earlier session) can be cancelled.
 */
export function toVenueClientId(engineClientOrderId: string): string {
  if (VENUE_CLIENT_ID.test(engineClientOrderId)) return engineClientOrderId;
  return `0x${createHash('sha256').update(engineClientOrderId).digest('hex').slice(0, 32)}`;
}

/** A `Map` that forgets its oldest entries beyond `capacity`. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly capacity: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (this.has(key)) this.delete(key);
    super.set(key, value);
    while (this.size > this.capacity) {
      const oldest = this.keys().next();
      if (oldest.done === true) break;
      this.delete(oldest.value);
    }
    return this;
  }
}

/** One configured instrument after `connect`. */
interface Instrument {
  info: MarketInfo;
  market: MarketInterface;
  /** Base units per contract (1 for spot and Hyperliquid perps). */
  contractSize: number;
}

/** What the adapter remembers about an order it placed. */
interface OrderRecord {
  asset: string;
  side: OrderSide;
  postOnly: boolean;
  venueClientId: string;
  venueOrderId: string | undefined;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/** A ccxt trade's id, price, amount and side when all are usable (venue data is bad input). */
function checkedTrade(
  trade: Trade,
): { id: string; price: number; amount: number; side: 'buy' | 'sell' } | undefined {
  const price = finite(trade.price);
  const amount = finite(trade.amount);
  const { id, side } = trade;
  if (typeof id !== 'string' || id === '' || price === undefined || price <= 0) return undefined;
  if (amount === undefined || amount <= 0 || (side !== 'buy' && side !== 'sell')) return undefined;
  return { id, price, amount, side };
}

function finite(x: unknown): number | undefined {
  const n = typeof x === 'string' ? Number(x) : x;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Step of a ccxt precision value in `precisionMode`. */
function precisionStep(value: unknown, mode: number): number | undefined {
  const p = finite(value);
  if (p === undefined) return undefined;
  if (mode === TICK_SIZE) return p > 0 ? p : undefined;
  if (mode === DECIMAL_PLACES) return 10 ** -p;
  return undefined;
}

/** Replace every URL string in a ccxt `urls.api` sub-tree with `url`. */
function replaceUrls(node: unknown, url: string): unknown {
  if (typeof node === 'string') return url;
  if (isRecord(node)) {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, replaceUrls(v, url)]));
  }
  return node;
}

/**
 * A ccxt exchange as a `Venue`: REST (ccxt) for orders, open orders, positions and fill history;
 * ccxt.pro websockets (`watchOrderBook`, `watchTrades`, `watchMyTrades`, `watchOrders`) for books,
 * public trades, fills and order updates, as hot rxjs streams that resubscribe with backoff after
 * any error (a dropped websocket included). Fills and public trades are deduplicated by id (a
 * resubscription may repeat recent ones); an order update identical to the last one reported for
 * that order is dropped. Without trading credentials only books and trades flow.
 *
 * Engine client order ids map to venue client ids with `toVenueClientId`; the adapter keeps the
 * reverse maps (venue client id and venue order id -> engine id) so fills and open orders carry
 * engine ids. Orders are always limit orders; `postOnly` becomes ccxt's `postOnly` (Hyperliquid
 * `Alo`), `timeInForce: 'ioc'` ccxt's `timeInForce: 'IOC'` (a taker order; the answer is `filled`
 * or `canceled` with the executed part). Venue data is checked at the edge: non-finite prices or sizes never reach the engine.
 */
export class CcxtVenue implements Venue {
  readonly name: string;
  private caps: VenueCapabilities = { editOrder: false };
  private exchange: Exchange | undefined;
  private connecting: Promise<void> | undefined;
  private credentials: LoadedCredentials = { fields: {}, secrets: [] };
  private readonly assets: readonly string[];
  private readonly instruments = new Map<string, Instrument>();
  private readonly assetBySymbol = new Map<string, string>();
  private readonly bookSubjects = new Map<string, Subject<BookEvent>>();
  private readonly fillSubject = new Subject<VenueFill>();
  private readonly tradeSubjects = new Map<string, Subject<MarketTrade>>();
  private readonly orderSubject = new Subject<VenueOrder>();
  private streams = new Subscription();
  private readonly orders = new BoundedMap<string, OrderRecord>(ID_MAP_CAPACITY);
  private readonly engineIdByVenueClientId = new BoundedMap<string, string>(ID_MAP_CAPACITY);
  private readonly engineIdByVenueOrderId = new BoundedMap<string, string>(ID_MAP_CAPACITY);
  private readonly seenFills = new BoundedMap<string, true>(SEEN_FILLS_CAPACITY);
  private readonly seenTrades = new BoundedMap<string, true>(SEEN_TRADES_CAPACITY);
  /** Last reported `status filledBase` per venue order id (drops repeated order updates). */
  private readonly lastOrderState = new BoundedMap<string, string>(ID_MAP_CAPACITY);
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly bookDepth: number;
  private readonly streamRetry: { initialDelayMs: number; maxDelayMs: number };
  private closed = false;

  constructor(
    private readonly config: CcxtVenueConfig,
    private readonly deps: CcxtVenueDeps,
  ) {
    this.name = config.name;
    this.assets = (config.assets ?? Object.keys(config.symbols)).filter(
      (a) => config.symbols[a] !== undefined,
    );
    for (const asset of this.assets) {
      this.bookSubjects.set(asset, new Subject<BookEvent>());
      this.tradeSubjects.set(asset, new Subject<MarketTrade>());
    }
    this.bookDepth = Math.max(1, Math.floor(deps.bookDepth ?? 10));
    this.streamRetry = deps.streamRetry ?? { initialDelayMs: 250, maxDelayMs: 30_000 };
  }

  /** `editOrder` is ccxt's `exchange.has.editOrder` (known after `connect`). */
  get capabilities(): VenueCapabilities {
    return this.caps;
  }

  /** Load credentials and markets, then open the streams. Idempotent. */
  connect(): Promise<void> {
    if (this.closed) return Promise.reject(this.fatal('venue is closed'));
    if (this.connecting === undefined) {
      this.connecting = this.doConnect().catch(async (error: unknown) => {
        this.connecting = undefined;
        const exchange = this.exchange;
        this.exchange = undefined;
        await exchange?.close().catch(() => undefined);
        const e = this.classify(error, exchange);
        this.log('error', { op: 'connect', kind: e.kind }, e.message);
        throw e;
      });
    }
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    const { config } = this;
    if (config.mode === 'paper' && config.urls?.rest === undefined && !config.sandbox) {
      throw this.fatal('paper mode needs urls.rest (a test server) or sandbox: true');
    }
    this.credentials = await loadCredentials(config, {
      ...(this.deps.env === undefined ? {} : { env: this.deps.env }),
      ...(this.deps.readFile === undefined ? {} : { readFile: this.deps.readFile }),
    });
    const exchange = this.createExchange();
    this.exchange = exchange;
    // ccxt refuses plain ws:// URLs (a local server) until its HTTP agent is loaded.
    await exchange.loadHttpProxyAgent();
    await exchange.loadMarkets(true);
    this.loadInstruments(exchange);
    this.caps = { editOrder: exchange.has.editOrder === true };
    const canTrade = exchange.checkRequiredCredentials(false);
    if (canTrade) {
      // Seed the dedupe set: the fill stream's first (snapshot) message repeats history, which
      // `fillsSince` serves; only executions after connect go to `fills()`.
      const history = await exchange.fetchMyTrades();
      for (const t of history) if (typeof t.id === 'string') this.seenFills.set(t.id, true);
    } else {
      this.log(
        'warn',
        {},
        'no trading credentials: fills() and orderUpdates() stay silent, orders will fail',
      );
    }
    if (this.closed) throw this.fatal('closed while connecting');
    this.startStreams(exchange, canTrade);
    this.log('info', { assets: this.assets, editOrder: this.caps.editOrder }, 'connected');
  }

  private createExchange(): Exchange {
    const { config, deps } = this;
    const constructors = pro as unknown as Record<string, unknown>;
    const Ctor = constructors[config.exchange] as
      | (new (
          settings: Record<string, unknown>,
        ) => Exchange)
      | undefined;
    if (typeof Ctor !== 'function') {
      throw this.fatal(`ccxt.pro has no exchange '${config.exchange}'`);
    }
    const settings: Record<string, unknown> = {
      enableRateLimit: deps.ccxt?.enableRateLimit ?? true,
      options: { ...EXCHANGE_DEFAULT_OPTIONS[config.exchange], ...config.options },
      ...this.credentials.fields,
    };
    if (deps.ccxt?.timeoutMs !== undefined) settings.timeout = deps.ccxt.timeoutMs;
    const exchange = new Ctor(settings);
    if (config.sandbox) exchange.setSandboxMode(true);
    const { rest, ws } = config.urls ?? {};
    if (rest !== undefined || ws !== undefined) {
      const api: Record<string, unknown> = isRecord(exchange.urls.api) ? exchange.urls.api : {};
      const next: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(api)) {
        const url = key === 'ws' ? ws : rest;
        next[key] = url === undefined ? value : replaceUrls(value, url.replace(/\/+$/, ''));
      }
      if (ws !== undefined && next.ws === undefined) next.ws = { public: ws };
      exchange.urls.api = next as typeof exchange.urls.api;
    }
    return exchange;
  }

  private loadInstruments(exchange: Exchange): void {
    for (const asset of this.assets) {
      const configured = this.config.symbols[asset] ?? '';
      let market: MarketInterface | undefined;
      try {
        // `market()` also resolves exchange-specific aliases (Hyperliquid `UBTC/USDC` -> `BTC/USDC`).
        market = exchange.market(configured);
      } catch {
        market = undefined;
      }
      if (market === undefined) {
        throw this.fatal(`the venue does not list '${configured}' (asset ${asset})`);
      }
      const symbol = market.symbol;
      const mode = exchange.precisionMode ?? TICK_SIZE;
      const tickSize = precisionStep(market.precision.price, mode);
      const contractSize = market.contract ? (finite(market.contractSize) ?? 1) : 1;
      const amountStep = precisionStep(market.precision.amount, mode);
      if (tickSize === undefined || amountStep === undefined || !(contractSize > 0)) {
        throw this.fatal(`'${symbol}' has no usable price/amount precision`);
      }
      const minAmount = finite(market.limits.amount?.min) ?? 0;
      this.instruments.set(asset, {
        info: {
          asset,
          venueSymbol: symbol,
          tickSize,
          sizeStepBase: amountStep * contractSize,
          minSizeBase: minAmount * contractSize,
        },
        market,
        contractSize,
      });
      this.assetBySymbol.set(symbol, asset);
    }
  }

  // ---- streams ------------------------------------------------------------------------------

  private startStreams(exchange: Exchange, withFills: boolean): void {
    for (const [asset, inst] of this.instruments) {
      const subject = this.bookSubjects.get(asset);
      if (subject === undefined) continue;
      const symbol = inst.info.venueSymbol;
      this.streams.add(
        this.watchLoop(`books ${asset}`, () => this.watchBook(exchange, symbol)).subscribe({
          next: (book) => {
            const event = this.toBookEvent(asset, inst, book);
            if (event !== undefined) subject.next(event);
          },
        }),
      );
      const trades = this.tradeSubjects.get(asset);
      if (trades === undefined) continue;
      if (!exchange.has.watchTrades) {
        this.log('warn', { asset }, 'the exchange has no watchTrades: trades() stays silent');
        continue;
      }
      this.streams.add(
        this.watchLoop(`trades ${asset}`, () => this.watchTrades(exchange, symbol)).subscribe({
          next: (list) => {
            for (const trade of this.toMarketTrades(asset, inst, list)) trades.next(trade);
          },
        }),
      );
    }
    if (!withFills) return;
    this.streams.add(
      this.watchLoop('fills', () => this.watchFills(exchange))
        .pipe(
          concatMap((trades) => from(this.toFills(trades))),
          mergeMap((fills) => fills),
        )
        .subscribe({ next: (fill) => this.fillSubject.next(fill) }),
    );
    if (!exchange.has.watchOrders) {
      this.log('warn', {}, 'the exchange has no watchOrders: orderUpdates() stays silent');
      return;
    }
    this.streams.add(
      this.watchLoop('orders', () => this.watchOrders(exchange))
        .pipe(
          concatMap((orders) => from(this.toOrderUpdates(orders))),
          mergeMap((updates) => updates),
        )
        .subscribe({ next: (update) => this.orderSubject.next(update) }),
    );
  }

  private watchBook(exchange: Exchange, symbol: string): Promise<OrderBook> {
    return exchange.watchOrderBook(symbol);
  }

  private watchTrades(exchange: Exchange, symbol: string): Promise<Trade[]> {
    return exchange.watchTrades(symbol);
  }

  private watchFills(exchange: Exchange): Promise<Trade[]> {
    return exchange.watchMyTrades();
  }

  private watchOrders(exchange: Exchange): Promise<Order[]> {
    return exchange.watchOrders();
  }

  /**
   * Call `watch` again after every result; on an error log it, wait (doubling from
   * `streamRetry.initialDelayMs` up to `maxDelayMs`) and call it again. Never errors.
   */
  private watchLoop<T>(stream: string, watch: () => Promise<T>): Observable<T> {
    const { initialDelayMs, maxDelayMs } = this.streamRetry;
    return defer(() => watch()).pipe(
      repeat(),
      retry({
        resetOnSuccess: true,
        delay: (error: unknown, attempt: number) => {
          const e = this.classify(error);
          const delayMs = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 30));
          this.log(
            e.kind === 'fatal' ? 'error' : 'warn',
            { stream, kind: e.kind, attempt, delayMs },
            `stream failed, resubscribing: ${e.message}`,
          );
          return timer(delayMs);
        },
      }),
    );
  }

  /** Top `bookDepth` valid levels per side; bad levels are dropped and logged. */
  private toBookEvent(asset: string, inst: Instrument, book: OrderBook): BookEvent | undefined {
    try {
      let dropped = 0;
      const side = (levels: ReadonlyArray<ReadonlyArray<unknown>>): BookLevel[] => {
        const out: BookLevel[] = [];
        for (const level of levels) {
          if (out.length >= this.bookDepth) break;
          const price = Array.isArray(level) ? finite(level[0]) : undefined;
          const amount = Array.isArray(level) ? finite(level[1]) : undefined;
          if (price === undefined || price <= 0 || amount === undefined || amount < 0) {
            dropped += 1;
            continue;
          }
          out.push([price, amount * inst.contractSize]);
        }
        return out;
      };
      const event: BookEvent = {
        tMs: this.deps.nowMs(),
        bids: side(Array.isArray(book.bids) ? book.bids : []),
        asks: side(Array.isArray(book.asks) ? book.asks : []),
      };
      if (dropped > 0) this.log('warn', { asset, dropped }, 'dropped invalid book levels');
      return event;
    } catch (error) {
      this.log('warn', { asset, error: String(error) }, 'dropped an unreadable book');
      return undefined;
    }
  }

  /** New, valid public trades of `asset`; repeats are skipped, bad ones dropped and logged. */
  private toMarketTrades(asset: string, inst: Instrument, list: readonly Trade[]): MarketTrade[] {
    const out: MarketTrade[] = [];
    for (const trade of Array.isArray(list) ? list : []) {
      try {
        const checked = checkedTrade(trade);
        if (!checked) {
          this.log(
            'warn',
            { asset, tradeId: trade.id },
            'dropped a trade with invalid id, price, size or side',
          );
          continue;
        }
        const { id, price, amount, side } = checked;
        const key = `${asset}:${id}`;
        if (this.seenTrades.has(key)) continue;
        this.seenTrades.set(key, true);
        let tsMs = finite(trade.timestamp);
        if (tsMs === undefined) {
          this.log(
            'warn',
            { asset, tradeId: id },
            'trade without a timestamp: using the engine clock',
          );
          tsMs = this.deps.nowMs();
        }
        out.push({
          asset,
          venue: this.name,
          price,
          sizeBase: amount * inst.contractSize,
          takerSide: side,
          tsMs,
          tradeId: id,
        });
      } catch (error) {
        this.log('warn', { asset, error: String(error) }, 'dropped an unreadable trade');
      }
    }
    return out;
  }

  /** Our orders' changes with engine client ids; unchanged repeats and bad ones are dropped. */
  private async toOrderUpdates(orders: readonly Order[]): Promise<VenueOrder[]> {
    const out: VenueOrder[] = [];
    for (const order of Array.isArray(orders) ? orders : []) {
      try {
        const venueClientId =
          typeof order.clientOrderId === 'string' ? order.clientOrderId : undefined;
        const venueOrderId = typeof order.id === 'string' ? order.id : undefined;
        if (this.engineIdOf(venueClientId, venueOrderId) === null && this.inflight.size > 0) {
          // The update may have overtaken the acknowledgement that tells us its venue order id.
          await this.settleInflight();
        }
        const update = this.toVenueOrder(order, 'order update');
        if (update === undefined) continue;
        const state = `${update.status} ${update.filledBase}`;
        if (this.lastOrderState.get(update.venueOrderId) === state) continue;
        this.lastOrderState.set(update.venueOrderId, state);
        out.push(update);
      } catch (error) {
        this.log('warn', { error: String(error) }, 'dropped an unreadable order update');
      }
    }
    return out;
  }

  private async toFills(trades: readonly Trade[]): Promise<VenueFill[]> {
    const out: VenueFill[] = [];
    for (const trade of trades) {
      try {
        const id = trade.id;
        if (typeof id !== 'string' || id === '' || this.seenFills.has(id)) continue;
        this.seenFills.set(id, true);
        const fill = await this.toFill(trade, true);
        if (fill !== undefined) out.push(fill);
      } catch (error) {
        this.log('warn', { error: String(error) }, 'dropped an unreadable fill');
      }
    }
    return out;
  }

  /** A ccxt trade as a `VenueFill`; `undefined` (logged) for other markets or bad data. */
  private async toFill(trade: Trade, waitForPlacements: boolean): Promise<VenueFill | undefined> {
    const asset =
      typeof trade.symbol === 'string' ? this.assetBySymbol.get(trade.symbol) : undefined;
    const inst = asset === undefined ? undefined : this.instruments.get(asset);
    if (asset === undefined || inst === undefined) {
      this.log(
        'debug',
        { symbol: trade.symbol, fillId: trade.id },
        'ignored a fill of an unconfigured market',
      );
      return undefined;
    }
    const checked = checkedTrade(trade);
    if (!checked) {
      this.log(
        'warn',
        { asset, fillId: trade.id },
        'dropped a fill with invalid id, price, size or side',
      );
      return undefined;
    }
    const { price, amount, side } = checked;
    const info: unknown = trade.info;
    const venueClientId = isRecord(info) && typeof info.cloid === 'string' ? info.cloid : undefined;
    const venueOrderId = typeof trade.order === 'string' ? trade.order : undefined;
    let clientOrderId = this.engineIdOf(venueClientId, venueOrderId);
    if (clientOrderId === null && waitForPlacements && this.inflight.size > 0) {
      // The fill may have overtaken the acknowledgement that tells us its venue order id.
      await this.settleInflight();
      clientOrderId = this.engineIdOf(venueClientId, venueOrderId);
    }
    // Fees in the base currency (Hyperliquid spot buys) are converted at the fill price.
    const feeCurrency =
      isRecord(info) && typeof info.feeToken === 'string' ? info.feeToken : trade.fee?.currency;
    let feeQuote = finite(trade.fee?.cost) ?? 0;
    if (feeCurrency !== undefined && feeCurrency === inst.market.base) feeQuote *= price;
    // ccxt's websocket trades of some exchanges (Hyperliquid) leave takerOrMaker empty.
    const crossed = isRecord(info) && typeof info.crossed === 'boolean' ? info.crossed : undefined;
    const role =
      trade.takerOrMaker === 'maker' || trade.takerOrMaker === 'taker'
        ? trade.takerOrMaker
        : crossed === false
          ? 'maker'
          : 'taker';
    let tsMs = finite(trade.timestamp);
    if (tsMs === undefined) {
      this.log(
        'warn',
        { asset, fillId: trade.id },
        'fill without a timestamp: using the engine clock',
      );
      tsMs = this.deps.nowMs();
    }
    return {
      fillId: checked.id,
      venue: this.name,
      asset,
      clientOrderId,
      side,
      price,
      sizeBase: amount * inst.contractSize,
      role,
      feeQuote,
      tsMs,
    };
  }

  private async settleInflight(): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inflight]),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, INFLIGHT_WAIT_MS);
      }),
    ]);
    clearTimeout(timeout);
  }

  private engineIdOf(
    venueClientId: string | undefined,
    venueOrderId: string | undefined,
  ): string | null {
    if (venueClientId !== undefined) {
      const id = this.engineIdByVenueClientId.get(venueClientId);
      if (id !== undefined) return id;
    }
    if (venueOrderId !== undefined) {
      const id = this.engineIdByVenueOrderId.get(venueOrderId);
      if (id !== undefined) return id;
    }
    return null;
  }

  // ---- Venue --------------------------------------------------------------------------------

  market(asset: string): MarketInfo {
    const inst = this.instruments.get(asset);
    if (inst === undefined) {
      throw this.fatal(
        this.exchange === undefined
          ? `market('${asset}') before connect()`
          : `no market for asset '${asset}' on this venue`,
      );
    }
    return inst.info;
  }

  books(asset: string): Observable<BookEvent> {
    const subject = this.bookSubjects.get(asset);
    if (subject === undefined) {
      return throwError(() => this.fatal(`no symbol configured for asset '${asset}'`));
    }
    return subject.asObservable();
  }

  fills(): Observable<VenueFill> {
    return this.fillSubject.asObservable();
  }

  trades(asset: string): Observable<MarketTrade> {
    const subject = this.tradeSubjects.get(asset);
    if (subject === undefined) {
      return throwError(() => this.fatal(`no symbol configured for asset '${asset}'`));
    }
    return subject.asObservable();
  }

  orderUpdates(): Observable<VenueOrder> {
    return this.orderSubject.asObservable();
  }

  async placeOrder(request: OrderRequest): Promise<VenueOrder> {
    const { exchange, inst } = this.ready(request.asset);
    const { price, sizeBase } = request;
    if (!Number.isFinite(price) || price <= 0 || !Number.isFinite(sizeBase) || sizeBase <= 0) {
      throw new VenueError('rejected', this.name, `invalid price ${price} or size ${sizeBase}`);
    }
    const symbol = inst.info.venueSymbol;
    const venueClientId = toVenueClientId(request.clientOrderId);
    const record: OrderRecord = {
      asset: request.asset,
      side: request.side,
      postOnly: request.postOnly,
      venueClientId,
      venueOrderId: undefined,
    };
    // Remember the mapping before sending: a fill can arrive before the acknowledgement.
    this.orders.set(request.clientOrderId, record);
    this.engineIdByVenueClientId.set(venueClientId, request.clientOrderId);
    const ioc = request.timeInForce === 'ioc';
    if (ioc && request.postOnly) {
      throw new VenueError('rejected', this.name, 'an ioc order cannot be post-only');
    }
    const sent = this.rounded(exchange, symbol, price, sizeBase / inst.contractSize);
    const placing = this.rest('placeOrder', () =>
      exchange.createOrder(symbol, 'limit', request.side, sent.amount, sent.price, {
        clientOrderId: venueClientId,
        ...(ioc ? { timeInForce: 'IOC' } : { postOnly: request.postOnly }),
      }),
    );
    this.inflight.add(placing);
    try {
      const order = await placing;
      const ack = this.acknowledged(order, record, request.clientOrderId, sent, inst.contractSize);
      // An ioc order never rests: what did not fill at once is canceled.
      if (ioc && ack.filledBase < ack.sizeBase * (1 - 1e-9)) return { ...ack, status: 'canceled' };
      return ack;
    } catch (error) {
      if (ioc && error instanceof VenueError && IOC_NO_MATCH.test(error.message)) {
        return {
          asset: request.asset,
          clientOrderId: request.clientOrderId,
          venueOrderId: '',
          side: request.side,
          price: sent.price,
          sizeBase: sent.amount * inst.contractSize,
          filledBase: 0,
          status: 'canceled',
        };
      }
      throw error;
    } finally {
      this.inflight.delete(placing);
    }
  }

  async editOrder(
    asset: string,
    clientOrderId: string,
    change: { newClientOrderId: string; price: number; sizeBase: number },
  ): Promise<VenueOrder> {
    const { exchange, inst } = this.ready(asset);
    if (!this.caps.editOrder) {
      throw new VenueError('fatal', this.name, 'this exchange cannot edit orders');
    }
    const { price, sizeBase } = change;
    if (!Number.isFinite(price) || price <= 0 || !Number.isFinite(sizeBase) || sizeBase <= 0) {
      throw new VenueError('rejected', this.name, `invalid price ${price} or size ${sizeBase}`);
    }
    const symbol = inst.info.venueSymbol;
    const current = await this.findOrder(asset, clientOrderId);
    if (current?.venueOrderId === undefined) {
      throw new VenueError('notFound', this.name, `order ${clientOrderId} is not open`);
    }
    const venueClientId = toVenueClientId(change.newClientOrderId);
    const record: OrderRecord = { ...current, venueClientId, venueOrderId: undefined };
    this.orders.set(change.newClientOrderId, record);
    this.engineIdByVenueClientId.set(venueClientId, change.newClientOrderId);
    const sent = this.rounded(exchange, symbol, price, sizeBase / inst.contractSize);
    const oldVenueOrderId = current.venueOrderId;
    const editing = this.rest('editOrder', () =>
      exchange.editOrder(oldVenueOrderId, symbol, 'limit', current.side, sent.amount, sent.price, {
        clientOrderId: venueClientId,
        postOnly: current.postOnly,
      }),
    );
    this.inflight.add(editing);
    try {
      const order = await editing;
      return this.acknowledged(order, record, change.newClientOrderId, sent, inst.contractSize);
    } finally {
      this.inflight.delete(editing);
    }
  }

  async cancelOrder(asset: string, clientOrderId: string): Promise<void> {
    const { exchange, inst } = this.ready(asset);
    const symbol = inst.info.venueSymbol;
    const handle = OID_HANDLE.exec(clientOrderId);
    if (handle?.[1] !== undefined) {
      const venueOrderId = handle[1];
      await this.rest('cancelOrder', () => exchange.cancelOrder(venueOrderId, symbol));
      return;
    }
    const record = this.orders.get(clientOrderId);
    const venueClientId = toVenueClientId(clientOrderId);
    await this.rest('cancelOrder', () =>
      exchange.cancelOrder(record?.venueOrderId ?? '', symbol, { clientOrderId: venueClientId }),
    );
  }

  async cancelAll(asset?: string): Promise<void> {
    const { exchange } = this.ready(asset);
    for (let round = 0; round < CANCEL_ALL_ROUNDS; round += 1) {
      const open = await this.openOrders(asset);
      if (open.length === 0) return;
      const byAsset = new Map<string, string[]>();
      for (const o of open) byAsset.set(o.asset, [...(byAsset.get(o.asset) ?? []), o.venueOrderId]);
      for (const [a, ids] of byAsset) {
        const symbol = this.market(a).venueSymbol;
        try {
          if (exchange.has.cancelOrders === true) {
            await this.rest('cancelAll', () => exchange.cancelOrders(ids, symbol));
          } else {
            for (const id of ids)
              await this.rest('cancelAll', () => exchange.cancelOrder(id, symbol));
          }
        } catch (error) {
          // An order that filled or was cancelled meanwhile: list again and go on.
          if (!(error instanceof VenueError && error.kind === 'notFound')) throw error;
        }
      }
    }
    const left = await this.openOrders(asset);
    if (left.length > 0) {
      throw new VenueError(
        'transient',
        this.name,
        `${left.length} orders still open after cancelAll`,
      );
    }
  }

  async openOrders(asset?: string): Promise<VenueOrder[]> {
    const { exchange, inst } = this.ready(asset);
    let orders: Order[];
    if (inst !== undefined) {
      const symbol = inst.info.venueSymbol;
      orders = await this.rest('openOrders', () => exchange.fetchOpenOrders(symbol));
    } else {
      try {
        orders = await exchange.fetchOpenOrders();
      } catch (error) {
        // Exchanges that need a symbol: list each configured market.
        if (!(error instanceof ArgumentsRequired)) throw this.failed('openOrders', error);
        orders = [];
        for (const i of this.instruments.values()) {
          const symbol = i.info.venueSymbol;
          orders.push(...(await this.rest('openOrders', () => exchange.fetchOpenOrders(symbol))));
        }
      }
    }
    const out: VenueOrder[] = [];
    for (const o of orders) {
      const mapped = this.toVenueOrder(o);
      if (mapped !== undefined && (asset === undefined || mapped.asset === asset)) out.push(mapped);
    }
    return out;
  }

  async positions(): Promise<VenuePositions> {
    const { exchange } = this.ready(undefined);
    const baseByAsset: Record<string, number> = {};
    const contracts = [...this.instruments.values()].filter((i) => i.market.contract === true);
    const spot = [...this.instruments.values()].filter((i) => i.market.spot === true);
    if (contracts.length > 0) {
      const symbols = contracts.map((i) => i.info.venueSymbol);
      const list: Position[] = await this.rest('positions', () => exchange.fetchPositions(symbols));
      for (const p of list) {
        const asset = typeof p.symbol === 'string' ? this.assetBySymbol.get(p.symbol) : undefined;
        const inst = asset === undefined ? undefined : this.instruments.get(asset);
        const size = finite(p.contracts);
        if (asset === undefined || inst === undefined) continue;
        if (size === undefined) {
          this.log('warn', { asset }, 'dropped a position with an invalid size');
          continue;
        }
        const signed = (p.side === 'short' ? -Math.abs(size) : Math.abs(size)) * inst.contractSize;
        baseByAsset[asset] = (baseByAsset[asset] ?? 0) + signed;
      }
    }
    if (spot.length > 0) {
      const balance: Balances = await this.rest('positions', () =>
        exchange.fetchBalance({ type: 'spot' }),
      );
      for (const inst of spot) {
        const total = finite(balance[inst.market.base]?.total);
        if (total !== undefined) baseByAsset[inst.info.asset] = total;
      }
    }
    return { baseByAsset };
  }

  async fillsSince(sinceMs: number): Promise<VenueFill[]> {
    const { exchange } = this.ready(undefined);
    const byId = new Map<string, VenueFill>();
    let since = Math.max(0, Math.floor(sinceMs));
    for (let page = 0; page < MAX_FILL_PAGES; page += 1) {
      const from = since;
      const trades = await this.rest('fillsSince', () => exchange.fetchMyTrades(undefined, from));
      let added = 0;
      let lastMs = since;
      for (const t of trades) {
        if (typeof t.id !== 'string' || byId.has(t.id)) continue;
        const fill = await this.toFill(t, false);
        if (fill === undefined) continue;
        byId.set(fill.fillId, fill);
        added += 1;
        lastMs = Math.max(lastMs, fill.tsMs);
      }
      if (added === 0 || lastMs <= since) break;
      since = lastMs;
    }
    return [...byId.values()].filter((f) => f.tsMs >= sinceMs).sort((a, b) => a.tsMs - b.tsMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    this.streams.unsubscribe();
    this.streams = new Subscription();
    for (const subject of this.bookSubjects.values()) subject.complete();
    for (const subject of this.tradeSubjects.values()) subject.complete();
    this.fillSubject.complete();
    this.orderSubject.complete();
    const exchange = this.exchange;
    this.exchange = undefined;
    try {
      await exchange?.close();
    } catch (error) {
      this.log('debug', { error: String(error) }, 'error while closing ccxt');
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** The connected exchange and, when `asset` is given, its instrument (else `fatal`). */
  private ready(asset: string): { exchange: Exchange; inst: Instrument };
  private ready(asset: string | undefined): { exchange: Exchange; inst: Instrument | undefined };
  private ready(asset: string | undefined): { exchange: Exchange; inst: Instrument | undefined } {
    const exchange = this.exchange;
    if (exchange === undefined || this.closed) {
      throw this.fatal(this.closed ? 'venue is closed' : 'not connected: call connect() first');
    }
    if (asset === undefined) return { exchange, inst: undefined };
    return { exchange, inst: this.instrumentOf(asset) };
  }

  private instrumentOf(asset: string): Instrument {
    const inst = this.instruments.get(asset);
    if (inst === undefined) throw this.fatal(`no market for asset '${asset}' on this venue`);
    return inst;
  }

  /** Price and amount as ccxt will send them (venue precision), numbers. */
  private rounded(
    exchange: Exchange,
    symbol: string,
    price: number,
    amount: number,
  ): { price: number; amount: number } {
    try {
      const p = Number(exchange.priceToPrecision(symbol, price));
      const a = Number(exchange.amountToPrecision(symbol, amount));
      if (!(p > 0) || !(a > 0)) throw new Error(`rounds to price ${p}, amount ${a}`);
      return { price: p, amount: a };
    } catch (error) {
      const e = this.classify(error);
      throw new VenueError('rejected', this.name, `cannot round the order: ${e.message}`);
    }
  }

  /** The `VenueOrder` of an acknowledged create/edit; records the venue order id. */
  private acknowledged(
    order: Order,
    record: OrderRecord,
    clientOrderId: string,
    sent: { price: number; amount: number },
    contractSize: number,
  ): VenueOrder {
    const venueOrderId = typeof order.id === 'string' && order.id !== '' ? order.id : undefined;
    if (venueOrderId !== undefined) {
      record.venueOrderId = venueOrderId;
      this.engineIdByVenueOrderId.set(venueOrderId, clientOrderId);
    }
    const info: unknown = order.info;
    const filledNow = isRecord(info) && isRecord(info.filled);
    let status: OrderStatus = 'open';
    if (filledNow || order.status === 'closed') status = 'filled';
    else if (order.status === 'canceled' || order.status === 'expired') status = 'canceled';
    else if (order.status === 'rejected') {
      throw new VenueError('rejected', this.name, `order ${clientOrderId} rejected`);
    }
    const filledAmount = finite(order.filled) ?? 0;
    return {
      asset: record.asset,
      clientOrderId,
      venueOrderId: venueOrderId ?? '',
      side: record.side,
      price: sent.price,
      sizeBase: sent.amount * contractSize,
      filledBase: filledAmount * contractSize,
      status,
    };
  }

  /** What the adapter knows about `clientOrderId`, completed from the venue's open orders. */
  private async findOrder(asset: string, clientOrderId: string): Promise<OrderRecord | undefined> {
    const known = this.orders.get(clientOrderId);
    if (known?.venueOrderId !== undefined) return known;
    const venueClientId = toVenueClientId(clientOrderId);
    const handle = OID_HANDLE.exec(clientOrderId)?.[1];
    const open = await this.openOrders(asset);
    const found = open.find(
      (o) =>
        o.clientOrderId === clientOrderId || (handle !== undefined && o.venueOrderId === handle),
    );
    if (found === undefined) return undefined;
    const record: OrderRecord = {
      asset,
      side: found.side,
      postOnly: known?.postOnly ?? true,
      venueClientId,
      venueOrderId: found.venueOrderId,
    };
    this.orders.set(clientOrderId, record);
    return record;
  }

  /**
   * A ccxt order as a `VenueOrder` with the engine client id; `undefined` for other markets and
   * (logged, naming `what`) for invalid fields.
   */
  private toVenueOrder(o: Order, what = 'open order'): VenueOrder | undefined {
    const asset = typeof o.symbol === 'string' ? this.assetBySymbol.get(o.symbol) : undefined;
    const inst = asset === undefined ? undefined : this.instruments.get(asset);
    if (asset === undefined || inst === undefined) return undefined;
    const price = finite(o.price);
    const amount = finite(o.amount);
    const remaining = finite(o.remaining);
    const venueOrderId = typeof o.id === 'string' ? o.id : undefined;
    const side = o.side;
    if (
      price === undefined ||
      price <= 0 ||
      amount === undefined ||
      amount < 0 ||
      venueOrderId === undefined ||
      (side !== 'buy' && side !== 'sell')
    ) {
      this.log('warn', { asset, venueOrderId }, `dropped an ${what} with invalid fields`);
      return undefined;
    }
    const venueClientId = typeof o.clientOrderId === 'string' ? o.clientOrderId : undefined;
    const clientOrderId =
      this.engineIdOf(venueClientId, venueOrderId) ?? venueClientId ?? `oid:${venueOrderId}`;
    const filled = finite(o.filled) ?? (remaining === undefined ? 0 : amount - remaining);
    const status: OrderStatus =
      o.status === 'closed'
        ? 'filled'
        : o.status === 'canceled' || o.status === 'expired'
          ? 'canceled'
          : o.status === 'rejected'
            ? 'rejected'
            : 'open';
    return {
      asset,
      clientOrderId,
      venueOrderId,
      side,
      price,
      sizeBase: amount * inst.contractSize,
      filledBase: Math.max(0, filled) * inst.contractSize,
      status,
    };
  }

  /** Run a ccxt REST call; errors become classified, redacted, logged `VenueError`s. */
  private async rest<T>(op: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw this.failed(op, error);
    }
  }

  /** `error` of REST call `op`, classified and logged. */
  private failed(op: string, error: unknown): VenueError {
    const e = this.classify(error);
    this.log(
      e.kind === 'fatal' ? 'error' : 'warn',
      { op, kind: e.kind, retryAfterMs: e.retryAfterMs },
      e.message,
    );
    return e;
  }

  private classify(error: unknown, exchange: Exchange | undefined = this.exchange): VenueError {
    const header = exchange?.last_response_headers?.['Retry-After'];
    const retryAfterMs = parseRetryAfterMs(
      typeof header === 'string' ? header : undefined,
      Date.now(),
    );
    return classifyError(error, this.name, {
      secrets: this.credentials.secrets,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  private fatal(message: string): VenueError {
    return new VenueError('fatal', this.name, message);
  }

  /** Log through `deps.logger` with every string redacted. */
  private log(level: Level, fields: Record<string, unknown>, message: string): void {
    const logger = this.deps.logger;
    if (logger === undefined) return;
    const secrets = this.credentials.secrets;
    const safe: Record<string, unknown> = { venue: this.name };
    for (const [k, v] of Object.entries(fields)) {
      safe[k] = typeof v === 'string' ? redactSecrets(v, secrets) : v;
    }
    logger[level](safe, redactSecrets(message, secrets));
  }
}
