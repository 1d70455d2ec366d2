import {
  arithmeticBrownian,
  type BookPath,
  bpsFees,
  choleskyOfCorrelation,
  correlate,
  createRng,
  exponentialFills,
  type FeeModel,
  type FillModel,
  type MidPath,
  markovSwitchingMid,
  type Rng,
  syntheticBook,
} from '@mm/simulator';
import { type Observable, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import { cleanCorrelation } from '../../config/correlationMatrix.js';
import type { AssetConfig, SimVenueConfig } from '../../config/engineConfigSchema.js';
import type { BookEvent, BookLevel } from '../../model/book.js';
import { TokenBucket } from '../../orders/tokenBucket.js';
import {
  type MarketInfo,
  type MarketTrade,
  type OrderRequest,
  type OrderSide,
  type Venue,
  type VenueCapabilities,
  VenueError,
  type VenueFill,
  type VenueOrder,
  type VenuePositions,
} from '../Venue.js';
import { drawFault, type InjectedFault } from './faults.js';
import { lotFillsInStep } from './lotFills.js';

/** What a `SimVenue` needs besides its config. */
export interface SimVenueDeps {
  /** Clock and timers: `asyncScheduler` in the engine, a `VirtualTimeScheduler` in tests. */
  scheduler: SchedulerLike;
  /** Starting signed positions per asset, base units (default flat). */
  initialPositionsBase?: Record<string, number>;
  /**
   * Prefix of venue order ids and fill ids, so that ids stay unique across restarts (default:
   * `scheduler.now()` at construction in base 36; `0` under a fresh virtual scheduler).
   */
  sessionId?: string;
  /**
   * Order calls per second the venue accepts; beyond that a call fails `rateLimited` with
   * `retryAfterMs` (default: no venue-side limit). Not part of the config: a test knob.
   */
  rateLimitPerSec?: number;
  /**
   * Print other participants' trades on `trades()` (default true): market orders hitting the
   * touch, drawn from the market's own rng stream, so they do not move any other draw.
   */
  backgroundTrades?: boolean;
}

/** Levels per side of the synthetic book. */
const BOOK_LEVELS = 10;
/** Mean size at the touch, lots. */
const TOUCH_SIZE_LOTS = 5;
/** Relative tolerance of the tick and size-step checks, in steps. */
const GRID_EPS = 1e-6;
/** Most background trades per side and book step. */
const MAX_BACKGROUND_TRADES_PER_STEP = 1_000;

/** One quoted asset's true market: mid path, book, fill model and their rng streams. */
interface SimMarket {
  readonly config: AssetConfig;
  /** Index of the asset in the engine's asset list (its correlated shock). */
  readonly index: number;
  readonly info: MarketInfo;
  readonly midPath: MidPath;
  readonly midRng: Rng;
  readonly book: BookPath;
  readonly bookRng: Rng;
  readonly fillRng: Rng;
  readonly fillModel: FillModel;
  /** Background market orders (other participants' trades), from the market seed. */
  readonly tradeRng: Rng;
  readonly books$: Subject<BookEvent>;
  readonly trades$: Subject<MarketTrade>;
}

/** A resting order; `VenueOrder` plus what the matching needs. */
interface SimOrder extends VenueOrder {
  postOnly: boolean;
}

/** Mutable order calls answer through this. */
type Call<T> = (fault: InjectedFault) => T;

const copyOrder = (o: SimOrder): VenueOrder => ({
  asset: o.asset,
  clientOrderId: o.clientOrderId,
  venueOrderId: o.venueOrderId,
  side: o.side,
  price: o.price,
  sizeBase: o.sizeBase,
  filledBase: o.filledBase,
  status: o.status,
});

/** True when `value` is a whole multiple of `step` (within `GRID_EPS` steps). */
function onGrid(value: number, step: number): boolean {
  const r = value / step;
  return Math.abs(r - Math.round(r)) <= GRID_EPS;
}

const levelsOf = (prices: Float64Array, sizes: Float64Array): BookLevel[] =>
  Array.from(prices, (p, i) => [p, sizes[i]!] as const);

/**
 * The built-in simulated venue. Each quoted asset's true market is the asset's own model: an
 * arithmetic Brownian mid (`model.sigma`, price units per sqrt s) from `initialMidPrice` (default
 * 100) and a synthetic L2 book on its tick grid (`BOOK_LEVELS` levels, touch size
 * `TOUCH_SIZE_LOTS` lots), stepped every `bookIntervalMs` on the scheduler. After each step every
 * resting order draws its lot fills: a Poisson count with rate `A exp(-k delta)` fills per second
 * (`delta` the order's distance from the mid, price units), each fill one lot (`lotSizeBase`); an
 * order the mid has crossed fills completely at its price. Fills are maker fills at the order
 * price with `makerFeeBps`.
 *
 * `trades()` prints every execution of ours (the taker side opposite to ours for a maker fill,
 * ours for a taker fill; the trade id is the fill id) and, unless `deps.backgroundTrades` is
 * false, other participants' market orders: after each step, per side, a Poisson count with rate
 * `A exp(-k delta)` (`delta` the touch's distance from the mid) of one-lot trades at the touch.
 * They are independent of our fills (the same intensity, a separate draw) and do not consume the
 * book. `orderUpdates()` reports our orders: `open` when a resting order is acknowledged (a
 * taker order reports only `filled`), `open` with a larger `filledBase` after each partial fill,
 * `filled`, `canceled` (cancel, cancel-all, and the old client id of an edit, followed by the new
 * id `open`), `rejected` (a place or edit the venue refused; not for a duplicate client id, which
 * would name another order, nor for an unlisted asset). Updates are emitted when the venue
 * applies the call, before the answer (which `transientAfter` loses).
 *
 * Order calls answer after `latencyMs` on the scheduler (reads answer at once). A call may fail by
 * injection (`transientErrorRate`, half of them after the venue applied the call; `rejectRate`
 * for place and edit). Place validates at acknowledgement time: known asset, unused client order
 * id (ids are never reused in a session, like most venues), price on the tick grid, size a
 * multiple of the lot (`sizeStepBase = minSizeBase = lotSizeBase`), post-only not crossing the
 * book. A crossing non-post-only order fills at once as a taker at the opposite touch.
 *
 * Seeded: asset `i` of the engine's asset list draws its mid from stream `4i + 1` and its book
 * from stream `4i + 2` of `marketSeed` (default `seed`: venues sharing it quote the same market),
 * its fills from stream `4i + 3` of `seed`, its background trades from stream `4i + 4` of
 * `marketSeed`; the faults use stream 0 of `seed`. One asset's path does not depend on which
 * others are quoted. With `correlation` (top-level `assets` order) each step draws every
 * configured asset's standard normal from its own stream and multiplies the vector by the
 * Cholesky factor `L` (`L L' = correlation`), so the mids' increments have that correlation;
 * every configured asset's path is stepped, quoted or not.
 *
 * An `ioc` order takes the opposite levels within its limit at once (taker fills at the levels'
 * prices) and the rest is canceled; a starting position comes in `deps.initialPositionsBase`.
 */
export class SimVenue implements Venue {
  readonly name: string;
  readonly capabilities: VenueCapabilities = { editOrder: true };
  private readonly config: SimVenueConfig;
  private readonly scheduler: SchedulerLike;
  private readonly markets = new Map<string, SimMarket>();
  private readonly fees: FeeModel;
  private readonly faultRng: Rng;
  private readonly fills$ = new Subject<VenueFill>();
  private readonly orderUpdates$ = new Subject<VenueOrder>();
  private readonly backgroundTrades: boolean;
  private readonly open = new Map<string, SimOrder>();
  private readonly usedIds = new Set<string>();
  private readonly fillLog: VenueFill[] = [];
  private readonly positionsBase = new Map<string, number>();
  private readonly sessionId: string;
  private readonly rateLimit: TokenBucket | null;
  private timer: Subscription | null = null;
  private lastStepMs = Number.NaN;
  private connected = false;
  private closed = false;
  private orderSeq = 0;
  private fillSeq = 0;
  private tradeSeq = 0;
  /**
   * With `correlation`: every configured asset's mid path (quoted or not, so venues sharing the
   * market draw alike), the Cholesky factor, and the step's independent and correlated shocks.
   */
  private readonly correlated: {
    paths: { path: MidPath; rng: Rng }[];
    factor: Float64Array;
    independent: Float64Array;
    shocks: Float64Array;
  } | null;

  constructor(config: SimVenueConfig, assets: ReadonlyArray<AssetConfig>, deps: SimVenueDeps) {
    this.config = config;
    this.name = config.name;
    this.scheduler = deps.scheduler;
    this.sessionId = deps.sessionId ?? Math.floor(deps.scheduler.now()).toString(36);
    this.fees = bpsFees({ makerBps: config.makerFeeBps, takerBps: config.takerFeeBps });
    this.faultRng = createRng(config.seed, 0);
    this.backgroundTrades = deps.backgroundTrades ?? true;
    this.rateLimit =
      deps.rateLimitPerSec === undefined
        ? null
        : new TokenBucket(
            deps.rateLimitPerSec,
            Math.max(1, deps.rateLimitPerSec),
            deps.scheduler.now(),
          );
    this.correlated =
      config.correlation === undefined
        ? null
        : {
            paths: assets.map((a, i) => this.startMid(a, i)),
            factor: choleskyOfCorrelation(cleanCorrelation(config.correlation)),
            independent: new Float64Array(assets.length),
            shocks: new Float64Array(assets.length),
          };
    const quoted = config.assets ?? assets.map((a) => a.symbol);
    for (const symbol of quoted) {
      const index = assets.findIndex((a) => a.symbol === symbol);
      const asset = assets[index];
      if (asset === undefined) {
        throw new VenueError('fatal', config.name, `config.assets: unknown asset '${symbol}'`);
      }
      this.markets.set(symbol, this.startMarket(asset, index));
    }
    for (const [asset, base] of Object.entries(deps.initialPositionsBase ?? {})) {
      if (!Number.isFinite(base)) {
        throw new VenueError('fatal', config.name, `initialPositionsBase.${asset}: not finite`);
      }
      this.positionsBase.set(asset, base);
    }
  }

  /** The mid path of asset `index` of the engine's list and its rng (stream `4i + 1`). */
  private startMid(asset: AssetConfig, index: number): { path: MidPath; rng: Rng } {
    const rng = createRng(this.config.marketSeed ?? this.config.seed, 4 * index + 1);
    const mid0 = this.config.initialMidPrice[asset.symbol] ?? 100;
    // An asset with regimes trades in a Markov-switching market (its regimes' sigmas and generator).
    const midModel = asset.regime
      ? markovSwitchingMid({
          sigmasPerSqrtSec: asset.regime.regimes.map((r) => r.model.sigma),
          generatorPerSec: asset.regime.generatorPerSec,
        })
      : arithmeticBrownian({ sigmaPerSqrtSec: asset.model.sigma });
    return { path: midModel.start(mid0, rng), rng };
  }

  private startMarket(asset: AssetConfig, index: number): SimMarket {
    const seed = this.config.seed;
    const marketSeed = this.config.marketSeed ?? seed;
    const bookRng = createRng(marketSeed, 4 * index + 2);
    const mid0 = this.config.initialMidPrice[asset.symbol] ?? 100;
    const { path: midPath, rng: midRng } =
      this.correlated?.paths[index] ?? this.startMid(asset, index);
    const book = syntheticBook({
      tickPrice: asset.tickSize,
      levels: BOOK_LEVELS,
      meanSizeBase: TOUCH_SIZE_LOTS * asset.lotSizeBase,
    }).start(mid0, bookRng);
    return {
      config: asset,
      index,
      info: {
        asset: asset.symbol,
        venueSymbol: asset.symbol,
        tickSize: asset.tickSize,
        sizeStepBase: asset.lotSizeBase,
        minSizeBase: asset.lotSizeBase,
      },
      midPath,
      midRng,
      book,
      bookRng,
      fillRng: createRng(seed, 4 * index + 3),
      fillModel: exponentialFills({ aPerSec: asset.model.A, kPerPrice: asset.model.k }),
      tradeRng: createRng(marketSeed, 4 * index + 4),
      books$: new Subject<BookEvent>(),
      trades$: new Subject<MarketTrade>(),
    };
  }

  private marketOf(asset: string): SimMarket {
    const m = this.markets.get(asset);
    if (m === undefined) throw new VenueError('fatal', this.name, `asset '${asset}' is not listed`);
    return m;
  }

  async connect(): Promise<void> {
    if (this.closed) throw new VenueError('fatal', this.name, 'venue is closed');
    if (this.connected) return;
    this.connected = true;
    this.lastStepMs = this.scheduler.now();
    this.scheduleStep();
  }

  private scheduleStep(): void {
    this.timer = this.scheduler.schedule(() => {
      if (this.closed) return;
      this.step();
      this.scheduleStep();
    }, this.config.bookIntervalMs);
  }

  /** Advance every market to now: mid, book, fills of resting orders, then the book event. */
  private step(): void {
    const now = this.scheduler.now();
    const dtSec = (now - this.lastStepMs) / 1000;
    this.lastStepMs = now;
    if (!(dtSec > 0)) return;
    const c = this.correlated;
    if (c !== null) {
      for (let i = 0; i < c.paths.length; i++) c.independent[i] = c.paths[i]!.rng.normal();
      correlate(c.factor, c.independent, c.shocks);
      // Unquoted assets move too: their paths keep the rng streams as on any venue of this market.
      for (let i = 0; i < c.paths.length; i++) {
        const { path, rng } = c.paths[i]!;
        path.step(dtSec, c.shocks[i]!, rng);
      }
    }
    for (const m of this.markets.values()) {
      if (c === null) m.midPath.step(dtSec, m.midRng.normal(), m.midRng);
      m.book.update(m.midPath.midPrice, dtSec, m.bookRng);
      this.fillRestingOrders(m, dtSec);
      if (this.backgroundTrades) this.printBackgroundTrades(m, dtSec);
      m.books$.next({
        tMs: now,
        bids: levelsOf(m.book.bidPrices, m.book.bidSizes),
        asks: levelsOf(m.book.askPrices, m.book.askSizes),
      });
    }
  }

  private fillRestingOrders(m: SimMarket, dtSec: number): void {
    const mid = m.midPath.midPrice;
    const lot = m.config.lotSizeBase;
    for (const order of [...this.open.values()]) {
      if (order.asset !== m.info.asset) continue;
      const side = order.side === 'buy' ? 'bid' : 'ask';
      const deltaPrice = side === 'bid' ? mid - order.price : order.price - mid;
      const u = m.fillRng.uniform();
      if (deltaPrice <= 0) {
        this.execute(order, order.sizeBase - order.filledBase, order.price, 'maker');
        continue;
      }
      const ratePerSec = m.fillModel.ratePerSec(side, deltaPrice, m.book);
      const maxLots = Math.ceil((order.sizeBase - order.filledBase) / lot - GRID_EPS);
      const lots = lotFillsInStep(ratePerSec, dtSec, u, maxLots);
      for (let i = 0; i < lots && order.status === 'open'; i++) {
        this.execute(order, Math.min(lot, order.sizeBase - order.filledBase), order.price, 'maker');
      }
    }
  }

  /** Other participants' one-lot market orders at the touch over one step (see the class doc). */
  private printBackgroundTrades(m: SimMarket, dtSec: number): void {
    const mid = m.midPath.midPrice;
    const tsMs = this.scheduler.now();
    for (const side of ['bid', 'ask'] as const) {
      const touch = side === 'bid' ? m.book.bestBidPrice : m.book.bestAskPrice;
      const deltaPrice = Math.max(0, side === 'bid' ? mid - touch : touch - mid);
      const ratePerSec = m.fillModel.ratePerSec(side, deltaPrice, m.book);
      const u = m.tradeRng.uniform();
      const count = lotFillsInStep(ratePerSec, dtSec, u, MAX_BACKGROUND_TRADES_PER_STEP);
      for (let i = 0; i < count; i++) {
        m.trades$.next({
          asset: m.info.asset,
          venue: this.name,
          price: touch,
          sizeBase: m.config.lotSizeBase,
          takerSide: side === 'bid' ? 'sell' : 'buy',
          tsMs,
          tradeId: `${this.sessionId}-t${++this.tradeSeq}`,
        });
      }
    }
  }

  /** Record and emit one execution of `order`; a fully filled order leaves the book. */
  private execute(order: SimOrder, sizeBase: number, price: number, role: 'maker' | 'taker'): void {
    const fill: VenueFill = {
      fillId: `${this.sessionId}-f${++this.fillSeq}`,
      venue: this.name,
      asset: order.asset,
      clientOrderId: order.clientOrderId,
      side: order.side,
      price,
      sizeBase,
      role,
      feeQuote: this.fees.feeQuote(role, price * sizeBase),
      tsMs: this.scheduler.now(),
    };
    order.filledBase += sizeBase;
    if (order.filledBase >= order.sizeBase * (1 - 1e-9)) {
      order.filledBase = order.sizeBase;
      order.status = 'filled';
      this.open.delete(order.clientOrderId);
    }
    const signed = order.side === 'buy' ? sizeBase : -sizeBase;
    this.positionsBase.set(order.asset, (this.positionsBase.get(order.asset) ?? 0) + signed);
    this.fillLog.push(fill);
    this.fills$.next(fill);
    this.orderUpdates$.next(copyOrder(order));
    const ourSide = order.side;
    this.markets.get(order.asset)?.trades$.next({
      asset: order.asset,
      venue: this.name,
      price,
      sizeBase,
      takerSide: role === 'taker' ? ourSide : ourSide === 'buy' ? 'sell' : 'buy',
      tsMs: fill.tsMs,
      tradeId: fill.fillId,
    });
  }

  market(asset: string): MarketInfo {
    return { ...this.marketOf(asset).info };
  }

  books(asset: string): Observable<BookEvent> {
    return this.marketOf(asset).books$.asObservable();
  }

  fills(): Observable<VenueFill> {
    return this.fills$.asObservable();
  }

  trades(asset: string): Observable<MarketTrade> {
    return this.marketOf(asset).trades$.asObservable();
  }

  orderUpdates(): Observable<VenueOrder> {
    return this.orderUpdates$.asObservable();
  }

  /** The true mid of `asset` now, price units (the book's mid is rounded to its ticks). */
  midPrice(asset: string): number {
    return this.marketOf(asset).midPath.midPrice;
  }

  /** The market's true regime index (0 for an asset without regimes); for tests and demos. */
  trueRegime(asset: string): number {
    return this.marketOf(asset).midPath.regime;
  }

  /**
   * Run an order call: draw its fault now, answer after `latencyMs` on the scheduler. `call`
   * applies the call and returns the answer; a `transientAfter` fault throws after it ran;
   * `onRejected` runs when an injected rejection refuses the call.
   */
  private orderCall<T>(canReject: boolean, call: Call<T>, onRejected?: () => void): Promise<T> {
    if (this.closed) return Promise.reject(new VenueError('fatal', this.name, 'venue is closed'));
    const now = this.scheduler.now();
    if (this.rateLimit !== null && !this.rateLimit.tryTake(now)) {
      const retryAfterMs = this.rateLimit.msUntilToken(now);
      return this.answer(() => {
        throw new VenueError('rateLimited', this.name, 'too many requests', retryAfterMs);
      });
    }
    const fault = drawFault(this.faultRng, this.config, canReject);
    return this.answer(() => {
      if (fault === 'transientBefore') throw this.timeout();
      if (fault === 'rejected') {
        onRejected?.();
        throw new VenueError('rejected', this.name, 'rejected (injected)');
      }
      const result = call(fault);
      if (fault === 'transientAfter') throw this.timeout();
      return result;
    });
  }

  private timeout(): VenueError {
    return new VenueError('transient', this.name, 'request timed out');
  }

  private answer<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.scheduler.schedule(() => {
        try {
          resolve(run());
        } catch (error) {
          reject(error);
        }
      }, this.config.latencyMs);
    });
  }

  private rejected(message: string): VenueError {
    return new VenueError('rejected', this.name, message);
  }

  /** Throws `rejected` unless price and size fit the market and a post-only order rests. */
  private validate(
    m: SimMarket,
    side: OrderSide,
    price: number,
    sizeBase: number,
    postOnly: boolean,
  ): void {
    if (!(price > 0) || !Number.isFinite(price)) throw this.rejected(`price: invalid (${price})`);
    if (!onGrid(price, m.info.tickSize)) {
      throw this.rejected(`price: ${price} is not a multiple of the tick ${m.info.tickSize}`);
    }
    if (!(sizeBase > 0) || !Number.isFinite(sizeBase)) {
      throw this.rejected(`sizeBase: invalid (${sizeBase})`);
    }
    if (!onGrid(sizeBase, m.info.sizeStepBase)) {
      throw this.rejected(`sizeBase: ${sizeBase} is not a multiple of ${m.info.sizeStepBase}`);
    }
    if (sizeBase < m.info.minSizeBase * (1 - GRID_EPS)) {
      throw this.rejected(`sizeBase: ${sizeBase} is below the minimum ${m.info.minSizeBase}`);
    }
    if (postOnly && this.crosses(m, side, price)) {
      throw this.rejected(`post-only ${side} at ${price} would cross the book`);
    }
  }

  private crosses(m: SimMarket, side: OrderSide, price: number): boolean {
    return side === 'buy' ? price >= m.book.bestAskPrice : price <= m.book.bestBidPrice;
  }

  /** Report a refused place or edit on `orderUpdates` (only for a listed asset and a valid side). */
  private reportRejected(
    asset: string,
    clientOrderId: string,
    side: OrderSide,
    price: number,
    sizeBase: number,
  ): void {
    if (!this.markets.has(asset) || (side !== 'buy' && side !== 'sell')) return;
    this.orderUpdates$.next({
      asset,
      clientOrderId,
      venueOrderId: '',
      side,
      price,
      sizeBase,
      filledBase: 0,
      status: 'rejected',
    });
  }

  placeOrder(request: OrderRequest): Promise<VenueOrder> {
    const { asset, clientOrderId, side, price, sizeBase } = request;
    const reportRejected = () => {
      if (!this.usedIds.has(clientOrderId)) {
        this.reportRejected(asset, clientOrderId, side, price, sizeBase);
      }
    };
    return this.orderCall(
      true,
      () => {
        const m = this.markets.get(request.asset);
        if (m === undefined) throw this.rejected(`asset '${request.asset}' is not listed`);
        if (request.side !== 'buy' && request.side !== 'sell') {
          throw this.rejected(`side: invalid (${String(request.side)})`);
        }
        if (this.usedIds.has(request.clientOrderId)) {
          throw this.rejected(`duplicate client order id '${request.clientOrderId}'`);
        }
        try {
          if (request.timeInForce === 'ioc' && request.postOnly) {
            throw this.rejected('an ioc order cannot be post-only');
          }
          this.validate(m, request.side, request.price, request.sizeBase, request.postOnly);
        } catch (error) {
          reportRejected();
          throw error;
        }
        this.usedIds.add(request.clientOrderId);
        const order: SimOrder = {
          asset: request.asset,
          clientOrderId: request.clientOrderId,
          venueOrderId: `${this.sessionId}-o${++this.orderSeq}`,
          side: request.side,
          price: request.price,
          sizeBase: request.sizeBase,
          filledBase: 0,
          status: 'open',
          postOnly: request.postOnly,
        };
        if (request.timeInForce === 'ioc') {
          this.takeImmediate(m, order);
        } else if (this.crosses(m, order.side, order.price)) {
          const touch = order.side === 'buy' ? m.book.bestAskPrice : m.book.bestBidPrice;
          this.execute(order, order.sizeBase, touch, 'taker');
        } else {
          this.open.set(order.clientOrderId, order);
          this.orderUpdates$.next(copyOrder(order));
        }
        return copyOrder(order);
      },
      reportRejected,
    );
  }

  /**
   * An immediate-or-cancel order: takes the opposite side's levels priced within its limit, best
   * first, each up to its size in whole lots, as taker fills at the level's price (the synthetic
   * book is not consumed, as for background trades); the rest is canceled (`orderUpdates` reports
   * `canceled` with the executed part, or `filled`).
   */
  private takeImmediate(m: SimMarket, order: SimOrder): void {
    const buy = order.side === 'buy';
    const prices = buy ? m.book.askPrices : m.book.bidPrices;
    const sizes = buy ? m.book.askSizes : m.book.bidSizes;
    const lot = m.config.lotSizeBase;
    for (let i = 0; i < prices.length && order.status === 'open'; i++) {
      const price = prices[i]!;
      if (buy ? price > order.price : price < order.price) break;
      const levelLots = Math.floor(sizes[i]! / lot + GRID_EPS);
      const leftLots = Math.round((order.sizeBase - order.filledBase) / lot);
      const lots = Math.min(levelLots, leftLots);
      if (lots > 0) this.execute(order, lots * lot, price, 'taker');
    }
    if (order.status === 'open') {
      order.status = 'canceled';
      this.orderUpdates$.next(copyOrder(order));
    }
  }

  /**
   * Amend a resting order: new client order id, price and size (the new open size; `filledBase`
   * restarts at 0), same venue order id. A rejected edit leaves the order unchanged.
   */
  editOrder(
    asset: string,
    clientOrderId: string,
    change: { newClientOrderId: string; price: number; sizeBase: number },
  ): Promise<VenueOrder> {
    const reportRejected = () => {
      const side = this.open.get(clientOrderId)?.side;
      const { newClientOrderId } = change;
      if (side === undefined || this.usedIds.has(newClientOrderId)) return;
      this.reportRejected(asset, newClientOrderId, side, change.price, change.sizeBase);
    };
    return this.orderCall(
      true,
      () => {
        const order = this.open.get(clientOrderId);
        if (order === undefined || order.asset !== asset) {
          throw new VenueError('notFound', this.name, `no open order '${clientOrderId}'`);
        }
        const m = this.marketOf(asset);
        if (
          change.newClientOrderId !== clientOrderId &&
          this.usedIds.has(change.newClientOrderId)
        ) {
          throw this.rejected(`duplicate client order id '${change.newClientOrderId}'`);
        }
        try {
          this.validate(m, order.side, change.price, change.sizeBase, order.postOnly);
          if (!order.postOnly && this.crosses(m, order.side, change.price)) {
            throw this.rejected(`edit of ${order.side} to ${change.price} would cross the book`);
          }
        } catch (error) {
          reportRejected();
          throw error;
        }
        this.usedIds.add(change.newClientOrderId);
        this.open.delete(clientOrderId);
        if (change.newClientOrderId !== clientOrderId) {
          this.orderUpdates$.next({ ...copyOrder(order), status: 'canceled' });
        }
        order.clientOrderId = change.newClientOrderId;
        order.price = change.price;
        order.sizeBase = change.sizeBase;
        order.filledBase = 0;
        this.open.set(order.clientOrderId, order);
        this.orderUpdates$.next(copyOrder(order));
        return copyOrder(order);
      },
      reportRejected,
    );
  }

  cancelOrder(asset: string, clientOrderId: string): Promise<void> {
    return this.orderCall(false, () => {
      const order = this.open.get(clientOrderId);
      if (order === undefined || order.asset !== asset) {
        throw new VenueError('notFound', this.name, `no open order '${clientOrderId}'`);
      }
      order.status = 'canceled';
      this.open.delete(clientOrderId);
      this.orderUpdates$.next(copyOrder(order));
    });
  }

  cancelAll(asset?: string): Promise<void> {
    return this.orderCall(false, () => {
      for (const order of [...this.open.values()]) {
        if (asset !== undefined && order.asset !== asset) continue;
        order.status = 'canceled';
        this.open.delete(order.clientOrderId);
        this.orderUpdates$.next(copyOrder(order));
      }
    });
  }

  async openOrders(asset?: string): Promise<VenueOrder[]> {
    const out: VenueOrder[] = [];
    for (const o of this.open.values()) {
      if (asset === undefined || o.asset === asset) out.push(copyOrder(o));
    }
    return out;
  }

  async positions(): Promise<VenuePositions> {
    return { baseByAsset: Object.fromEntries(this.positionsBase) };
  }

  async fillsSince(sinceMs: number): Promise<VenueFill[]> {
    return this.fillLog.filter((f) => f.tsMs >= sinceMs).map((f) => ({ ...f }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer?.unsubscribe();
    this.timer = null;
    for (const m of this.markets.values()) {
      m.books$.complete();
      m.trades$.complete();
    }
    this.fills$.complete();
    this.orderUpdates$.complete();
  }
}
