import type { Control, MarketState } from '@mm/hjb-core';
import type { BookPath } from '../book/BookModel.js';
import { flatBook } from '../book/flatBook.js';
import { type FeeModel, zeroFees } from '../fees/FeeModel.js';
import { type FillModel, type FillProbability, fillProbability } from '../fills/FillModel.js';
import { type LatencyModel, zeroLatency } from '../latency/LatencyModel.js';
import type { MidPath } from '../mid/MidModel.js';
import type { Rng } from '../rng/Rng.js';
import { createRng } from '../rng/xoshiro128.js';
import { InventoryAccumulator } from './InventoryAccumulator.js';
import type { MarketConfig, RunPlan } from './SimulationConfig.js';
import type { SimulationPath, SimulationResult } from './SimulationResult.js';
import { TradeLedger } from './TradeLedger.js';

/** Random streams per asset: the mid's shocks come from stream 0, shared by all assets. */
const STREAMS_PER_ASSET = 4;

/** An order sent at a decision: replaces both resting quotes and taker rates once live. */
interface PendingOrder {
  activeAtSec: number;
  bidPrice: number;
  askPrice: number;
  take: Control['take'];
  takerBuyRatePerSec: number;
  takerSellRatePerSec: number;
}

/** Check a market's settings; throws a RangeError naming the field. */
export function checkMarket(market: MarketConfig, field = ''): void {
  const { initialMidPrice, lotSizeBase } = market;
  if (!Number.isFinite(initialMidPrice))
    throw new RangeError(`${field}initialMidPrice must be finite, got ${initialMidPrice}`);
  if (lotSizeBase !== undefined && (!(lotSizeBase > 0) || !Number.isFinite(lotSizeBase)))
    throw new RangeError(`${field}lotSizeBase must be finite and > 0, got ${lotSizeBase}`);
  const mode = market.fillProbability;
  if (mode !== undefined && mode !== 'exact' && mode !== 'firstOrder')
    throw new RangeError(`${field}fillProbability must be 'exact' or 'firstOrder', got ${mode}`);
}

/**
 * One asset inside a simulation: its mid and book paths, our resting quotes and pending orders,
 * cash and inventory. Within a step the mid is constant; orders that become live inside the step
 * split it into segments, and each quote fills at most once per segment with the fill model's
 * probability. The step order is: decide, record, fills, then the mid and book move (or, with
 * `fillsAfterMidMove`, the move before the fills).
 */
export class AssetLoop {
  private readonly mid: MidPath;
  private readonly book: BookPath;
  private readonly fillModel: FillModel;
  private readonly mode: FillProbability;
  private readonly fees: FeeModel;
  private readonly latency: LatencyModel;
  private readonly lot: number;
  private readonly bookRng: Rng;
  private readonly fillRng: Rng;
  private readonly takerRng: Rng;
  private readonly latencyRng: Rng;
  private readonly plan: RunPlan;

  private decisions = 0;
  private readonly ledger: TradeLedger;
  /** Inventory integrals over every recorded step, kept whether or not the path is stored. */
  private readonly integrals = new InventoryAccumulator();

  private liveBid = Number.NaN;
  private liveAsk = Number.NaN;
  private liveBuyRate = 0;
  private liveSellRate = 0;
  private decidedBid = Number.NaN;
  private decidedAsk = Number.NaN;
  private pending: PendingOrder[] = [];
  private head = 0;
  private lastActiveAtSec = Number.NEGATIVE_INFINITY;

  private readonly path: SimulationPath | null;
  private recorded = 0;

  constructor(market: MarketConfig, plan: RunPlan, assetIndex: number, midRng: Rng) {
    checkMarket(market);
    this.plan = plan;
    const base = 1 + STREAMS_PER_ASSET * assetIndex;
    this.bookRng = createRng(plan.seed, base);
    this.fillRng = createRng(plan.seed, base + 1);
    this.takerRng = createRng(plan.seed, base + 2);
    this.latencyRng = createRng(plan.seed, base + 3);
    this.mid = market.midModel.start(market.initialMidPrice, midRng);
    this.book = (market.bookModel ?? flatBook()).start(market.initialMidPrice, this.bookRng);
    this.fillModel = market.fillModel;
    this.mode = market.fillProbability ?? 'exact';
    this.fees = market.feeModel ?? zeroFees;
    this.latency = market.latencyModel ?? zeroLatency;
    this.lot = market.lotSizeBase ?? 1;
    this.ledger = new TradeLedger(this.lot, this.fees, plan.recordFills);
    const every = plan.recordEverySteps;
    if (every > 0) {
      const n = Math.floor((plan.steps - 1) / every) + 2;
      this.path = {
        tSec: new Float64Array(n),
        midPrice: new Float64Array(n),
        inventoryLots: new Float64Array(n),
        cashQuote: new Float64Array(n),
        pnlQuote: new Float64Array(n),
        bidPrice: new Float64Array(n),
        askPrice: new Float64Array(n),
        regime: new Int32Array(n),
      };
    } else this.path = null;
  }

  /** What the policy sees at `tSec`. */
  marketState(tSec: number): MarketState {
    const book = this.book;
    return {
      inventoryLots: this.ledger.q,
      midPrice: this.mid.midPrice,
      marketSpreadPrice: book.bestAskPrice - book.bestBidPrice,
      imbalance: book.imbalance,
      driftPerSec: this.mid.driftPerSec,
      tSec,
    };
  }

  /** Send the orders of `control`, decided at `tSec`; live at `tSec + latency` (never overtaking). */
  submit(control: Control, tSec: number): void {
    this.decisions++;
    const mid = this.mid.midPrice;
    const bidPrice = mid - control.bidDeltaPrice; // NaN stays NaN: no bid
    const askPrice = mid + control.askDeltaPrice;
    this.decidedBid = Number.isFinite(bidPrice) ? bidPrice : Number.NaN;
    this.decidedAsk = Number.isFinite(askPrice) ? askPrice : Number.NaN;
    let at = tSec + this.latency.sampleSec(this.latencyRng);
    if (at < this.lastActiveAtSec) at = this.lastActiveAtSec;
    this.lastActiveAtSec = at;
    this.pending.push({
      activeAtSec: at,
      bidPrice: this.decidedBid,
      askPrice: this.decidedAsk,
      take: control.take,
      takerBuyRatePerSec: rateOrZero(control.takerBuyRatePerSec),
      takerSellRatePerSec: rateOrZero(control.takerSellRatePerSec),
    });
  }

  /** Fills over `[tSec, tSec + dtSec)`, activating the orders that become live inside it. */
  runFills(tSec: number, dtSec: number): void {
    const end = tSec + dtSec;
    let from = tSec;
    const pending = this.pending;
    while (this.head < pending.length && pending[this.head]!.activeAtSec < end) {
      const order = pending[this.head++]!;
      const at = Math.max(order.activeAtSec, from);
      this.segment(from, at - from);
      this.activate(order, at);
      from = at;
    }
    this.segment(from, end - from);
    if (this.head === pending.length) {
      pending.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.pending = pending.slice(this.head);
      this.head = 0;
    }
  }

  /** Move the mid (shock `z`) and the book over `dtSec`. */
  advance(dtSec: number, z: number, midRng: Rng): void {
    const mid = this.mid.step(dtSec, z, midRng);
    this.book.update(mid, dtSec, this.bookRng);
  }

  /** Keep the state at `tSec` if the step index is on the recording grid (or `final`). */
  record(step: number, tSec: number, final = false): void {
    this.integrals.add(tSec, this.ledger.q);
    const path = this.path;
    if (!path || (!final && step % this.plan.recordEverySteps !== 0)) return;
    const i = this.recorded++;
    const mid = this.mid.midPrice;
    path.tSec[i] = tSec;
    path.midPrice[i] = mid;
    path.inventoryLots[i] = this.ledger.q;
    path.cashQuote[i] = this.ledger.cash;
    path.pnlQuote[i] = this.ledger.cash + this.ledger.q * mid * this.lot;
    path.bidPrice[i] = this.decidedBid;
    path.askPrice[i] = this.decidedAsk;
    path.regime[i] = this.mid.regime;
  }

  /** Mark-to-mid P&L now, quote currency. */
  pnlQuote(): number {
    return this.ledger.cash + this.ledger.q * this.mid.midPrice * this.lot;
  }

  result(): SimulationResult {
    const { seed, dtSec, steps, horizonSec } = this.plan;
    return {
      seed,
      dtSec,
      steps,
      horizonSec,
      lotSizeBase: this.lot,
      cashQuote: this.ledger.cash,
      inventoryLots: this.ledger.q,
      midPrice: this.mid.midPrice,
      pnlQuote: this.pnlQuote(),
      feesQuote: this.ledger.feesTotal,
      maxAbsInventoryLots: this.ledger.maxAbsQ,
      decisions: this.decisions,
      counts: { ...this.ledger.counts },
      fills: this.ledger.fills,
      inventory: this.integrals.stats(),
      path: this.path,
    };
  }

  private activate(order: PendingOrder, tSec: number): void {
    this.liveBid = order.bidPrice;
    this.liveAsk = order.askPrice;
    this.liveBuyRate = order.takerBuyRatePerSec;
    this.liveSellRate = order.takerSellRatePerSec;
    if (order.take === 'buy') this.ledger.trade('buy', 'taker', this.book.bestAskPrice, tSec);
    else if (order.take === 'sell')
      this.ledger.trade('sell', 'taker', this.book.bestBidPrice, tSec);
  }

  /** Maker fills and rate-form taker trades over `tauSec` from `tSec`. */
  private segment(tSec: number, tauSec: number): void {
    if (!(tauSec > 0)) return;
    // two uniforms per segment whatever is quoted: policies compared on one seed share them
    const uBid = this.fillRng.uniform();
    const uAsk = this.fillRng.uniform();
    const mid = this.mid.midPrice;
    const bid = this.liveBid;
    if (
      !Number.isNaN(bid) &&
      uBid < this.probability(this.fillModel.ratePerSec('bid', mid - bid, this.book), tauSec)
    ) {
      this.liveBid = Number.NaN;
      this.ledger.trade('buy', 'maker', bid, tSec);
    }
    const ask = this.liveAsk;
    if (
      !Number.isNaN(ask) &&
      uAsk < this.probability(this.fillModel.ratePerSec('ask', ask - mid, this.book), tauSec)
    ) {
      this.liveAsk = Number.NaN;
      this.ledger.trade('sell', 'maker', ask, tSec);
    }
    if (this.liveBuyRate > 0)
      for (let n = this.takerRng.poisson(this.liveBuyRate * tauSec); n > 0; n--)
        this.ledger.trade('buy', 'taker', this.book.bestAskPrice, tSec);
    if (this.liveSellRate > 0)
      for (let n = this.takerRng.poisson(this.liveSellRate * tauSec); n > 0; n--)
        this.ledger.trade('sell', 'taker', this.book.bestBidPrice, tSec);
  }

  private probability(ratePerSec: number, tauSec: number): number {
    return fillProbability(this.mode, ratePerSec, tauSec);
  }
}

function rateOrZero(ratePerSec: number): number {
  return ratePerSec > 0 && Number.isFinite(ratePerSec) ? ratePerSec : 0;
}
