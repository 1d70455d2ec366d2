import type { Control, MarketState } from '@mm/hjb-core';
import { createRng } from '../rng/xoshiro128.js';
import { AssetLoop } from '../sim/AssetLoop.js';
import {
  type MarketConfig,
  planRun,
  type QuotePolicy,
  type RunConfig,
} from '../sim/SimulationConfig.js';
import type { SimulationResult } from '../sim/SimulationResult.js';
import { choleskyOfCorrelation, correlate } from './cholesky.js';

/** A policy over the whole portfolio: one control per asset, from every asset's state. */
export interface PortfolioPolicy {
  /** `states[i].inventoryLots` is asset i's inventory; returns one control per asset. */
  decide(states: readonly MarketState[]): readonly Control[];
}

/** Several assets stepping together with correlated mid shocks. */
export interface MultiAssetConfig extends RunConfig {
  assets: readonly MarketConfig[];
  /** Correlation of the assets' standard-normal mid shocks (symmetric, unit diagonal, PSD). */
  correlation: readonly (readonly number[])[];
  /** One policy per asset, each seeing its own state, or one portfolio policy. */
  policies: readonly QuotePolicy[] | PortfolioPolicy;
}

/** Per-asset results and the portfolio's mark-to-mid P&L. */
export interface MultiAssetResult {
  assets: SimulationResult[];
  /** Sum of the assets' final P&L, quote currency. */
  pnlQuote: number;
  /** Portfolio P&L at each recorded point (the assets' paths share their time grid), or null. */
  pnlPathQuote: Float64Array | null;
}

/** Per-asset policies as one portfolio policy. */
export function perAssetPolicies(policies: readonly QuotePolicy[]): PortfolioPolicy {
  return { decide: (states) => states.map((s, i) => policies[i]!.decide(s)) };
}

/**
 * Closed-loop simulation of several assets whose mids move with correlated shocks
 * `z = L e` (`L` the Cholesky factor of `correlation`, `e` independent normals from the shared
 * mid stream). Each asset keeps its own book, fills, fees, latency and random streams; with one
 * asset it reproduces `simulate` exactly.
 */
export function simulateMultiAsset(config: MultiAssetConfig): MultiAssetResult {
  const plan = planRun(config);
  const n = config.assets.length;
  if (n < 1) throw new RangeError('assets must not be empty');
  if (config.correlation.length !== n)
    throw new RangeError(
      `correlation must have ${n} rows (one per asset), got ${config.correlation.length}`,
    );
  const l = choleskyOfCorrelation(config.correlation);
  const policies = config.policies;
  let portfolio: PortfolioPolicy;
  if (Array.isArray(policies)) {
    if (policies.length !== n)
      throw new RangeError(
        `policies must have ${n} entries (one per asset), got ${policies.length}`,
      );
    portfolio = perAssetPolicies(policies);
  } else portfolio = policies as PortfolioPolicy;
  const midRng = createRng(plan.seed, 0);
  const loops = config.assets.map((market, i) => {
    try {
      return new AssetLoop(market, plan, i, midRng);
    } catch (err) {
      if (err instanceof RangeError) throw new RangeError(`assets[${i}].${err.message}`);
      throw err;
    }
  });
  const e = new Float64Array(n);
  const z = new Float64Array(n);
  const states: MarketState[] = new Array(n);
  const { steps, dtSec, decideEverySteps, fillsAfterMidMove } = plan;
  for (let step = 0; step < steps; step++) {
    const t = step * dtSec;
    if (step % decideEverySteps === 0) {
      for (let i = 0; i < n; i++) states[i] = loops[i]!.marketState(t);
      const controls = portfolio.decide(states);
      for (let i = 0; i < n; i++) loops[i]!.submit(controls[i]!, t);
    }
    for (let i = 0; i < n; i++) loops[i]!.record(step, t);
    if (!fillsAfterMidMove) for (let i = 0; i < n; i++) loops[i]!.runFills(t, dtSec);
    for (let i = 0; i < n; i++) e[i] = midRng.normal();
    correlate(l, e, z);
    for (let i = 0; i < n; i++) loops[i]!.advance(dtSec, z[i]!, midRng);
    if (fillsAfterMidMove) for (let i = 0; i < n; i++) loops[i]!.runFills(t, dtSec);
  }
  for (const loop of loops) loop.record(steps, plan.horizonSec, true);
  const assets = loops.map((loop) => loop.result());
  let pnlPathQuote: Float64Array | null = null;
  const first = assets[0]!.path;
  if (first) {
    pnlPathQuote = new Float64Array(first.pnlQuote.length);
    for (const a of assets) {
      const p = a.path!.pnlQuote;
      for (let k = 0; k < p.length; k++) pnlPathQuote[k] = pnlPathQuote[k]! + p[k]!;
    }
  }
  return { assets, pnlQuote: assets.reduce((s, a) => s + a.pnlQuote, 0), pnlPathQuote };
}
