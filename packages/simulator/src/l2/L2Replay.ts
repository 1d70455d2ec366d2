import {
  type Control,
  createBoundaryInput,
  createQuoteSlots,
  type MarketState,
  type PortfolioTaker,
  type PortfolioVenueQuotes,
  placeQuotes,
} from '@mm/hjb-core';
import { type FeeModel, zeroFees } from '../fees/FeeModel.js';
import { type LatencyModel, zeroLatency } from '../latency/LatencyModel.js';
import type { Rng } from '../rng/Rng.js';
import { createRng } from '../rng/xoshiro128.js';
import type { QuotePolicy } from '../sim/SimulationConfig.js';
import type { TradingTotals } from '../sim/SimulationResult.js';
import { TradeLedger } from '../sim/TradeLedger.js';
import type { L2BookEvent, L2Event, L2TradeEvent, PriceLevel } from './L2Event.js';
import { probQueue, type QueueModel, type QueuePosition } from './QueueModel.js';

/** A backtest of a policy against recorded (or generated) L2 events. */
export interface ReplayConfig {
  policy: QuotePolicy;
  /** Seed of the queue model's, the taker flow's and the latency's streams. */
  seed: number;
  /** Base units per lot: our order size (one lot) in the book's size units. Default 1. */
  lotSizeBase?: number;
  /** Default: no fees. */
  feeModel?: FeeModel;
  /** Default: zero latency. */
  latencyModel?: LatencyModel;
  /** Default `probQueue()` (power 3, expected update). */
  queueModel?: QueueModel;
  /** Decide on the first book event at or after each multiple of this, seconds (default 0: every book event). */
  decisionIntervalSec?: number;
  /** Levels per side summed in the imbalance (default 5). */
  imbalanceLevels?: number;
  /** Keep the path every this many seconds of event time (default 1; 0 keeps none). */
  recordEverySec?: number;
  /** Keep every fill (default true). */
  recordFills?: boolean;
  /** The drift the policy is told, price units per second (default 0). */
  driftPerSec?: number;
  /**
   * Price units per tick: quotes are rounded to it away from crossing by the boundary module
   * (hjb-core `portfolio/boundary.ts`). Default: the smallest gap between adjacent levels of the
   * first book event with two levels on a side.
   */
  tickSize?: number;
  /** Inventory limit, lots: no bid at `+qMaxLots`, no ask at `-qMaxLots` (default: none). */
  qMaxLots?: number;
}

/** The recorded path of a replay (state after the event that crossed each recording time). */
export interface ReplayPath {
  tSec: Float64Array;
  midPrice: Float64Array;
  inventoryLots: Float64Array;
  cashQuote: Float64Array;
  pnlQuote: Float64Array;
  /** Our resting bid and ask, price units (`NaN`: none). */
  bidPrice: Float64Array;
  askPrice: Float64Array;
}

/** What a replay produced. */
export interface ReplayResult extends TradingTotals {
  events: number;
  bookEvents: number;
  tradeEvents: number;
  /** Event time of the first and last events, seconds. */
  startSec: number;
  endSec: number;
  /** Quotes that would have crossed the book when they arrived, after the latency (post-only: not placed). */
  postOnlyRejections: number;
  /** Quotes the boundary module moved to one tick inside the opposite touch (or rested at the touch). */
  clampedQuotes: number;
  path: ReplayPath | null;
}

interface Resting {
  price: number;
  pos: QueuePosition;
  /** The level's displayed size at the last book update (`NaN`: beyond the shown depth). */
  levelQty: number;
}

interface Pending {
  activeAtSec: number;
  bidPrice: number;
  askPrice: number;
  take: Control['take'];
  takerBuyRatePerSec: number;
  takerSellRatePerSec: number;
}

const EMPTY: readonly PriceLevel[] = [];

/**
 * The replay engine: pure, one event at a time, memory bounded by the recorded path and fills.
 * Our orders are virtual (not in the data). Per side one resting lot: it joins the back of its
 * level, advances by the queue model, and fills when a trade at its price gets through the queue
 * ahead (at least half a lot past it), when a trade prints through its price, or when the
 * opposite touch crosses it. A new decision at an unchanged price keeps the queue position.
 * Each decision goes through the boundary module, as in the engine and the synthetic backtest:
 * prices on the tick, rounded away from crossing; a side at or through the opposite touch is a
 * taker when the policy's taker control says so, else one tick inside the touch; the side
 * reducing `|q|` always rests. A quote that still crosses when it arrives after the latency is
 * rejected (post-only). `take` and rate-form taker trades execute at the touch, paying the taker
 * fee, without moving the book.
 */
export class L2ReplayEngine {
  private readonly policy: QuotePolicy;
  private readonly lot: number;
  private readonly fees: FeeModel;
  private readonly latency: LatencyModel;
  private readonly queue: QueueModel;
  private readonly queueRng: Rng;
  private readonly takerRng: Rng;
  private readonly latencyRng: Rng;
  private readonly decisionIntervalSec: number;
  private readonly imbalanceLevels: number;
  private readonly recordEverySec: number;
  private readonly recordFills: boolean;
  private readonly driftPerSec: number;
  private tickSize: number;
  private readonly qMaxLots: number;
  private readonly boundaryInput = createBoundaryInput();
  private readonly boundarySlots = createQuoteSlots();
  private readonly boundaryQuotes: PortfolioVenueQuotes = { bid: null, ask: null };
  private readonly boundaryTakers: PortfolioTaker[] = [];
  private clamped = 0;

  private bids: readonly PriceLevel[] = EMPTY;
  private asks: readonly PriceLevel[] = EMPTY;
  private bestBid = Number.NaN;
  private bestAsk = Number.NaN;
  private mid = Number.NaN;
  private imbalance = 0.5;

  private decisions = 0;
  private rejections = 0;
  private readonly ledger: TradeLedger;

  private bid: Resting | null = null;
  private ask: Resting | null = null;
  private buyRate = 0;
  private sellRate = 0;
  private pending: Pending[] = [];
  private head = 0;
  private lastActiveAtSec = Number.NEGATIVE_INFINITY;

  private events = 0;
  private bookEvents = 0;
  private tradeEvents = 0;
  private startSec = Number.NaN;
  private lastSec = Number.NaN;
  private nextDecisionSec = Number.NEGATIVE_INFINITY;
  private nextRecordSec = Number.NEGATIVE_INFINITY;
  private readonly rec: number[][] | null;

  constructor(config: ReplayConfig) {
    if (typeof config.policy?.decide !== 'function')
      throw new RangeError('policy must have a decide(state) method');
    this.policy = config.policy;
    const seed = config.seed;
    if (!Number.isSafeInteger(seed))
      throw new RangeError(`seed must be a safe integer, got ${seed}`);
    this.queueRng = createRng(seed, 1);
    this.takerRng = createRng(seed, 2);
    this.latencyRng = createRng(seed, 3);
    this.lot = positive('lotSizeBase', config.lotSizeBase ?? 1);
    this.fees = config.feeModel ?? zeroFees;
    this.latency = config.latencyModel ?? zeroLatency;
    this.queue = config.queueModel ?? probQueue();
    this.decisionIntervalSec = nonNegative('decisionIntervalSec', config.decisionIntervalSec ?? 0);
    const levels = config.imbalanceLevels ?? 5;
    if (!Number.isInteger(levels) || levels < 1)
      throw new RangeError(`imbalanceLevels must be an integer >= 1, got ${levels}`);
    this.imbalanceLevels = levels;
    this.recordEverySec = nonNegative('recordEverySec', config.recordEverySec ?? 1);
    this.recordFills = config.recordFills ?? true;
    this.ledger = new TradeLedger(this.lot, this.fees, this.recordFills);
    this.driftPerSec = config.driftPerSec ?? 0;
    if (!Number.isFinite(this.driftPerSec))
      throw new RangeError(`driftPerSec must be finite, got ${this.driftPerSec}`);
    this.rec = this.recordEverySec > 0 ? [[], [], [], [], [], [], []] : null;
    this.tickSize =
      config.tickSize === undefined ? Number.NaN : positive('tickSize', config.tickSize);
    this.qMaxLots =
      config.qMaxLots === undefined
        ? Number.POSITIVE_INFINITY
        : positive('qMaxLots', config.qMaxLots);
  }

  /** Process one event (times are clamped to be non-decreasing). */
  onEvent(event: L2Event): void {
    let t = event.t;
    if (this.events === 0) this.startSec = t;
    else if (t < this.lastSec) t = this.lastSec;
    this.events++;
    this.advanceTo(t);
    if (event.type === 'book') {
      this.bookEvents++;
      this.applyBook(event, t);
      if (t >= this.nextDecisionSec && !Number.isNaN(this.mid)) {
        this.decide(t);
        this.activateUpTo(t);
      }
    } else {
      this.tradeEvents++;
      this.applyTrade(event, t);
    }
    this.lastSec = t;
    if (this.rec && t >= this.nextRecordSec) {
      this.record(t);
      this.nextRecordSec = (Math.floor(t / this.recordEverySec) + 1) * this.recordEverySec;
    }
  }

  result(): ReplayResult {
    const rec = this.rec;
    const path: ReplayPath | null = rec
      ? {
          tSec: Float64Array.from(rec[0]!),
          midPrice: Float64Array.from(rec[1]!),
          inventoryLots: Float64Array.from(rec[2]!),
          cashQuote: Float64Array.from(rec[3]!),
          pnlQuote: Float64Array.from(rec[4]!),
          bidPrice: Float64Array.from(rec[5]!),
          askPrice: Float64Array.from(rec[6]!),
        }
      : null;
    return {
      events: this.events,
      bookEvents: this.bookEvents,
      tradeEvents: this.tradeEvents,
      startSec: this.startSec,
      endSec: this.lastSec,
      lotSizeBase: this.lot,
      cashQuote: this.ledger.cash,
      inventoryLots: this.ledger.q,
      midPrice: this.mid,
      pnlQuote: this.pnl(),
      feesQuote: this.ledger.feesTotal,
      maxAbsInventoryLots: this.ledger.maxAbsQ,
      decisions: this.decisions,
      postOnlyRejections: this.rejections,
      clampedQuotes: this.clamped,
      counts: { ...this.ledger.counts },
      fills: this.ledger.fills,
      path,
    };
  }

  private pnl(): number {
    return this.ledger.q === 0
      ? this.ledger.cash
      : this.ledger.cash + this.ledger.q * this.mid * this.lot;
  }

  /** Rate-form taker trades over the elapsed time, then the orders that arrived by `t`. */
  private advanceTo(t: number): void {
    const elapsed = t - this.lastSec;
    if (elapsed > 0 && !Number.isNaN(this.mid)) {
      if (this.buyRate > 0)
        for (let n = this.takerRng.poisson(this.buyRate * elapsed); n > 0; n--)
          this.ledger.trade('buy', 'taker', this.bestAsk, t);
      if (this.sellRate > 0)
        for (let n = this.takerRng.poisson(this.sellRate * elapsed); n > 0; n--)
          this.ledger.trade('sell', 'taker', this.bestBid, t);
    }
    this.activateUpTo(t);
  }

  private activateUpTo(t: number): void {
    const pending = this.pending;
    while (this.head < pending.length && pending[this.head]!.activeAtSec <= t) {
      const order = pending[this.head++]!;
      this.activate(order, order.activeAtSec);
    }
    if (this.head === pending.length) {
      pending.length = 0;
      this.head = 0;
    }
  }

  private decide(t: number): void {
    const state: MarketState = {
      inventoryLots: this.ledger.q,
      midPrice: this.mid,
      marketSpreadPrice: this.bestAsk - this.bestBid,
      imbalance: this.imbalance,
      driftPerSec: this.driftPerSec,
      tSec: t - this.startSec,
    };
    const c = this.policy.decide(state);
    this.decisions++;
    const interval = this.decisionIntervalSec;
    this.nextDecisionSec = interval > 0 ? (Math.floor(t / interval) + 1) * interval : t;
    let at = t + this.latency.sampleSec(this.latencyRng);
    if (at < this.lastActiveAtSec) at = this.lastActiveAtSec;
    this.lastActiveAtSec = at;
    const { bid, ask, take } = this.atBoundary(c);
    this.pending.push({
      activeAtSec: at,
      bidPrice: bid,
      askPrice: ask,
      take,
      takerBuyRatePerSec: Math.max(c.takerBuyRatePerSec, 0),
      takerSellRatePerSec: Math.max(c.takerSellRatePerSec, 0),
    });
  }

  /** The control as venue-acceptable orders (the shared boundary module), one lot per side. */
  private atBoundary(c: Control): { bid: number; ask: number; take: Control['take'] } {
    const input = this.boundaryInput;
    input.midPrice = this.mid;
    input.bestBid = this.bestBid;
    input.bestAsk = this.bestAsk;
    input.tickSize = this.tickSize > 0 ? this.tickSize : 1e-8 * Math.abs(this.mid);
    input.inventoryLots = this.ledger.q;
    input.qMaxLots = this.qMaxLots;
    input.sizeLots = 1;
    input.bidDepthPrice = Number.isFinite(c.bidDeltaPrice) ? c.bidDeltaPrice : Number.NaN;
    input.askDepthPrice = Number.isFinite(c.askDeltaPrice) ? c.askDeltaPrice : Number.NaN;
    input.takeBidIfCrossing = c.take === 'buy' || c.takerBuyRatePerSec > 0;
    input.takeAskIfCrossing = c.take === 'sell' || c.takerSellRatePerSec > 0;
    const takers = this.boundaryTakers;
    takers.length = 0;
    const quotes = this.boundaryQuotes;
    placeQuotes(input, this.boundarySlots, quotes, takers);
    if (quotes.bid?.clamped) this.clamped++;
    if (quotes.ask?.clamped) this.clamped++;
    return {
      bid: quotes.bid ? quotes.bid.price : Number.NaN,
      ask: quotes.ask ? quotes.ask.price : Number.NaN,
      take: takers.length > 0 ? takers[0]!.side : c.take,
    };
  }

  private activate(order: Pending, t: number): void {
    this.bid = this.place(this.bid, order.bidPrice, true);
    this.ask = this.place(this.ask, order.askPrice, false);
    this.buyRate = Number.isFinite(order.takerBuyRatePerSec) ? order.takerBuyRatePerSec : 0;
    this.sellRate = Number.isFinite(order.takerSellRatePerSec) ? order.takerSellRatePerSec : 0;
    if (order.take === 'buy' && !Number.isNaN(this.bestAsk))
      this.ledger.trade('buy', 'taker', this.bestAsk, t);
    else if (order.take === 'sell' && !Number.isNaN(this.bestBid))
      this.ledger.trade('sell', 'taker', this.bestBid, t);
  }

  /** Replace (or keep, if the price is unchanged) one side's resting order. */
  private place(current: Resting | null, price: number, isBid: boolean): Resting | null {
    if (Number.isNaN(price)) return null;
    if (current && Math.abs(current.price - price) <= 1e-9 * Math.abs(price)) return current;
    const crosses = isBid ? price >= this.bestAsk : price <= this.bestBid;
    if (crosses) {
      this.rejections++;
      return null;
    }
    const levelQty = levelSize(isBid ? this.bids : this.asks, price, isBid);
    return { price, pos: this.queue.join(levelQty), levelQty };
  }

  private applyBook(event: L2BookEvent, t: number): void {
    const bids = event.bids;
    const asks = event.asks;
    const bestBid = bids.length > 0 ? bids[0]![0] : Number.NaN;
    const bestAsk = asks.length > 0 ? asks[0]![0] : Number.NaN;
    const bid = this.bid;
    if (bid) {
      if (bid.price >= bestAsk) {
        this.bid = null;
        this.ledger.trade('buy', 'maker', bid.price, t);
      } else this.updateLevel(bid, levelSize(bids, bid.price, true));
    }
    const ask = this.ask;
    if (ask) {
      if (ask.price <= bestBid) {
        this.ask = null;
        this.ledger.trade('sell', 'maker', ask.price, t);
      } else this.updateLevel(ask, levelSize(asks, ask.price, false));
    }
    this.bids = bids;
    this.asks = asks;
    if (Number.isNaN(this.tickSize)) this.tickSize = smallestGap(bids, asks);
    this.bestBid = bestBid;
    this.bestAsk = bestAsk;
    if (!Number.isNaN(bestBid) && !Number.isNaN(bestAsk)) this.mid = 0.5 * (bestBid + bestAsk);
    let vb = 0;
    let va = 0;
    const nb = Math.min(bids.length, this.imbalanceLevels);
    const na = Math.min(asks.length, this.imbalanceLevels);
    for (let i = 0; i < nb; i++) vb += bids[i]![1];
    for (let i = 0; i < na; i++) va += asks[i]![1];
    this.imbalance = vb + va > 0 ? vb / (vb + va) : 0.5;
  }

  private updateLevel(order: Resting, newQty: number): void {
    if (Number.isNaN(newQty)) return; // beyond the shown depth: no information
    const prev = !Number.isNaN(order.levelQty) ? order.levelQty : newQty;
    this.queue.onDepthChange(order.pos, prev, newQty, this.queueRng);
    order.levelQty = newQty;
  }

  private applyTrade(event: L2TradeEvent, t: number): void {
    const half = 0.5 * this.lot;
    if (event.side === 'sell') {
      const bid = this.bid;
      if (!bid) return;
      const eps = 1e-9 * Math.abs(bid.price);
      if (event.px < bid.price - eps) {
        this.bid = null;
        this.ledger.trade('buy', 'maker', bid.price, t);
      } else if (event.px <= bid.price + eps) {
        this.queue.onTrade(bid.pos, event.sz);
        if (bid.pos.frontQty <= -half) {
          this.bid = null;
          this.ledger.trade('buy', 'maker', bid.price, t);
        }
      }
    } else {
      const ask = this.ask;
      if (!ask) return;
      const eps = 1e-9 * Math.abs(ask.price);
      if (event.px > ask.price + eps) {
        this.ask = null;
        this.ledger.trade('sell', 'maker', ask.price, t);
      } else if (event.px >= ask.price - eps) {
        this.queue.onTrade(ask.pos, event.sz);
        if (ask.pos.frontQty <= -half) {
          this.ask = null;
          this.ledger.trade('sell', 'maker', ask.price, t);
        }
      }
    }
  }

  private record(t: number): void {
    const rec = this.rec!;
    rec[0]!.push(t);
    rec[1]!.push(this.mid);
    rec[2]!.push(this.ledger.q);
    rec[3]!.push(this.ledger.cash);
    rec[4]!.push(this.pnl());
    rec[5]!.push(this.bid ? this.bid.price : Number.NaN);
    rec[6]!.push(this.ask ? this.ask.price : Number.NaN);
  }
}

/**
 * Displayed size at `price` on one side (best first): the level's size, 0 if the price lies
 * inside the shown range (or better than the touch) but has no level, `NaN` if beyond it.
 */
export function levelSize(levels: readonly PriceLevel[], price: number, isBid: boolean): number {
  const eps = 1e-9 * Math.abs(price);
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    const px = l[0];
    if (Math.abs(px - price) <= eps) return l[1];
    if (isBid ? px < price : px > price) return 0;
  }
  return Number.NaN;
}

/** The smallest gap between adjacent levels on either side (`NaN` when no side has two). */
function smallestGap(bids: readonly PriceLevel[], asks: readonly PriceLevel[]): number {
  let gap = Number.POSITIVE_INFINITY;
  for (const side of [bids, asks])
    for (let i = 1; i < side.length; i++) {
      const d = Math.abs(side[i]![0] - side[i - 1]![0]);
      if (d > 0) gap = Math.min(gap, d);
    }
  if (!Number.isFinite(gap)) return Number.NaN;
  // Recorded prices carry representation error: snap to 9 significant digits.
  return Number(gap.toPrecision(9));
}

function positive(field: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v))
    throw new RangeError(`${field} must be finite and > 0, got ${v}`);
  return v;
}

function nonNegative(field: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v))
    throw new RangeError(`${field} must be finite and >= 0, got ${v}`);
  return v;
}

/** Replay `events` (an array, a generator) through a fresh engine. */
export function replayL2(events: Iterable<L2Event>, config: ReplayConfig): ReplayResult {
  const engine = new L2ReplayEngine(config);
  for (const e of events) engine.onEvent(e);
  return engine.result();
}

/** Replay a stream of events (e.g. `readL2Events(path)`), one at a time. */
export async function replayL2Async(
  events: AsyncIterable<L2Event>,
  config: ReplayConfig,
): Promise<ReplayResult> {
  const engine = new L2ReplayEngine(config);
  for await (const e of events) engine.onEvent(e);
  return engine.result();
}
