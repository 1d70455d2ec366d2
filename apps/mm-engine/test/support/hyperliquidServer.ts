/**
 * A local server that speaks enough of Hyperliquid's real HTTP and websocket protocol for ccxt's
 * `hyperliquid` class: `POST /info`, `POST /exchange` and a websocket at `/ws`. It keeps one
 * account (the test's wallet), a tiny matching engine for that account's resting orders, and
 * fault injection (HTTP 429/5xx, rejected orders, dropped websockets). Deterministic: ids are
 * counters, time comes from `options.nowMs`. Signatures are not verified, request shapes are.
 *
 * The public book is whatever the test sets with `setBook`; the account's own resting orders are
 * not merged into it. `trade()` is another participant's taker order sweeping our resting orders.
 * Every execution is printed on the `trades` channel (a new subscriber first gets the coin's
 * last `TRADES_SNAPSHOT` trades); `orderUpdates` reports our orders placed (`open`), rejected
 * (`...Rejected`), filled, canceled and replaced by a modify (old `canceled`, new `open`), not
 * partial fills.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A perpetual listed by the server (`meta.universe` entry plus its mark price). */
export interface PerpSpec {
  name: string;
  szDecimals: number;
  /** Mark price as Hyperliquid prints it; ccxt derives the price tick from it. */
  markPx: string;
  maxLeverage?: number;
}

/** A spot pair `BASE/USDC` listed by the server. */
export interface SpotSpec {
  base: string;
  szDecimals: number;
  midPx: string;
}

export interface HyperliquidServerOptions {
  /** The one account the server keeps (lower-cased on use). */
  user: string;
  perps?: readonly PerpSpec[];
  spots?: readonly SpotSpec[];
  /** Server clock, epoch ms (default `Date.now`). */
  nowMs?: () => number;
  /** Starting USDC of the account (default 100000). */
  usdc?: number;
}

/** `[price, size]` levels; strings pass through untouched (to test bad venue data). */
export type ServerLevel = readonly [price: number | string, size: number | string];

/** A Hyperliquid fill as `userFills` prints it. */
export interface HlFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  tid: number;
  cloid: string | null;
  feeToken: string;
  liquidationMarkPx: null;
}

/** A public trade as the `trades` channel prints it (`side` is the aggressor's). */
export interface HlTrade {
  coin: string;
  side: 'B' | 'A';
  px: string;
  sz: string;
  time: number;
  hash: string;
  tid: number;
  /** `[buyer, seller]`. */
  users: [string, string];
}

/** One request the server received. */
export interface RecordedRequest {
  path: string;
  body: unknown;
}

interface RestingOrder {
  oid: number;
  cloid: string | null;
  coin: string;
  side: 'B' | 'A';
  limitPx: number;
  limitPxText: string;
  sz: number;
  origSz: number;
  timestamp: number;
  tif: string;
  reduceOnly: boolean;
}

interface Instrument {
  coin: string;
  asset: number;
  szDecimals: number;
  spot: boolean;
  /** Token name of the base (spot only). */
  base: string;
}

interface HttpFault {
  status: number;
  remaining: number;
  retryAfterSec: number | undefined;
  paths: readonly string[] | undefined;
}

type Json = Record<string, unknown>;

const MAKER_FEE_RATE = 0.00015;
const TAKER_FEE_RATE = 0.00045;
const NOT_FOUND = 'Order was never placed, already canceled, or filled.';
/** Trades a new `trades` subscriber gets first. */
const TRADES_SNAPSHOT = 10;
/** The other side of every trade that is not ours. */
const OTHER_USER = '0x00000000000000000000000000000000000000ff';

/** Round away binary noise: 10 decimals is finer than any Hyperliquid size or price. */
function clean(x: number): number {
  return Number(x.toFixed(10));
}

/** Print a number as Hyperliquid does (`68674.0`, `0.0015`). */
function fmt(x: number): string {
  const s = String(clean(x));
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

function decimalsOf(text: string): number {
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  return text.slice(dot + 1).replace(/0+$/, '').length;
}

/** Hyperliquid's price rule: at most 5 significant figures (integers always ok) and at most
 * `maxDecimals - szDecimals` decimals (6 for perps, 8 for spot). */
function validPrice(text: string, szDecimals: number, spot: boolean): boolean {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) return false;
  const decimals = decimalsOf(text);
  if (decimals > (spot ? 8 : 6) - szDecimals) return false;
  if (decimals === 0) return true;
  const digits = text.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length <= 5;
}

function isRecord(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Local Hyperliquid stand-in; create with `HyperliquidServer.start`. */
export class HyperliquidServer {
  /** `http://127.0.0.1:PORT`, the REST base ccxt should use. */
  readonly restUrl: string;
  /** `ws://127.0.0.1:PORT/ws`. */
  readonly wsUrl: string;
  /** Every HTTP request in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Every websocket message received, parsed. */
  readonly wsMessages: unknown[] = [];

  private readonly user: string;
  private readonly nowMs: () => number;
  private readonly instruments = new Map<string, Instrument>();
  private readonly byAsset = new Map<number, Instrument>();
  private readonly perps: readonly PerpSpec[];
  private readonly spots: readonly SpotSpec[];
  private readonly books = new Map<string, { bids: ServerLevel[]; asks: ServerLevel[] }>();
  private readonly resting = new Map<number, RestingOrder>();
  private readonly closed = new Map<number, { order: RestingOrder; status: string; at: number }>();
  private readonly fills: HlFill[] = [];
  private readonly tape = new Map<string, HlTrade[]>();
  private readonly positions = new Map<string, { szi: number; entryPx: number }>();
  private readonly balances = new Map<string, number>();
  private readonly subscriptions = new Map<WebSocket, Set<string>>();
  private readonly subscribeWaiters: Array<{ key: string; resolve: () => void }> = [];
  private nextOid = 1_000_000_001;
  private nextTid = 500_000_000_001;
  private faults: HttpFault[] = [];
  private orderRejections: string[] = [];
  private actionErrors: string[] = [];
  private exchangeDelaysMs: number[] = [];
  /** Whether fills carry the order's `cloid` (Hyperliquid's documented `WsFill` has none). */
  fillsCarryCloid = true;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    options: HyperliquidServerOptions,
  ) {
    const { port } = http.address() as AddressInfo;
    this.restUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/ws`;
    this.user = options.user.toLowerCase();
    this.nowMs = options.nowMs ?? Date.now;
    this.perps = options.perps ?? [
      { name: 'BTC', szDecimals: 5, markPx: '100000.0', maxLeverage: 40 },
      { name: 'ETH', szDecimals: 4, markPx: '3000.0', maxLeverage: 25 },
    ];
    this.spots = options.spots ?? [{ base: 'PURR', szDecimals: 0, midPx: '0.2' }];
    this.perps.forEach((p, i) => {
      this.addInstrument({
        coin: p.name,
        asset: i,
        szDecimals: p.szDecimals,
        spot: false,
        base: '',
      });
    });
    this.spots.forEach((s, i) => {
      const coin = i === 0 ? `${s.base}/USDC` : `@${i}`;
      this.addInstrument({
        coin,
        asset: 10_000 + i,
        szDecimals: s.szDecimals,
        spot: true,
        base: s.base,
      });
    });
    this.balances.set('USDC', options.usdc ?? 100_000);
  }

  /** Bind 127.0.0.1 on a free port. */
  static async start(options: HyperliquidServerOptions): Promise<HyperliquidServer> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: '/ws' });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const server = new HyperliquidServer(http, wss, options);
    http.on('request', (req, res) => {
      server.onHttp(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`hyperliquidServer: ${String(error)}`);
      });
    });
    wss.on('connection', (socket) => server.onSocket(socket));
    return server;
  }

  /** Stop listening, drop every connection. */
  async close(): Promise<void> {
    for (const socket of this.wss.clients) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---- test controls ------------------------------------------------------------------------

  /** Replace the public book of `coin` and push it to `l2Book` subscribers. */
  setBook(coin: string, bids: readonly ServerLevel[], asks: readonly ServerLevel[]): void {
    this.instrument(coin);
    this.books.set(coin, { bids: [...bids], asks: [...asks] });
    this.publish(`l2Book:${coin}`, { channel: 'l2Book', data: this.l2Book(coin) });
  }

  /**
   * Another participant's taker order: `side` `sell` at limit `price` hits our bids priced at or
   * above `price` (best first, then time), `buy` lifts our asks at or below it. Fills our orders at
   * their limit prices; whatever size they leave trades with other participants at `price` (the
   * public book is not consumed). Pushes `userFills`, `orderUpdates` (orders filled completely)
   * and `trades`; returns our fills.
   */
  trade(coin: string, side: 'buy' | 'sell', price: number, size: number): HlFill[] {
    const ours = [...this.resting.values()]
      .filter((o) => o.coin === coin && o.side === (side === 'sell' ? 'B' : 'A'))
      .filter((o) => (side === 'sell' ? o.limitPx >= price : o.limitPx <= price))
      .sort((a, b) =>
        a.limitPx === b.limitPx
          ? a.oid - b.oid
          : side === 'sell'
            ? b.limitPx - a.limitPx
            : a.limitPx - b.limitPx,
      );
    this.instrument(coin);
    const taker = side === 'buy' ? 'B' : 'A';
    let left = size;
    const made: HlFill[] = [];
    const updates: Json[] = [];
    const printed: HlTrade[] = [];
    for (const order of ours) {
      if (left <= 0) break;
      const sz = clean(Math.min(left, order.sz));
      left = clean(left - sz);
      const fill = this.fill(order, order.limitPx, sz, false);
      made.push(fill);
      printed.push(this.tradeOf(fill, taker, order.side));
      order.sz = clean(order.sz - sz);
      if (order.sz <= 0) {
        this.resting.delete(order.oid);
        this.closed.set(order.oid, { order, status: 'filled', at: this.nowMs() });
        updates.push(this.orderUpdate(order, 'filled'));
      }
    }
    if (left > 0) {
      const tid = this.nextTid++;
      printed.push({
        coin,
        side: taker,
        px: fmt(price),
        sz: fmt(left),
        time: this.nowMs(),
        hash: this.hashOf(tid),
        tid,
        users: [OTHER_USER, OTHER_USER],
      });
    }
    this.pushFills(made);
    if (updates.length > 0) this.publish(`orderUpdates:${this.user}`, updates);
    this.pushTrades(coin, printed);
    return made;
  }

  /**
   * Print trades on the `trades` channel as they are (any field values, to test bad venue data);
   * they stay out of the snapshot a new subscriber gets.
   */
  printTrades(coin: string, trades: readonly Partial<Record<keyof HlTrade, unknown>>[]): void {
    this.instrument(coin);
    this.publish(`trades:${coin}`, { channel: 'trades', data: trades });
  }

  /** The next trade id the server will assign (trade ids are a counter). */
  peekNextTid(): number {
    return this.nextTid;
  }

  /** The next `count` HTTP requests (to `paths`, default all) answer `status`. */
  failNextRequests(
    count: number,
    status: 429 | 500 | 502 | 503,
    options: { retryAfterSec?: number; paths?: readonly ('/info' | '/exchange')[] } = {},
  ): void {
    this.faults.push({
      status,
      remaining: count,
      retryAfterSec: options.retryAfterSec,
      paths: options.paths,
    });
  }

  /** The next order placed gets an error status with Hyperliquid's `message`. */
  rejectNextOrder(message = 'Insufficient margin to place order. asset=0'): void {
    this.orderRejections.push(message);
  }

  /** The next `/exchange` call is executed at once but answered `ms` later (acks overtaken by
   * websocket pushes). */
  delayNextExchangeResponse(ms: number): void {
    this.exchangeDelaysMs.push(ms);
  }

  /** The next `/exchange` call answers `{status: 'err', response: message}`. */
  failNextAction(message: string): void {
    this.actionErrors.push(message);
  }

  /** Close every websocket from the server side: `abrupt` drops TCP, otherwise a 1012 close. */
  dropWebsockets(abrupt = true): number {
    let n = 0;
    for (const socket of this.wss.clients) {
      if (abrupt) socket.terminate();
      else socket.close(1012, 'service restart');
      n += 1;
    }
    this.subscriptions.clear();
    return n;
  }

  /** Resolves once a socket subscribes to `key` (`l2Book:BTC`, `trades:BTC`, `userFills:<user>`,
   * `orderUpdates:<user>`). */
  waitForSubscription(key: string): Promise<void> {
    return new Promise((resolve) => this.subscribeWaiters.push({ key, resolve }));
  }

  /** Number of sockets subscribed to `key`. */
  subscriberCount(key: string): number {
    let n = 0;
    for (const keys of this.subscriptions.values()) if (keys.has(key)) n += 1;
    return n;
  }

  /** The account's resting orders. */
  openOrders(): Array<Readonly<RestingOrder>> {
    return [...this.resting.values()];
  }

  /** The account's signed perp position in `coin`, base units. */
  position(coin: string): number {
    return this.positions.get(coin)?.szi ?? 0;
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    this.requests.push({ path, body });
    const fault = this.takeFault(path);
    if (fault !== undefined) {
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
      const reason = fault.status === 429 ? 'Too Many Requests' : 'upstream failure';
      res.writeHead(fault.status, headers).end(reason);
      return;
    }
    if (req.method !== 'POST' || !isRecord(body)) {
      this.send(res, 422, 'Failed to deserialize the JSON body into the target type');
      return;
    }
    const answer =
      path === '/info' ? this.info(body) : path === '/exchange' ? this.exchange(body) : undefined;
    if (answer === undefined) {
      this.send(res, 422, 'Failed to deserialize the JSON body into the target type');
      return;
    }
    const delayMs = path === '/exchange' ? this.exchangeDelaysMs.shift() : undefined;
    if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs));
    this.send(res, 200, answer);
  }

  private send(res: ServerResponse, status: number, payload: unknown): void {
    if (typeof payload === 'string' && status !== 200) {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(payload);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }

  private takeFault(path: string): HttpFault | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (f.paths === undefined || f.paths.includes(path)),
    );
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }

  /** `POST /info`; `undefined` for a request Hyperliquid would not deserialize. */
  private info(body: Json): unknown {
    const user = typeof body.user === 'string' ? body.user.toLowerCase() : undefined;
    const mine = user === this.user;
    switch (body.type) {
      case 'meta':
        return this.meta();
      case 'spotMeta':
        return this.spotMeta();
      case 'metaAndAssetCtxs':
        return [this.meta(), this.perps.map((p) => this.perpCtx(p))];
      case 'spotMetaAndAssetCtxs':
        return [this.spotMeta(), this.spots.map((s) => this.spotCtx(s))];
      case 'perpDexs':
        return [null];
      case 'exchangeStatus':
        return { specialStatuses: null, time: String(this.nowMs()) };
      case 'userAbstraction':
        return 'default';
      case 'l2Book':
        return typeof body.coin === 'string' && this.instruments.has(body.coin)
          ? this.l2Book(body.coin)
          : null;
      case 'clearinghouseState':
        return this.clearinghouseState(mine);
      case 'spotClearinghouseState':
        return {
          balances: mine
            ? [...this.balances.entries()].map(([coin, total]) => ({
                coin,
                token: 0,
                hold: '0.0',
                total: fmt(total),
                entryNtl: '0.0',
              }))
            : [],
        };
      case 'openOrders':
        return mine ? [...this.resting.values()].map((o) => this.openOrderJson(o)) : [];
      case 'frontendOpenOrders':
        return mine ? [...this.resting.values()].map((o) => this.frontendOrderJson(o)) : [];
      case 'userFills':
        return mine ? [...this.fills].reverse().slice(0, 2000) : [];
      case 'userFillsByTime': {
        if (typeof body.startTime !== 'number') return undefined;
        const start = body.startTime;
        const end = typeof body.endTime === 'number' ? body.endTime : Number.POSITIVE_INFINITY;
        return mine
          ? this.fills.filter((f) => f.time >= start && f.time <= end).slice(0, 2000)
          : [];
      }
      case 'orderStatus':
        return this.orderStatus(body.oid);
      default:
        return undefined;
    }
  }

  private meta(): Json {
    return {
      universe: this.perps.map((p) => ({
        name: p.name,
        szDecimals: p.szDecimals,
        maxLeverage: p.maxLeverage ?? 20,
        marginTableId: p.maxLeverage ?? 20,
      })),
      marginTables: [],
    };
  }

  private perpCtx(p: PerpSpec): Json {
    return {
      funding: '0.0000125',
      openInterest: '1000.0',
      prevDayPx: p.markPx,
      dayNtlVlm: '1000000.0',
      premium: '0.0',
      oraclePx: p.markPx,
      markPx: p.markPx,
      midPx: p.markPx,
      impactPxs: [p.markPx, p.markPx],
      dayBaseVlm: '10.0',
    };
  }

  private spotMeta(): Json {
    const tokens = [
      {
        name: 'USDC',
        szDecimals: 8,
        weiDecimals: 8,
        index: 0,
        tokenId: '0x6d1e7cde53ba9467b783cb7c530ce054',
        isCanonical: true,
        evmContract: null,
        fullName: null,
      },
      ...this.spots.map((s, i) => ({
        name: s.base,
        szDecimals: s.szDecimals,
        weiDecimals: 5,
        index: i + 1,
        tokenId: `0x${createHash('sha256').update(s.base).digest('hex').slice(0, 32)}`,
        isCanonical: true,
        evmContract: null,
        fullName: null,
      })),
    ];
    const universe = this.spots.map((s, i) => ({
      name: i === 0 ? `${s.base}/USDC` : `@${i}`,
      tokens: [i + 1, 0],
      index: i,
      isCanonical: i === 0,
    }));
    return { tokens, universe };
  }

  private spotCtx(s: SpotSpec): Json {
    return {
      dayNtlVlm: '8906.0',
      markPx: s.midPx,
      midPx: s.midPx,
      prevDayPx: s.midPx,
      circulatingSupply: '1000000.0',
      coin: s.base,
    };
  }

  private l2Book(coin: string): Json {
    const book = this.books.get(coin) ?? { bids: [], asks: [] };
    const side = (levels: readonly ServerLevel[]) =>
      levels.map(([px, sz]) => ({
        px: typeof px === 'number' ? fmt(px) : px,
        sz: typeof sz === 'number' ? fmt(sz) : sz,
        n: 1,
      }));
    return { coin, time: this.nowMs(), levels: [side(book.bids), side(book.asks)] };
  }

  private clearinghouseState(mine: boolean): Json {
    const assetPositions = mine
      ? [...this.positions.entries()]
          .filter(([, p]) => p.szi !== 0)
          .map(([coin, p]) => ({
            type: 'oneWay',
            position: {
              coin,
              szi: fmt(p.szi),
              leverage: { type: 'cross', value: 10 },
              entryPx: fmt(p.entryPx),
              positionValue: fmt(Math.abs(p.szi) * p.entryPx),
              unrealizedPnl: '0.0',
              returnOnEquity: '0.0',
              liquidationPx: null,
              marginUsed: fmt((Math.abs(p.szi) * p.entryPx) / 10),
              maxLeverage: 40,
              cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
            },
          }))
      : [];
    const usdc = fmt(this.balances.get('USDC') ?? 0);
    const summary = {
      accountValue: usdc,
      totalNtlPos: '0.0',
      totalRawUsd: usdc,
      totalMarginUsed: '0.0',
    };
    return {
      marginSummary: summary,
      crossMarginSummary: summary,
      crossMaintenanceMarginUsed: '0.0',
      withdrawable: usdc,
      assetPositions,
      time: this.nowMs(),
    };
  }

  private orderStatus(oid: unknown): Json {
    const id = typeof oid === 'number' ? oid : Number(oid);
    const open = this.resting.get(id);
    if (open !== undefined) {
      return {
        status: 'order',
        order: {
          order: this.frontendOrderJson(open),
          status: 'open',
          statusTimestamp: open.timestamp,
        },
      };
    }
    const done = this.closed.get(id);
    if (done === undefined) return { status: 'unknownOid' };
    return {
      status: 'order',
      order: {
        order: this.frontendOrderJson(done.order),
        status: done.status,
        statusTimestamp: done.at,
      },
    };
  }

  private openOrderJson(o: RestingOrder): Json {
    return {
      coin: o.coin,
      side: o.side,
      limitPx: o.limitPxText,
      sz: fmt(o.sz),
      oid: o.oid,
      timestamp: o.timestamp,
      origSz: fmt(o.origSz),
      cloid: o.cloid,
    };
  }

  private frontendOrderJson(o: RestingOrder): Json {
    return {
      ...this.openOrderJson(o),
      triggerCondition: 'N/A',
      isTrigger: false,
      triggerPx: '0.0',
      children: [],
      isPositionTpsl: false,
      reduceOnly: o.reduceOnly,
      orderType: 'Limit',
      tif: o.tif,
    };
  }

  // ---- /exchange ----------------------------------------------------------------------------

  /** `POST /exchange`; checks the envelope ccxt sends (`action`, `nonce`, `signature`). */
  private exchange(body: Json): unknown {
    const { action, nonce, signature } = body;
    if (!isRecord(action) || typeof nonce !== 'number' || !isRecord(signature)) return undefined;
    if (typeof signature.r !== 'string' || typeof signature.s !== 'string') return undefined;
    if (typeof signature.v !== 'number') return undefined;
    const actionError = this.actionErrors.shift();
    if (actionError !== undefined) return { status: 'err', response: actionError };
    switch (action.type) {
      case 'order':
        return this.placeOrders(action);
      case 'cancel':
        return this.cancel(action, false);
      case 'cancelByCloid':
        return this.cancel(action, true);
      case 'batchModify':
        return this.batchModify(action);
      case 'modify': {
        const status = this.modifyOne(action);
        if (status === undefined) return undefined;
        return isRecord(status) && typeof status.error === 'string'
          ? { status: 'err', response: status.error }
          : { status: 'ok', response: { type: 'default' } };
      }
      case 'approveBuilderFee':
      case 'setReferrer':
        return { status: 'ok', response: { type: 'default' } };
      default:
        return { status: 'err', response: `Unknown action type: ${String(action.type)}` };
    }
  }

  private placeOrders(action: Json): unknown {
    if (!Array.isArray(action.orders) || typeof action.grouping !== 'string') return undefined;
    const statuses: unknown[] = [];
    for (const wire of action.orders) {
      const status = this.placeOne(wire, undefined);
      if (status === undefined) return undefined;
      statuses.push(status);
    }
    return { status: 'ok', response: { type: 'order', data: { statuses } } };
  }

  /** One order wire `{a, b, p, s, r, t, c?}`; `undefined` when malformed. */
  private placeOne(wire: unknown, replacing: RestingOrder | undefined): unknown {
    if (!isRecord(wire)) return undefined;
    const { a, b, p, s, r, t, c } = wire;
    if (typeof a !== 'number' || typeof b !== 'boolean' || typeof p !== 'string') return undefined;
    if (typeof s !== 'string' || typeof r !== 'boolean' || !isRecord(t)) return undefined;
    if (c !== undefined && (typeof c !== 'string' || !/^0x[0-9a-f]{32}$/.test(c))) return undefined;
    const limit = t.limit;
    if (!isRecord(limit) || !['Alo', 'Gtc', 'Ioc'].includes(String(limit.tif))) return undefined;
    const tif = String(limit.tif);
    const inst = this.byAsset.get(a);
    if (inst === undefined) return { error: `Invalid asset. asset=${a}` };
    const cloid = typeof c === 'string' ? c : null;
    if (cloid !== null) {
      for (const o of this.resting.values()) {
        if (o.cloid === cloid && o !== replacing) return { error: `Duplicate cloid. asset=${a}` };
      }
    }
    const size = Number(s);
    const price = Number(p);
    const order: RestingOrder = {
      oid: 0,
      cloid,
      coin: inst.coin,
      side: b ? 'B' : 'A',
      limitPx: price,
      limitPxText: p,
      sz: size,
      origSz: size,
      timestamp: this.nowMs(),
      tif,
      reduceOnly: r,
    };
    /** A refused order: reported on `orderUpdates` with Hyperliquid's rejection status. */
    const reject = (status: string, error: string): Json => {
      if (Number.isFinite(size) && size > 0 && Number.isFinite(price) && price > 0) {
        if (order.oid === 0) order.oid = this.nextOid++;
        this.closed.set(order.oid, { order, status, at: this.nowMs() });
        this.publish(`orderUpdates:${this.user}`, [this.orderUpdate(order, status)]);
      }
      return { error };
    };
    const rejection = this.orderRejections.shift();
    if (rejection !== undefined) return reject('rejected', rejection);
    if (!validPrice(p, inst.szDecimals, inst.spot)) {
      return reject('tickRejected', `Price must be divisible by tick size. asset=${a}`);
    }
    if (!Number.isFinite(size) || size <= 0 || decimalsOf(s) > inst.szDecimals) {
      return reject('rejected', `Order has invalid size. asset=${a}`);
    }
    if (price * size < 10) {
      return reject('minTradeNtlRejected', `Order must have minimum value of $10. asset=${a}`);
    }
    const book = this.books.get(inst.coin) ?? { bids: [], asks: [] };
    const bestBid = Number(book.bids[0]?.[0] ?? Number.NaN);
    const bestAsk = Number(book.asks[0]?.[0] ?? Number.NaN);
    const crosses = b ? price >= bestAsk : price <= bestBid;
    if (crosses && tif === 'Alo') {
      return reject(
        'badAloPxRejected',
        `Post only order would have immediately matched, bbo was ${fmt(bestBid)}@${fmt(bestAsk)}. asset=${a}`,
      );
    }
    order.oid = this.nextOid++;
    if (replacing !== undefined) {
      this.resting.delete(replacing.oid);
      this.closed.set(replacing.oid, { order: replacing, status: 'canceled', at: this.nowMs() });
      this.publish(`orderUpdates:${this.user}`, [this.orderUpdate(replacing, 'canceled')]);
    }
    const taken = crosses ? this.take(order, book, b) : [];
    const filled = clean(taken.reduce((sum, f) => sum + Number(f.sz), 0));
    order.sz = clean(order.sz - filled);
    if (taken.length > 0) this.pushFills(taken);
    const withCloid = cloid === null ? {} : { cloid };
    if (order.sz <= 0) {
      this.closed.set(order.oid, { order, status: 'filled', at: this.nowMs() });
      this.publish(`orderUpdates:${this.user}`, [this.orderUpdate(order, 'filled')]);
      const avgPx = taken.reduce((sum, f) => sum + Number(f.px) * Number(f.sz), 0) / filled;
      return { filled: { totalSz: fmt(filled), avgPx: fmt(avgPx), oid: order.oid, ...withCloid } };
    }
    if (tif === 'Ioc') {
      if (taken.length === 0) {
        return reject(
          'iocCancelRejected',
          `Order could not immediately match against any resting orders. asset=${a}`,
        );
      }
      this.closed.set(order.oid, { order, status: 'canceled', at: this.nowMs() });
      this.publish(`orderUpdates:${this.user}`, [this.orderUpdate(order, 'canceled')]);
      const avgPx = taken.reduce((sum, f) => sum + Number(f.px) * Number(f.sz), 0) / filled;
      return { filled: { totalSz: fmt(filled), avgPx: fmt(avgPx), oid: order.oid, ...withCloid } };
    }
    this.resting.set(order.oid, order);
    this.publish(`orderUpdates:${this.user}`, [this.orderUpdate(order, 'open')]);
    return { resting: { oid: order.oid, ...withCloid } };
  }

  /** Our crossing order takes the public book's levels (consumed, then republished). */
  private take(
    order: RestingOrder,
    book: { bids: ServerLevel[]; asks: ServerLevel[] },
    buy: boolean,
  ): HlFill[] {
    const levels = buy ? book.asks : book.bids;
    const made: HlFill[] = [];
    let left = order.sz;
    while (left > 0 && levels.length > 0) {
      const [pxRaw, szRaw] = levels[0] ?? [Number.NaN, 0];
      const px = Number(pxRaw);
      const sz = Number(szRaw);
      if (!(buy ? px <= order.limitPx : px >= order.limitPx)) break;
      const q = clean(Math.min(left, sz));
      made.push(this.fill(order, px, q, true));
      left = clean(left - q);
      if (q >= sz) levels.shift();
      else levels[0] = [px, clean(sz - q)];
    }
    if (made.length > 0) {
      this.publish(`l2Book:${order.coin}`, { channel: 'l2Book', data: this.l2Book(order.coin) });
      this.pushTrades(
        order.coin,
        made.map((f) => this.tradeOf(f, order.side, order.side)),
      );
    }
    return made;
  }

  private cancel(action: Json, byCloid: boolean): unknown {
    if (!Array.isArray(action.cancels)) return undefined;
    const statuses: unknown[] = [];
    const updates: Json[] = [];
    for (const c of action.cancels) {
      if (!isRecord(c)) return undefined;
      const asset = byCloid ? c.asset : c.a;
      if (typeof asset !== 'number') return undefined;
      let order: RestingOrder | undefined;
      if (byCloid) {
        if (typeof c.cloid !== 'string') return undefined;
        order = [...this.resting.values()].find((o) => o.cloid === c.cloid);
      } else {
        if (typeof c.o !== 'number') return undefined;
        order = this.resting.get(c.o);
      }
      const inst = this.byAsset.get(asset);
      if (order === undefined || inst === undefined || order.coin !== inst.coin) {
        statuses.push({ error: `${NOT_FOUND} asset=${asset}` });
        continue;
      }
      this.resting.delete(order.oid);
      this.closed.set(order.oid, { order, status: 'canceled', at: this.nowMs() });
      updates.push(this.orderUpdate(order, 'canceled'));
      statuses.push('success');
    }
    if (updates.length > 0) this.publish(`orderUpdates:${this.user}`, updates);
    return { status: 'ok', response: { type: 'cancel', data: { statuses } } };
  }

  private batchModify(action: Json): unknown {
    if (!Array.isArray(action.modifies)) return undefined;
    const statuses: unknown[] = [];
    for (const m of action.modifies) {
      const status = this.modifyOne(m);
      if (status === undefined) return undefined;
      statuses.push(status);
    }
    return { status: 'ok', response: { type: 'order', data: { statuses } } };
  }

  /** `{oid, order}`: Hyperliquid replaces the order; the new one gets a new oid. */
  private modifyOne(m: unknown): unknown {
    if (!isRecord(m) || !isRecord(m.order)) return undefined;
    const target =
      typeof m.oid === 'number'
        ? this.resting.get(m.oid)
        : [...this.resting.values()].find((o) => o.cloid === m.oid);
    if (target === undefined) return { error: 'Cannot modify canceled or filled order' };
    return this.placeOne(m.order, target);
  }

  // ---- fills and positions ------------------------------------------------------------------

  private fill(order: RestingOrder, px: number, sz: number, crossed: boolean): HlFill {
    const inst = this.instrument(order.coin);
    const buy = order.side === 'B';
    const signed = buy ? sz : -sz;
    let startPosition: number;
    let dir: string;
    let closedPnl = 0;
    if (inst.spot) {
      startPosition = this.balances.get(inst.base) ?? 0;
      this.balances.set(inst.base, clean(startPosition + signed));
      this.balances.set('USDC', clean((this.balances.get('USDC') ?? 0) - signed * px));
      dir = buy ? 'Buy' : 'Sell';
    } else {
      const pos = this.positions.get(order.coin) ?? { szi: 0, entryPx: 0 };
      startPosition = pos.szi;
      const next = clean(pos.szi + signed);
      if (pos.szi === 0 || Math.sign(pos.szi) === Math.sign(signed)) {
        pos.entryPx = (Math.abs(pos.szi) * pos.entryPx + sz * px) / Math.abs(next);
        dir = buy ? 'Open Long' : 'Open Short';
      } else {
        const closing = Math.min(sz, Math.abs(pos.szi));
        closedPnl = closing * (px - pos.entryPx) * Math.sign(pos.szi);
        dir = buy ? 'Close Short' : 'Close Long';
        if (Math.sign(next) === Math.sign(signed)) {
          pos.entryPx = px;
          dir = buy ? 'Short > Long' : 'Long > Short';
        }
      }
      pos.szi = next;
      this.positions.set(order.coin, pos);
    }
    const tid = this.nextTid++;
    const fee = px * sz * (crossed ? TAKER_FEE_RATE : MAKER_FEE_RATE);
    const made: HlFill = {
      coin: order.coin,
      px: fmt(px),
      sz: fmt(sz),
      side: order.side,
      time: this.nowMs(),
      startPosition: fmt(startPosition),
      dir,
      closedPnl: fmt(closedPnl),
      hash: this.hashOf(tid),
      oid: order.oid,
      crossed,
      fee: fee.toFixed(6),
      tid,
      cloid: this.fillsCarryCloid ? order.cloid : null,
      feeToken: 'USDC',
      liquidationMarkPx: null,
    };
    this.fills.push(made);
    return made;
  }

  private pushFills(fills: readonly HlFill[]): void {
    if (fills.length === 0) return;
    this.publish(`userFills:${this.user}`, {
      channel: 'userFills',
      data: { isSnapshot: false, user: this.user, fills },
    });
  }

  /** The public trade of our fill `f`: aggressor `taker`, our order on side `ours`. */
  private tradeOf(f: HlFill, taker: 'B' | 'A', ours: 'B' | 'A'): HlTrade {
    const users: [string, string] =
      ours === 'B' ? [this.user, OTHER_USER] : [OTHER_USER, this.user];
    return {
      coin: f.coin,
      side: taker,
      px: f.px,
      sz: f.sz,
      time: f.time,
      hash: f.hash,
      tid: f.tid,
      users,
    };
  }

  private pushTrades(coin: string, trades: readonly HlTrade[]): void {
    if (trades.length === 0) return;
    const tape = this.tape.get(coin) ?? [];
    tape.push(...trades);
    this.tape.set(coin, tape.slice(-TRADES_SNAPSHOT));
    this.publish(`trades:${coin}`, { channel: 'trades', data: trades });
  }

  private hashOf(tid: number): string {
    return `0x${createHash('sha256').update(String(tid)).digest('hex')}`;
  }

  private orderUpdate(o: RestingOrder, status: string): Json {
    return { order: this.openOrderJson(o), status, statusTimestamp: this.nowMs() };
  }

  // ---- websocket ----------------------------------------------------------------------------

  private onSocket(socket: WebSocket): void {
    this.subscriptions.set(socket, new Set());
    socket.on('close', () => this.subscriptions.delete(socket));
    socket.on('message', (raw) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(raw));
      } catch {
        msg = undefined;
      }
      this.wsMessages.push(msg);
      this.onWsMessage(socket, msg, String(raw));
    });
  }

  private onWsMessage(socket: WebSocket, msg: unknown, raw: string): void {
    const reply = (payload: unknown) => socket.send(JSON.stringify(payload));
    if (!isRecord(msg)) {
      reply({ channel: 'error', data: `Error parsing JSON into valid websocket request: ${raw}` });
      return;
    }
    if (msg.method === 'ping') {
      reply({ channel: 'pong' });
      return;
    }
    const sub = msg.subscription;
    if ((msg.method !== 'subscribe' && msg.method !== 'unsubscribe') || !isRecord(sub)) {
      reply({ channel: 'error', data: `Error parsing JSON into valid websocket request: ${raw}` });
      return;
    }
    const key = this.subscriptionKey(sub);
    if (key === undefined) {
      reply({ channel: 'error', data: `Error parsing JSON into valid websocket request: ${raw}` });
      return;
    }
    const keys = this.subscriptions.get(socket) ?? new Set<string>();
    if (msg.method === 'unsubscribe') {
      keys.delete(key);
      reply({
        channel: 'subscriptionResponse',
        data: { method: 'unsubscribe', subscription: sub },
      });
      return;
    }
    if (keys.has(key)) {
      reply({ channel: 'error', data: `Already subscribed: ${JSON.stringify(sub)}` });
      return;
    }
    keys.add(key);
    this.subscriptions.set(socket, keys);
    reply({ channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: sub } });
    if (sub.type === 'l2Book' && typeof sub.coin === 'string' && this.books.has(sub.coin)) {
      reply({ channel: 'l2Book', data: this.l2Book(sub.coin) });
    }
    if (sub.type === 'trades' && typeof sub.coin === 'string') {
      const recent = this.tape.get(sub.coin) ?? [];
      if (recent.length > 0) reply({ channel: 'trades', data: recent });
    }
    if (sub.type === 'userFills') {
      const mine = String(sub.user).toLowerCase() === this.user;
      const fills = mine ? this.fills.slice(-2000) : [];
      reply({ channel: 'userFills', data: { isSnapshot: true, user: sub.user, fills } });
    }
    const waiting = this.subscribeWaiters.filter((w) => w.key === key);
    this.subscribeWaiters.splice(
      0,
      this.subscribeWaiters.length,
      ...this.subscribeWaiters.filter((w) => w.key !== key),
    );
    for (const w of waiting) w.resolve();
  }

  private subscriptionKey(sub: Json): string | undefined {
    if (
      (sub.type === 'l2Book' || sub.type === 'trades') &&
      typeof sub.coin === 'string' &&
      this.instruments.has(sub.coin)
    ) {
      return `${sub.type}:${sub.coin}`;
    }
    if ((sub.type === 'userFills' || sub.type === 'orderUpdates') && typeof sub.user === 'string') {
      return `${sub.type}:${sub.user.toLowerCase()}`;
    }
    return undefined;
  }

  private publish(key: string, payload: unknown): void {
    const channel = key.split(':')[0];
    const message = JSON.stringify(
      channel === 'orderUpdates' ? { channel: 'orderUpdates', data: payload } : payload,
    );
    for (const [socket, keys] of this.subscriptions) {
      if (keys.has(key) && socket.readyState === socket.OPEN) socket.send(message);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private addInstrument(inst: Instrument): void {
    this.instruments.set(inst.coin, inst);
    this.byAsset.set(inst.asset, inst);
  }

  private instrument(coin: string): Instrument {
    const inst = this.instruments.get(coin);
    if (inst === undefined) throw new Error(`hyperliquidServer: unknown coin '${coin}'`);
    return inst;
  }
}
