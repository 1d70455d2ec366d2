import type {
  PortfolioDecision,
  PortfolioPolicy,
  PortfolioSpec,
  PortfolioState,
  PortfolioTaker,
} from '@mm/hjb-core';
import type { AssetState } from '../model/assetState.js';
import { NO_QUOTES, type QuoteIntent } from '../model/quote.js';

/** Where the decider reads inventory: lots summed over venues, and per venue. */
export interface InventorySource {
  /** Inventory of `asset` over every venue, lots (fills not yet durable included). */
  totalLots(asset: string): number;
  /** Inventory of `asset` on `venue`, lots. */
  venueLots(venue: string, asset: string): number;
}

/** A leg's decision: its quotes, and the taker orders it should send now. */
export interface LegDecision {
  intent: QuoteIntent;
  /** Whether each side was moved by the boundary (for `mm_quotes_clamped_total`). */
  bidClamped: boolean;
  askClamped: boolean;
  /** Taker orders to send: this leg's boundary takers and any hedge (copies). */
  takers: PortfolioTaker[];
}

/**
 * The engine side of the portfolio decision (DESIGN 3.8): the per-asset pipelines stay, and each
 * decision of a leg (asset x venue) writes the leg's latest book into one whole-book state
 * (mids, touches, ticks, lots, drift, volatility; inventory summed over venues and per venue),
 * calls the portfolio policy once with it and takes its own asset's quotes on its venue. Taker
 * orders of the decision are handed to the leg that decided: the boundary's takers of its own
 * (asset, venue) and the hedges (any asset; the policy rate-limits them). Until every asset has
 * a valid book, no asset quotes (a joint decision needs every mid).
 */
export class PortfolioDecider {
  readonly state: PortfolioState;
  private policy: PortfolioPolicy;
  private readonly ready: boolean[];
  private readyCount = 0;

  constructor(
    readonly spec: PortfolioSpec,
    policy: PortfolioPolicy,
    private readonly inventory: InventorySource,
    /**
     * Pass the book's EWMA drift to the policy (default true). `multi` turns it into a position
     * over its whole horizon (`b = L mu`, L of order 1/(2 sqrt(Dm Phi)), minutes), so the noise
     * of a martingale mid's drift estimate would swamp its quotes: it gets 0 until a real signal
     * (issue 11's alpha) is wired in; `independent` keeps today's behaviour.
     */
    private readonly useDrift = true,
  ) {
    this.policy = policy;
    this.ready = spec.assets.map(() => false);
    this.state = {
      tSec: 0,
      assets: spec.assets.map((a) => ({
        inventoryLots: 0,
        midPrice: Number.NaN,
        driftPerSec: 0,
        sigmaPerSqrtSec: Number.NaN,
        marketSpreadPrice: 0,
        imbalance: 0.5,
        venues: a.venues.map(() => ({
          inventoryLots: 0,
          bestBid: Number.NaN,
          bestAsk: Number.NaN,
          tickSize: a.tickSize,
          lotSizeBase: a.lotSizeBase,
        })),
      })),
    };
  }

  /** The policy deciding now. */
  get current(): PortfolioPolicy {
    return this.policy;
  }

  /** Use `policy` from the next decision on (a re-solved `multi`, another regime's policy). */
  swap(policy: PortfolioPolicy): void {
    this.policy = policy;
  }

  /**
   * Decide for leg (`assetIndex`, `venueIndex`) on its latest book `book` (a ready state) at
   * `tSec`; `tickSize` is the leg's venue tick. Returns the leg's quotes (prices on the tick,
   * sizes in lots) and the takers to send.
   */
  decideLeg(
    assetIndex: number,
    venueIndex: number,
    book: AssetState,
    tickSize: number,
    tSec: number,
  ): LegDecision {
    const st = this.state;
    const asset = st.assets[assetIndex]!;
    asset.midPrice = book.midPrice;
    asset.driftPerSec = this.useDrift && Number.isFinite(book.driftPerSec) ? book.driftPerSec : 0;
    asset.sigmaPerSqrtSec = book.volPerSqrtSec;
    asset.marketSpreadPrice = book.marketSpreadPrice;
    asset.imbalance = book.imbalance;
    const venue = asset.venues[venueIndex]!;
    venue.bestBid = book.bestBid;
    venue.bestAsk = book.bestAsk;
    venue.tickSize = tickSize;
    if (!this.ready[assetIndex]) {
      this.ready[assetIndex] = true;
      this.readyCount++;
    }
    if (this.readyCount < this.ready.length) {
      return { intent: NO_QUOTES, bidClamped: false, askClamped: false, takers: [] };
    }
    this.readInventory();
    st.tSec = tSec;
    const decision: PortfolioDecision = this.policy.decide(st);
    const q = decision.quotes[assetIndex]![venueIndex]!;
    const takers: PortfolioTaker[] = [];
    for (const t of decision.takers) {
      const own = t.assetIndex === assetIndex && t.venueIndex === venueIndex;
      if (t.reason === 'hedge' || own) takers.push({ ...t });
    }
    return {
      intent: {
        bid: q.bid === null ? null : { price: q.bid.price, sizeLots: q.bid.sizeLots },
        ask: q.ask === null ? null : { price: q.ask.price, sizeLots: q.ask.sizeLots },
      },
      bidClamped: q.bid?.clamped ?? false,
      askClamped: q.ask?.clamped ?? false,
      takers,
    };
  }

  /** Inventory vector in asset units, spec order (for `q' Sigma q`). */
  inventoryUnits(): Float64Array {
    this.readInventory();
    return Float64Array.from(
      this.spec.assets,
      (a, i) => this.state.assets[i]!.inventoryLots * a.lotSizeBase,
    );
  }

  private readInventory(): void {
    const { spec, state } = this;
    for (let i = 0; i < spec.assets.length; i++) {
      const a = spec.assets[i]!;
      const s = state.assets[i]!;
      s.inventoryLots = this.inventory.totalLots(a.symbol);
      for (let v = 0; v < a.venues.length; v++) {
        s.venues[v]!.inventoryLots = this.inventory.venueLots(a.venues[v]!.venue, a.symbol);
      }
    }
  }
}
