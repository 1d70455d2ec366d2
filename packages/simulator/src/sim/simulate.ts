import { createRng } from '../rng/xoshiro128.js';
import { AssetLoop } from './AssetLoop.js';
import { planRun, type SimulationConfig } from './SimulationConfig.js';
import type { SimulationResult } from './SimulationResult.js';

/**
 * Closed-loop simulation of one asset: every `decideEverySteps` steps the policy sees the
 * market state and its control is sent (live after the latency); quotes rest at
 * `mid - bidDelta` / `mid + askDelta` and fill with the fill model's probability; `take` crosses
 * the spread for one lot at the touch; rate-form taker controls trade as Poisson arrivals.
 * Pure: same config and seed, same result.
 */
export function simulate(config: SimulationConfig): SimulationResult {
  const plan = planRun(config);
  if (typeof config.policy?.decide !== 'function')
    throw new RangeError('policy must have a decide(state) method');
  const midRng = createRng(plan.seed, 0);
  const asset = new AssetLoop(config, plan, 0, midRng);
  const { steps, dtSec, decideEverySteps, fillsAfterMidMove } = plan;
  const policy = config.policy;
  for (let n = 0; n < steps; n++) {
    const t = n * dtSec;
    if (n % decideEverySteps === 0) asset.submit(policy.decide(asset.marketState(t)), t);
    asset.record(n, t);
    if (fillsAfterMidMove) {
      asset.advance(dtSec, midRng.normal(), midRng);
      asset.runFills(t, dtSec);
    } else {
      asset.runFills(t, dtSec);
      asset.advance(dtSec, midRng.normal(), midRng);
    }
  }
  asset.record(steps, plan.horizonSec, true);
  return asset.result();
}
