import type { EngineConfig, ModelParams, PortfolioModel } from '@mm/config';
import {
  IndependentPolicy,
  MultiPolicy,
  type Policy,
  type PortfolioPolicy,
  type PortfolioSolution,
  type PortfolioSpec,
  type PortfolioTaker,
  portfolioRisk,
  resolvePortfolio,
  solvePortfolio,
} from '@mm/hjb-core';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import type { AssetState } from '../model/assetState.js';
import type { PortfolioInventory } from '../model/portfolioInventory.js';
import type { QuoteIntent } from '../model/quote.js';
import type { VenueOrder } from '../venues/Venue.js';
import { LiveCovariance } from './liveCovariance.js';
import { type InventorySource, PortfolioDecider } from './PortfolioDecider.js';
import {
  checkPortfolioParams,
  type PortfolioParamsCheck,
  type PortfolioParamsPayload,
} from './portfolioParams.js';
import { type BookLayout, portfolioSpecOf } from './portfolioSpecOf.js';

/** An IOC taker order for the venue session (sizes in lots, price units). */
export interface TakerOrder {
  asset: string;
  clientOrderId: string;
  side: 'buy' | 'sell';
  limitPrice: number;
  sizeLots: number;
}

/** What the portfolio quoting needs from the engine. */
export interface PortfolioQuotingDeps {
  config: EngineConfig;
  layout: BookLayout;
  model: PortfolioModel;
  /** Per asset (layout order) its single-asset policy (used by `independent`). */
  assetPolicies: readonly Policy[];
  inventory: InventorySource;
  /** Send an IOC taker order on `venue` through its order manager (risk rate limit included). */
  take: (venue: string, order: TakerOrder) => Promise<VenueOrder | null>;
  /** Whether `asset` may trade now (kill switch, ledger): hedges go only when it may. */
  mayTrade: (asset: string) => boolean;
  /** Client order id prefix (the session tag). */
  tag: string;
  metrics: EngineMetrics;
  log: {
    info(fields: Record<string, unknown>, message: string): void;
    warn(fields: Record<string, unknown>, message: string): void;
  };
}

/**
 * The portfolio decision in the engine (issue 10): one `PortfolioDecider` shared by every leg;
 * each leg's pipeline calls `quoteFor(asset, venue, tick)` for its quotes. Taker orders (a
 * crossing quote the boundary sent across, or a hedge) wait for the risk gate (`afterGate`) and
 * are sent as IOC orders through the venue's order manager and its rate limit, one at a time per
 * (asset, venue, side), within the position and gross notional limits; clamped
 * quotes are counted. `refreshRisk` sets `q' Sigma q` and each asset's share; with a live
 * covariance, `sampleMids` feeds the EWMA and `resolve` re-solves off the tick path.
 */
export class PortfolioQuoting {
  readonly decider: PortfolioDecider;
  private solution: PortfolioSolution | null;
  private readonly live: LiveCovariance | null;
  private readonly inFlight = new Set<string>();
  private readonly lastClamped = new Map<string, number>();
  private takerSeq = 0;
  /** Taker orders of each leg's last decision, until the risk gate has seen it. */
  private readonly held = new Map<string, { takers: PortfolioTaker[]; grossNotional: number }>();
  /** A published covariance is in use (kept when the per-asset models change). */
  private published = false;

  constructor(private readonly deps: PortfolioQuotingDeps) {
    const spec = portfolioSpecOf(deps.config, deps.layout, deps.model);
    let policy: PortfolioPolicy;
    if (deps.model === 'multi') {
      this.solution = solvePortfolio(spec);
      policy = new MultiPolicy(this.solution);
    } else {
      this.solution = null;
      policy = new IndependentPolicy(spec, deps.assetPolicies, 'independent');
    }
    this.decider = new PortfolioDecider(spec, policy, deps.inventory, deps.model !== 'multi');
    // Every (asset, venue) series exists from the start (at 0), so dashboards show "none yet".
    for (const a of spec.assets) {
      for (const v of a.venues) {
        deps.metrics.hedges.inc({ asset: a.symbol, venue: v.venue }, 0);
        for (const side of ['bid', 'ask'] as const)
          deps.metrics.quotesClamped.inc({ asset: a.symbol, venue: v.venue, side }, 0);
      }
    }
    const estimate = deps.config.portfolio?.covariance?.estimate;
    this.live =
      estimate !== undefined && deps.model === 'multi'
        ? new LiveCovariance({
            sigmaPerSqrtSec: deps.layout.configIndex.map((i) => deps.config.assets[i]!.model.sigma),
            halfLifeSec: estimate.halfLifeSec,
          })
        : null;
  }

  get spec(): PortfolioSpec {
    return this.decider.spec;
  }

  /** Whether the covariance is estimated live (then call `sampleMids` and `resolve` on timers). */
  get estimatesCovariance(): boolean {
    return this.live !== null;
  }

  /** The covariance in use, row-major (the current solution's, else the spec's). */
  covariance(): Float64Array {
    if (this.solution !== null) return this.solution.covariance;
    const n = this.spec.assets.length;
    return Float64Array.from(
      { length: n * n },
      (_, k) => this.spec.covariance[Math.floor(k / n)]![k % n]!,
    );
  }

  /** The pipeline `quote` of leg (`asset`, `venue`), whose venue tick is `tickSize`. */
  quoteFor(
    asset: string,
    venue: string,
    tickSize: number,
  ): (state: AssetState, inventory: PortfolioInventory, tSec: number) => QuoteIntent {
    const { layout } = this.deps;
    const assetIndex = layout.assets.indexOf(asset);
    const venueIndex = layout.venuesOf[assetIndex]?.indexOf(venue) ?? -1;
    if (assetIndex < 0 || venueIndex < 0) {
      throw new Error(`portfolio: leg ${asset} on ${venue} is not in the book layout`);
    }
    const bidKey = `${asset}\u0000${venue}\u0000bid`;
    const askKey = `${asset}\u0000${venue}\u0000ask`;
    const legKey = `${asset}\u0000${venue}`;
    return (state, inventory, tSec) => {
      const d = this.decider.decideLeg(assetIndex, venueIndex, state, tickSize, tSec);
      this.countClamped(bidKey, asset, venue, 'bid', d.bidClamped, d.intent.bid?.price);
      this.countClamped(askKey, asset, venue, 'ask', d.askClamped, d.intent.ask?.price);
      // held until the risk gate has seen this decision (`afterGate`)
      if (d.takers.length > 0) {
        this.held.set(legKey, { takers: d.takers, grossNotional: inventory.grossNotional });
      } else this.held.delete(legKey);
      return d.intent;
    };
  }

  /**
   * The risk gate decided on leg (`asset`, `venue`)'s last decision: its taker orders go when the
   * gate pulled nothing (kill switch, stale data, price band, limits), else they are dropped.
   * Call from the pipeline's `onDecision`, synchronously after `quoteFor`'s function.
   */
  afterGate(asset: string, venue: string, pulled: boolean): void {
    const key = `${asset}\u0000${venue}`;
    const held = this.held.get(key);
    if (held === undefined) return;
    this.held.delete(key);
    if (pulled) return;
    for (const t of held.takers) this.sendTaker(t, held.grossNotional);
  }

  /** Count a clamped side once per distinct clamped price (not once per decision). */
  private countClamped(
    key: string,
    asset: string,
    venue: string,
    side: 'bid' | 'ask',
    clamped: boolean,
    price: number | undefined,
  ): void {
    if (!clamped || price === undefined) {
      this.lastClamped.delete(key);
      return;
    }
    if (this.lastClamped.get(key) === price) return;
    this.lastClamped.set(key, price);
    this.deps.metrics.quotesClamped.inc({ asset, venue, side });
  }

  private sendTaker(t: PortfolioTaker, grossNotional: number): void {
    const spec = this.spec.assets[t.assetIndex]!;
    const venue = spec.venues[t.venueIndex]!.venue;
    const asset = spec.symbol;
    const key = `${asset}\u0000${venue}\u0000${t.side}`;
    if (this.inFlight.has(key) || !this.deps.mayTrade(asset)) return;
    // Within the position limit: a taker never takes the asset past it.
    const q = this.deps.inventory.totalLots(asset);
    const after = q + (t.side === 'buy' ? t.sizeLots : -t.sizeLots);
    const grows = Math.abs(after) > Math.abs(q);
    if (grows && Math.abs(after) > spec.qMaxLots + 1e-9) return;
    // Within the gross notional limit when it grows the position.
    const mid = this.decider.state.assets[t.assetIndex]!.midPrice;
    const added = t.sizeLots * spec.lotSizeBase * mid;
    if (grows && grossNotional + added > this.deps.config.risk.portfolioNotionalLimit) return;
    this.inFlight.add(key);
    const clientOrderId = `${this.deps.tag}.${asset}-tk-${++this.takerSeq}`;
    if (t.reason === 'hedge') this.deps.metrics.hedges.inc({ asset, venue });
    this.deps.log.info(
      {
        asset,
        venue,
        side: t.side,
        sizeLots: t.sizeLots,
        limitPrice: t.limitPrice,
        reason: t.reason,
      },
      'taker order',
    );
    this.deps
      .take(venue, {
        asset,
        clientOrderId,
        side: t.side,
        limitPrice: t.limitPrice,
        sizeLots: t.sizeLots,
      })
      .finally(() => this.inFlight.delete(key))
      .catch(() => {
        // reported by the order manager's events
      });
  }

  /** The policy deciding for the book. */
  get model(): PortfolioModel {
    return this.deps.model;
  }

  /** `q' Sigma q` of the inventory now (asset units), quote currency^2 per second. */
  risk(): number {
    return portfolioRisk(this.covariance(), this.decider.inventoryUnits());
  }

  /** Set `mm_portfolio_risk` and `mm_risk_contribution{asset}` from the inventory now. */
  refreshRisk(): void {
    const q = this.decider.inventoryUnits();
    const cov = this.covariance();
    const n = q.length;
    const { metrics } = this.deps;
    metrics.portfolioRisk.set(portfolioRisk(cov, q));
    for (let i = 0; i < n; i++) {
      let row = 0;
      for (let j = 0; j < n; j++) row += cov[i * n + j]! * q[j]!;
      metrics.riskContribution.set({ asset: this.spec.assets[i]!.symbol }, q[i]! * row);
    }
  }

  /** Feed the live covariance with every asset's latest mid (`NaN` while unknown) at `tSec`. */
  sampleMids(tSec: number, midOf: (asset: string) => number): void {
    if (this.live === null) return;
    this.live.sample(
      tSec,
      this.spec.assets.map((a) => midOf(a.symbol)),
    );
  }

  /**
   * Re-solve `multi` for the live covariance estimate and swap the new solution in for the next
   * decision (call between decisions, on a timer). Returns the solve time in milliseconds, or
   * `null` when nothing was re-solved (not warmed up, or the estimate failed its checks: logged,
   * the current solution stays).
   */
  resolve(nowMs: () => number = () => performance.now()): number | null {
    if (this.live === null || this.solution === null) return null;
    let rows: number[][] | null;
    try {
      rows = this.live.estimate();
    } catch (e) {
      this.deps.log.warn({ err: (e as Error).message }, 'live covariance refused');
      return null;
    }
    if (rows === null) return null;
    return this.swapCovariance(rows, nowMs);
  }

  /**
   * Use published portfolio parameters (the optimizer's `portfolio-params`) from the next
   * decision on, once `checkPortfolioParams` accepts them against what is in use (only `multi`
   * has a book model to change). Returns the check's outcome; the solve runs here, between
   * decisions. With `covariance: { estimate }` the live estimate replaces the covariance at its
   * next re-solve; the gamma stays.
   */
  applyParams(
    payload: PortfolioParamsPayload,
    options: { nowMs: number; maxChangeFactor: number },
  ): PortfolioParamsCheck {
    if (this.solution === null) {
      return { ok: false, field: 'type', reason: 'the book is not quoted by multi' };
    }
    const check = checkPortfolioParams(
      payload,
      {
        assets: this.spec.assets.map((a) => a.symbol),
        gammaPerQuote: this.solution.spec.gammaPerQuote,
        sigmaPerSqrtSec: this.deps.layout.configIndex.map(
          (i) => this.deps.config.assets[i]!.model.sigma,
        ),
        covariance: this.solution.covariance,
      },
      options,
    );
    if (!check.ok) return check;
    this.published = true;
    const next = solvePortfolio({
      ...this.solution.spec,
      gammaPerQuote: check.gammaPerQuote,
      covariance: check.covariance,
    });
    this.solution = next;
    (this.decider.current as MultiPolicy).swap(next);
    return check;
  }

  /**
   * The per-asset models changed (a `params` update from the optimizer: `A`, `k`, `sigma`):
   * re-solve `multi` with them and swap the solution in for the next decision. The covariance
   * follows the new sigmas with the configured correlation; an estimated or published covariance
   * is kept. Throws a RangeError naming the problem (the current solution stays).
   */
  refreshModels(modelOf: (symbol: string) => Pick<ModelParams, 'A' | 'k' | 'sigma'>): void {
    if (this.solution === null) return;
    const { config, layout, model } = this.deps;
    const rebuilt = portfolioSpecOf(config, layout, model, modelOf);
    const keep = this.live !== null || this.published;
    const n = rebuilt.assets.length;
    const cov = this.solution.covariance;
    const next = solvePortfolio({
      ...rebuilt,
      gammaPerQuote: this.solution.spec.gammaPerQuote,
      covariance: keep
        ? Array.from({ length: n }, (_, i) => Array.from(cov.subarray(i * n, (i + 1) * n)))
        : rebuilt.covariance,
    });
    this.solution = next;
    (this.decider.current as MultiPolicy).swap(next);
  }

  /**
   * Use covariance `rows` (spec order, checked by the solver) from the next decision on; returns
   * the solve time in ms. Throws a RangeError naming the problem (the current solution stays).
   */
  swapCovariance(rows: number[][], nowMs: () => number = () => performance.now()): number {
    if (this.solution === null) throw new Error('only multi has a covariance to swap');
    const t0 = nowMs();
    const next = resolvePortfolio(this.solution, rows);
    const ms = nowMs() - t0;
    this.solution = next;
    (this.decider.current as MultiPolicy).swap(next);
    return ms;
  }
}
