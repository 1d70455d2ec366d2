import {
  type DecidingPolicy,
  type PolicyContext,
  policyFactory,
  withInventoryLimit,
} from '@mm/backtest/run';
import {
  type ChainMarket,
  type ChainPiece,
  evaluateStationary,
  expectedObjectiveFrom,
  type InventoryChain,
  inventoryChainOf,
  levelControlsOf,
  type MarketState,
} from '@mm/hjb-core';
import type { GridCandidateResult, GridSearchJobData } from '../jobs/jobSchemas.js';
import type { GridCandidate } from './gridSearch.js';

/**
 * Why a job cannot be scored exactly, or null when it can: the exact model (DESIGN 3.9) is the
 * continuous-time inventory chain of a stationary policy; the seed's grid policy depends on the
 * time to go, a tick grid moves quotes with the mid, and `fillsAfterMidMove` judges fills
 * against the moved mid. Those runs keep Monte Carlo.
 */
export function exactScoringBlocker(
  d: GridSearchJobData,
  candidates: GridCandidate[],
): string | null {
  if (candidates.some((c) => c.type !== 'heuristic'))
    return 'the grid policy depends on the time to go (not a stationary inventory policy)';
  if (d.market.tickSize !== undefined) return 'a tick grid moves the quotes with the mid';
  if (d.market.fillsAfterMidMove) return 'fillsAfterMidMove judges fills against the moved mid';
  return null;
}

/** Finite-horizon tables of the exact reference (as `exactReference` solves it). */
export const EXACT_REFERENCE_BUCKETS = 200;

/** Everything a candidate's chain is built in: the initial market state and the objective. */
export interface ExactScoringContext {
  qMax: number;
  horizonSec: number;
  dtSec: number;
  market: ChainMarket;
  state: Omit<MarketState, 'inventoryLots'>;
  alphaPerLot2: number;
}

export function exactScoringContext(
  d: GridSearchJobData,
  phiPerLot2Sec: number,
): ExactScoringContext {
  const m = d.market;
  return {
    qMax: d.qMaxLots,
    horizonSec: d.horizonSec,
    dtSec: d.dtSec,
    market: {
      aPerSec: m.A,
      kPerPrice: m.k,
      phiPerLot2Sec,
      muPerLotSec: m.drift,
      midPrice: m.midPrice,
      makerFeeRate: m.makerFeeBps / 1e4,
      takerFeeRate: m.takerFeeBps / 1e4,
      takerHalfSpreadPrice: 0, // the simulator's flat book: takers trade at the mid
    },
    // What the simulator shows a policy at the start (flat book, the job's drift).
    state: {
      midPrice: m.midPrice,
      marketSpreadPrice: 0,
      imbalance: 0.5,
      driftPerSec: m.drift,
      tSec: 0,
    },
    alphaPerLot2: d.objective.alpha,
  };
}

/** A policy's chain at time `tSec`, with the simulator's inventory limit applied. */
function chainAt(policy: DecidingPolicy, ctx: ExactScoringContext, tSec: number): InventoryChain {
  const limited = withInventoryLimit(policy, ctx.qMax);
  const controls = levelControlsOf(limited, ctx.qMax, { ...ctx.state, tSec }, ctx.dtSec);
  return inventoryChainOf(controls, ctx.market);
}

/** The exact score of one policy given as chain pieces (one piece: stationary). */
export function exactScore(
  pieces: ChainPiece[],
  ctx: ExactScoringContext,
  index: number,
  candidate: GridCandidate | null,
  exactObjective: number | null,
): GridCandidateResult {
  const n = 2 * ctx.qMax + 1;
  const terminal = Float64Array.from(
    { length: n },
    (_, i) => -ctx.alphaPerLot2 * (i - ctx.qMax) ** 2,
  );
  const objective = expectedObjectiveFrom(pieces, terminal);
  // P&L: the same chain without the penalties (they are phi q^2 per second and alpha q_T^2).
  const pnlPieces = pieces.map(({ chain, durationSec }) => ({
    durationSec,
    chain: {
      ...chain,
      rewardPerSec: chain.rewardPerSec.map(
        (r, i) => r + ctx.market.phiPerLot2Sec * (i - ctx.qMax) ** 2,
      ),
    },
  }));
  const pnl = expectedObjectiveFrom(pnlPieces, new Float64Array(n));
  const stationary = pieces.length === 1 ? evaluateStationary(pieces[0]!.chain) : null;
  const point = (x: number) => ({ mean: x, std: 0, lower: x, upper: x });
  const ref = exactObjective ?? objective;
  const share =
    ref > 0 ? { estimate: objective / ref, lower: objective / ref, upper: objective / ref } : null;
  return {
    index,
    type: candidate?.type ?? 'exact',
    baseHalfSpreadBps: candidate?.baseHalfSpreadBps ?? null,
    driftScalePerSec: candidate?.driftScalePerSec ?? null,
    objective: point(objective),
    pnl: point(pnl),
    // Long-run figures from the stationary distribution (stationary policies only).
    meanAbsInventory: stationary?.meanAbsInventoryLots ?? Number.NaN,
    fills: stationary ? stationary.tradeRatePerSec * ctx.horizonSec : Number.NaN,
    share,
    exactRatePerSec: stationary?.exactRatePerSec ?? null,
  };
}

/** A stationary candidate as one chain piece. */
export function candidatePieces(
  c: GridCandidate,
  index: number,
  policyCtx: PolicyContext,
  ctx: ExactScoringContext,
): ChainPiece[] {
  const policy = policyFactory({ ...c, name: `${c.type}#${index}` }, policyCtx).create();
  return [{ chain: chainAt(policy, ctx, 0), durationSec: ctx.horizonSec }];
}

/**
 * The exact reference policy as pieces: stationary quotes as one piece; a finite-horizon
 * solution as its `buckets` time buckets (the tables it holds, each for `T / buckets`).
 */
export function referencePieces(
  policy: DecidingPolicy,
  ctx: ExactScoringContext,
  buckets: number | null,
): ChainPiece[] {
  if (buckets === null) return [{ chain: chainAt(policy, ctx, 0), durationSec: ctx.horizonSec }];
  const dt = ctx.horizonSec / buckets;
  // Each bucket's table is read at its middle (clear of the bucket edges' rounding).
  return Array.from({ length: buckets }, (_, j) => ({
    chain: chainAt(policy, ctx, (j + 0.5) * dt),
    durationSec: dt,
  }));
}
