import type { AssetConfig, ModelParams } from '@mm/config';
import {
  type Control,
  ExactPolicy,
  GridPolicy,
  glftProblem,
  HeuristicPolicy,
  type MarketState,
  type Policy,
  type PolicyName,
  type SeedPolicyConfig,
} from '@mm/hjb-core';

/** The seed's session length, seconds: its grid search and heuristic are defined over a day. */
const SEED_HORIZON_SEC = 86_400;

/**
 * The model of one asset in the units the policies use. Inventory is counted in clips of
 * `quoteSizeLots` (one fill moves it by one); `A` is clips per second, `k` per price unit, `gamma`
 * per (price unit x lot), `sigma` price units per sqrt(second).
 */
export interface AssetModel {
  params: ModelParams;
  /** Inventory bound, clips. */
  qMaxClips: number;
  /** Lots per clip (the resting quote size). */
  quoteSizeLots: number;
}

export function assetModel(asset: AssetConfig, params: ModelParams = asset.model): AssetModel {
  const qMaxClips = Math.floor(asset.qMaxLots / asset.quoteSizeLots);
  if (qMaxClips < 1) {
    throw new RangeError(
      `qMaxLots (${asset.qMaxLots}) must be at least quoteSizeLots (${asset.quoteSizeLots})`,
    );
  }
  return { params, qMaxClips, quoteSizeLots: asset.quoteSizeLots };
}

/**
 * The GLFT exact policy (model A: gain risk aversion xi = gamma), stationary: the engine runs
 * continuously, so the long-horizon quotes apply. Solved once here, so a bad model fails at
 * start-up or on a parameter update, never on a tick.
 */
function exactPolicy(model: AssetModel): ExactPolicy {
  const { params, qMaxClips, quoteSizeLots } = model;
  const problem = glftProblem({
    sigmaPerSqrtSec: params.sigma,
    aPerSec: params.A,
    kPerPrice: params.k,
    gamma: params.gamma,
    lotSize: quoteSizeLots,
    qMax: qMaxClips,
  });
  // The problem is in price units and independent of the mid: one solution for every mid (no
  // re-solve on the tick path when the mid crosses a bucket).
  const policy = new ExactPolicy({ problemFor: () => problem, quantum: { midRelative: 0 } });
  const probe: MarketState = {
    inventoryLots: 0,
    midPrice: 1,
    marketSpreadPrice: 0,
    imbalance: 0.5,
    driftPerSec: 0,
    tSec: 0,
  };
  const solved = policy.solutionFor(probe);
  if (solved.kind === 'failed') throw solved.error;
  return policy;
}

/**
 * The seed's baselines on the same model: a flat book maps `A e^(-k d)` to the seed's
 * `lambda0 e^(-beta d_bps)` at `referenceMid`, and its base half spread is `1/k`.
 */
function seedConfig(model: AssetModel, referenceMid: number): SeedPolicyConfig {
  const { params, qMaxClips } = model;
  return {
    qMaxLots: qMaxClips,
    horizonSec: SEED_HORIZON_SEC,
    baseHalfSpreadBps: 1e4 / params.k / referenceMid,
    phiPerLot2Sec: (params.gamma * params.sigma ** 2 * model.quoteSizeLots) / 2,
    takerFeeBps: 0,
    lambda0PerSec: params.A,
    betaPerBps: (params.k * referenceMid) / 1e4,
    driftScalePerSec: params.sigma,
  };
}

/**
 * A policy in clips wrapped to take lots: the engine's inventory (lots) is divided by the clip
 * size before the decision. Grid and heuristic are built at the first decision's mid (their
 * parameters are in basis points).
 */
class ClipPolicy implements Policy {
  private inner: Policy | undefined;
  constructor(
    readonly name: PolicyName,
    private readonly model: AssetModel,
    private readonly build: (referenceMid: number) => Policy,
  ) {}

  decide(state: MarketState): Control {
    this.inner ??= this.build(state.midPrice);
    return this.inner.decide({
      ...state,
      inventoryLots: state.inventoryLots / this.model.quoteSizeLots,
    });
  }
}

/** Build the configured policy of an asset; throws (naming the asset) when its model is ill-posed. */
export function policyFromConfig(asset: AssetConfig, params: ModelParams = asset.model): Policy {
  const model = assetModel(asset, params);
  try {
    switch (asset.policy) {
      case 'exact': {
        const exact = exactPolicy(model);
        return new ClipPolicy('exact', model, () => exact);
      }
      case 'grid':
        return new ClipPolicy('grid', model, (mid) => new GridPolicy(seedConfig(model, mid)));
      case 'heuristic':
        return new ClipPolicy(
          'heuristic',
          model,
          (mid) => new HeuristicPolicy(seedConfig(model, mid)),
        );
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new RangeError(`asset ${asset.symbol}: model cannot be solved: ${message}`);
  }
}

/**
 * A policy whose implementation can be swapped between decisions (validated parameter updates).
 * Each pipeline holds one; `swap` takes effect at the next decision.
 */
export class SwappablePolicy implements Policy {
  constructor(private current: Policy) {}
  get name(): PolicyName {
    return this.current.name;
  }
  swap(next: Policy): void {
    this.current = next;
  }
  decide(state: MarketState): Control {
    return this.current.decide(state);
  }
}
