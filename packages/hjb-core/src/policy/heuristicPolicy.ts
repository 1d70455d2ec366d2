import { applyStateAdjustments } from '../seed/heuristic.js';
import type { Control, MarketState, Policy } from './Policy.js';
import { controlFromSeed, type SeedPolicyConfig, toSeedState } from './seedPolicyConfig.js';

/** The seed's `applyStateAdjustments` heuristic, as a policy. */
export class HeuristicPolicy implements Policy {
  readonly name = 'heuristic' as const;

  constructor(private readonly config: SeedPolicyConfig) {}

  decide(state: MarketState): Control {
    const seed = toSeedState(state, this.config);
    const c = applyStateAdjustments(seed);
    return controlFromSeed(
      c.bidDeltaBps,
      c.askDeltaBps,
      c.takerBuyRatePerSec,
      c.takerSellRatePerSec,
      seed,
    );
  }
}
