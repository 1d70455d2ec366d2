import { takerHedgeRate } from '../multi/takerHedging.js';
import { type BoundaryInput, createBoundaryInput, placeQuotes } from './boundary.js';
import { createDecisionBuffer, type DecisionBuffer } from './decisionBuffer.js';
import { chooseHedge } from './hedgeChoice.js';
import type { PortfolioDecision, PortfolioPolicy, PortfolioState } from './PortfolioSpec.js';
import type { PortfolioSolution } from './portfolioSolution.js';

/**
 * The `multi` policy (DESIGN 3.5, 3.8): one quadratic value for the whole book, quotes per asset
 * and venue from its marginal values (see `README.md`):
 *   p_b^i =  2 (A q)_i + A_ii Delta_i - b_i,   p_a^i = -2 (A q)_i + A_ii Delta_i + b_i,
 *   depth = c1_v + makerFee_v + p,
 * through the boundary module; taker control `-p > psi` (psi = taker fee + half spread); hedging
 * by the dead zone, one clip per decision, rate-limited. No allocation on the decision path
 * except taker orders. The decision object is reused: valid until the next call.
 */
export class MultiPolicy implements PortfolioPolicy {
  readonly name = 'multi' as const;
  private solution: PortfolioSolution;
  private readonly buffer: DecisionBuffer;
  private readonly input: BoundaryInput = createBoundaryInput();
  private readonly inventoryUnits: Float64Array;
  private readonly drift: Float64Array;
  /** `2 (A q)_i`, price units. */
  private readonly skew: Float64Array;
  /** `b_i`, price units. */
  private readonly linear: Float64Array;
  /** `A_ii`, quote currency per unit^2. */
  private readonly diagonal: Float64Array;
  /** Cheapest crossing cost `psi` of each asset over its venues at this decision, price units. */
  private readonly psiMin: Float64Array;
  /** `p_j = d theta / d q_j = -2 (A q)_j + b_j`, price units, after the last decision. */
  readonly marginalPrice: Float64Array;
  private hedgeTokensLots: number;
  private readonly smallestClipLots: number;
  private lastTSec = Number.NaN;

  constructor(solution: PortfolioSolution) {
    this.solution = solution;
    const n = solution.assetCount;
    this.buffer = createDecisionBuffer(solution.spec);
    this.inventoryUnits = new Float64Array(n);
    this.drift = new Float64Array(n);
    this.skew = new Float64Array(n);
    this.linear = new Float64Array(n);
    this.diagonal = new Float64Array(n);
    this.marginalPrice = new Float64Array(n);
    this.psiMin = new Float64Array(n);
    this.hedgeTokensLots = this.hedgeCapacityLots();
    this.smallestClipLots = Math.min(...solution.spec.assets.map((a) => a.quoteSizeLots));
  }

  /** The solution in use. */
  get current(): PortfolioSolution {
    return this.solution;
  }

  /** Swap in a re-solved solution (same assets and venues) for the next decision. */
  swap(next: PortfolioSolution): void {
    const a = this.solution;
    const sameShape =
      next.assetCount === a.assetCount &&
      next.venueStart.every((s, i) => s === a.venueStart[i]) &&
      next.spec.assets.every((x, i) => x.symbol === a.spec.assets[i]!.symbol);
    if (!sameShape)
      throw new RangeError('swap: the new solution must have the same assets and venues');
    this.solution = next;
  }

  decide(state: PortfolioState): PortfolioDecision {
    const sol = this.solution;
    const { spec } = sol;
    const n = sol.assetCount;
    const { decision, slots } = this.buffer;
    if (decision.takers.length > 0) decision.takers.length = 0;
    let anyDrift = false;
    for (let i = 0; i < n; i++) {
      const st = state.assets[i]!;
      this.inventoryUnits[i] = st.inventoryLots * spec.assets[i]!.lotSizeBase;
      const mu = st.driftPerSec;
      this.drift[i] = Number.isFinite(mu) ? mu : 0;
      if (this.drift[i] !== 0) anyDrift = true;
    }
    this.valueTerms(state.tSec, anyDrift);

    const input = this.input;
    for (let i = 0; i < n; i++) {
      const asset = spec.assets[i]!;
      const st = state.assets[i]!;
      const mid = st.midPrice;
      const curvature = this.diagonal[i]! * sol.fillUnits[i]!;
      const pb = curvature + this.skew[i]! - this.linear[i]!;
      const pa = curvature - this.skew[i]! + this.linear[i]!;
      this.marginalPrice[i] = this.linear[i]! - this.skew[i]!;
      const start = sol.venueStart[i]!;
      let psiMin = Number.POSITIVE_INFINITY;
      for (let v = 0; v < asset.venues.length; v++) {
        const venueSpec = asset.venues[v]!;
        const venue = st.venues[v]!;
        const staticPrice =
          sol.venueStaticDeltaPrice[start + v]! + (venueSpec.makerFeeBps * mid) / 1e4;
        const psi = this.psiPrice(venueSpec.takerFeeBps, mid, venue.bestBid, venue.bestAsk);
        if (psi < psiMin) psiMin = psi;
        input.assetIndex = i;
        input.venueIndex = v;
        input.midPrice = mid;
        input.bestBid = venue.bestBid;
        input.bestAsk = venue.bestAsk;
        input.tickSize = venue.tickSize;
        input.inventoryLots = st.inventoryLots;
        input.qMaxLots = asset.qMaxLots;
        input.sizeLots = asset.quoteSizeLots;
        input.assetLotSizeBase = asset.lotSizeBase;
        input.venueLotSizeBase = venue.lotSizeBase;
        input.bidDepthPrice = staticPrice + pb;
        input.askDepthPrice = staticPrice + pa;
        // QVI in the quadratic approximation: buying one fill is worth -p_b per unit.
        input.takeBidIfCrossing = -pb > psi;
        input.takeAskIfCrossing = -pa > psi;
        placeQuotes(input, slots[i]![v]!, decision.quotes[i]![v]!, decision.takers);
      }
      this.psiMin[i] = psiMin;
    }
    this.hedge(state, decision);
    return decision;
  }

  /** Fill `skew = 2 A q`, `diagonal = diag(A)` and `linear = b = L mu` at this time. */
  private valueTerms(tSec: number, anyDrift: boolean): void {
    const sol = this.solution;
    const n = sol.assetCount;
    let k = 0;
    let w = 0;
    if (Number.isFinite(sol.horizonSec)) {
      const tau = Math.min(sol.horizonSec, Math.max(0, sol.horizonSec - tSec));
      const x = tau / sol.stepSec;
      k = Math.min(sol.valueMatrices.length - 2, Math.floor(x));
      w = x - k;
    }
    const a0 = sol.valueMatrices[k]!;
    const l0 = sol.driftMatrices[k]!;
    const a1 = w > 0 ? sol.valueMatrices[k + 1]! : a0;
    const l1 = w > 0 ? sol.driftMatrices[k + 1]! : l0;
    const q = this.inventoryUnits;
    const mu = this.drift;
    for (let i = 0; i < n; i++) {
      const row = i * n;
      let aq0 = 0;
      let b0 = 0;
      for (let j = 0; j < n; j++) aq0 += a0[row + j]! * q[j]!;
      if (anyDrift) for (let j = 0; j < n; j++) b0 += l0[row + j]! * mu[j]!;
      if (w === 0) {
        // Stationary, or on a bucket: no interpolation.
        this.skew[i] = 2 * aq0;
        this.linear[i] = b0;
        this.diagonal[i] = a0[row + i]!;
        continue;
      }
      let aq1 = 0;
      let b1 = 0;
      for (let j = 0; j < n; j++) aq1 += a1[row + j]! * q[j]!;
      if (anyDrift) for (let j = 0; j < n; j++) b1 += l1[row + j]! * mu[j]!;
      this.skew[i] = 2 * ((1 - w) * aq0 + w * aq1);
      this.linear[i] = (1 - w) * b0 + w * b1;
      this.diagonal[i] = (1 - w) * a0[row + i]! + w * a1[row + i]!;
    }
  }

  /** `psi` = taker fee + half the touch spread, price units. */
  private psiPrice(takerFeeBps: number, mid: number, bestBid: number, bestAsk: number): number {
    const half = Number.isFinite(bestAsk - bestBid) ? (bestAsk - bestBid) / 2 : 0;
    return (takerFeeBps * mid) / 1e4 + half;
  }

  private hedgeCapacityLots(): number {
    const { spec } = this.solution;
    let clip = 0;
    for (const a of spec.assets) clip = Math.max(clip, a.quoteSizeLots);
    return Math.max(spec.hedging.maxLotsPerSec, clip);
  }

  /** The dead-zone hedge: at most one clip per decision, `maxLotsPerSec` on average. */
  private hedge(state: PortfolioState, decision: PortfolioDecision): void {
    const { spec } = this.solution;
    const { hedging } = spec;
    if (!hedging.enabled) return;
    if (!Number.isNaN(this.lastTSec) && state.tSec > this.lastTSec)
      this.hedgeTokensLots = Math.min(
        this.hedgeCapacityLots(),
        this.hedgeTokensLots + (state.tSec - this.lastTSec) * hedging.maxLotsPerSec,
      );
    this.lastTSec = state.tSec;
    if (decision.takers.length > 0 || this.hedgeTokensLots < this.smallestClipLots) return;
    let outside = false;
    for (let j = 0; j < this.solution.assetCount && !outside; j++)
      outside = takerHedgeRate(this.marginalPrice[j]!, this.psiMin[j]!, hedging.eta || 1) !== 0;
    if (!outside) return;
    const taker = chooseHedge(this.solution, state, this.inventoryUnits, this.marginalPrice);
    if (taker === null || taker.sizeLots > this.hedgeTokensLots + 1e-9) return;
    this.hedgeTokensLots -= taker.sizeLots;
    decision.takers.push(taker);
  }
}
