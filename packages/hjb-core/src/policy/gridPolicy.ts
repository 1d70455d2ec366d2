import { optimizeControl } from '../seed/gridSearch.js';
import type { Control, MarketState, Policy } from './Policy.js';
import { controlFromSeed, type SeedPolicyConfig, toSeedState } from './seedPolicyConfig.js';

/** The seed's 5x5 (+taker) grid search on the no-trade value function, as a policy. */
export class GridPolicy implements Policy {
  readonly name = 'grid' as const;

  constructor(private readonly config: SeedPolicyConfig) {}

  decide(state: MarketState): Control {
    const seed = toSeedState(state, this.config);
    const { control: c } = optimizeControl(seed);
    return controlFromSeed(
      c.bidDeltaBps,
      c.askDeltaBps,
      c.takerBuyRatePerSec,
      c.takerSellRatePerSec,
      seed,
    );
  }
}
