import {
  ClosedFormPolicy,
  carteaJaimungalProblem,
  ExactPolicy,
  GridPolicy,
  glftProblem,
  HeuristicPolicy,
  type HjbProblem,
  type SeedPolicyConfig,
} from '@mm/hjb-core';
import type { NamedPolicyFactory } from './comparePolicies.js';
import type { MarketSpec } from './marketSpec.js';
import {
  avellanedaStoikovMeanHalfSpread,
  avellanedaStoikovPolicy,
  symmetricPolicy,
} from './simplePolicies.js';

/** A policy of a comparison, as plain data (config files). `name` defaults to the type. */
export type PolicySpec =
  | {
      type: 'exact';
      name?: string;
      /** `finite` (default): solved over the run's horizon; `stationary`: long-horizon quotes. */
      horizon?: 'finite' | 'stationary';
      /** GLFT gain risk aversion (default 0: the risk-neutral objective that is scored). */
      xi?: number;
    }
  | { type: 'closedForm'; name?: string; xi?: number }
  | {
      type: 'grid' | 'heuristic';
      name?: string;
      baseHalfSpreadBps?: number;
      driftScalePerSec?: number;
    }
  | { type: 'symmetric'; name?: string; halfSpreadPrice?: number }
  | { type: 'avellanedaStoikov'; name?: string; strategy?: 'inventory' | 'symmetric' };

/** What every policy is built against: the market, the clock and the objective's risk terms. */
export interface PolicyContext {
  market: MarketSpec;
  horizonSec: number;
  /** Risk aversion gamma, per (price unit x lot); gives `phi = gamma sigma^2 / 2` when phi is absent. */
  gamma?: number;
  /** Running penalty, price units per lot^2 per second. */
  phiPerLot2Sec: number;
  /** Terminal penalty, price units per lot^2 (default 0). */
  alphaPerLot2?: number;
  /** Inventory bound of the solved models, lots (default market.qMaxLots, else 20). */
  qMaxLots?: number;
}

/** The display name of a spec. */
export function policyName(spec: PolicySpec): string {
  return (
    spec.name ??
    (spec.type === 'avellanedaStoikov' && spec.strategy === 'symmetric'
      ? 'avellanedaStoikovSymmetric'
      : spec.type)
  );
}

/** The effective risk aversion: `gamma`, else from `phi = gamma sigma^2 / 2`. */
function gammaOf(ctx: PolicyContext): number {
  if (ctx.gamma !== undefined) return ctx.gamma;
  const s2 = ctx.market.sigmaPerSqrtSec ** 2;
  if (!(s2 > 0)) throw new RangeError('objective.gamma is needed when market.sigma is 0');
  return (2 * ctx.phiPerLot2Sec) / s2;
}

/**
 * A factory for a spec. Exponential models match the market's `A`, `k`: the exact policy solves
 * Cartea-Jaimungal (`phi`, `alpha`; xi = 0) or GLFT (`gamma`, `xi` > 0); deterministic policies
 * are shared across paths (their only state is a solution cache). Throws a RangeError naming a field.
 */
export function policyFactory(spec: PolicySpec, ctx: PolicyContext): NamedPolicyFactory {
  const name = policyName(spec);
  const m = ctx.market;
  const qMax = ctx.qMaxLots ?? m.qMaxLots ?? 20;
  const shared = (p: ReturnType<NamedPolicyFactory['create']>): NamedPolicyFactory => ({
    name,
    create: () => p,
  });
  switch (spec.type) {
    case 'exact': {
      const xi = spec.xi ?? 0;
      const problem: HjbProblem =
        xi > 0
          ? glftProblem({
              sigmaPerSqrtSec: m.sigmaPerSqrtSec,
              aPerSec: m.aPerSec,
              kPerPrice: m.kPerPrice,
              gamma: gammaOf(ctx),
              xi,
              qMax,
            })
          : carteaJaimungalProblem({
              kappaPerPrice: m.kPerPrice,
              lambdaPerSec: m.aPerSec,
              phiPerLot2Sec: ctx.phiPerLot2Sec,
              alphaPerLot2: ctx.alphaPerLot2 ?? 0,
              muPerLotSec: m.midModel === 'arithmetic' ? (m.driftPerSec ?? 0) : 0,
              qMax,
            });
      const finite = (spec.horizon ?? 'finite') === 'finite';
      const policy = new ExactPolicy({
        problemFor: () => problem,
        // The problem is in price units and independent of the mid: one solution for every mid.
        quantum: { midRelative: 0 },
        ...(finite ? { horizonSec: ctx.horizonSec, outputSteps: 200 } : {}),
      });
      return shared(policy);
    }
    case 'closedForm':
      return shared(
        new ClosedFormPolicy(
          {
            sigmaPerSqrtSec: m.sigmaPerSqrtSec,
            aPerSec: m.aPerSec,
            kPerPrice: m.kPerPrice,
            gamma: gammaOf(ctx),
            xi: spec.xi ?? 0,
            lotSize: 1,
          },
          qMax,
        ),
      );
    case 'grid':
    case 'heuristic': {
      const mid = m.initialMidPrice;
      const config: SeedPolicyConfig = {
        qMaxLots: qMax,
        horizonSec: ctx.horizonSec,
        baseHalfSpreadBps: spec.baseHalfSpreadBps ?? 1e4 / m.kPerPrice / mid,
        phiPerLot2Sec: ctx.phiPerLot2Sec,
        takerFeeBps: m.takerFeeBps ?? 0,
        // flat book (spread 0, imbalance 0.5): lambda0 e^(-beta d_bps) = A e^(-k d)
        lambda0PerSec: m.aPerSec,
        betaPerBps: (m.kPerPrice * mid) / 1e4,
        driftScalePerSec: spec.driftScalePerSec ?? Math.max(m.sigmaPerSqrtSec, 1e-12),
      };
      return shared(spec.type === 'grid' ? new GridPolicy(config) : new HeuristicPolicy(config));
    }
    case 'symmetric': {
      const half =
        spec.halfSpreadPrice ??
        (ctx.gamma !== undefined && ctx.gamma > 0
          ? avellanedaStoikovMeanHalfSpread(asParams(ctx))
          : 1 / m.kPerPrice);
      return shared(symmetricPolicy(half));
    }
    case 'avellanedaStoikov':
      return shared(avellanedaStoikovPolicy(asParams(ctx), spec.strategy ?? 'inventory'));
  }
}

function asParams(ctx: PolicyContext) {
  return {
    sigmaPerSqrtSec: ctx.market.sigmaPerSqrtSec,
    gamma: gammaOf(ctx),
    kPerPrice: ctx.market.kPerPrice,
    horizonSec: ctx.horizonSec,
  };
}
