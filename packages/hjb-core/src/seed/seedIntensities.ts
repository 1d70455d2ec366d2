import { BookAwareIntensity } from '../intensity/bookAwareIntensity.js';
import { bpsToPrice } from '../policy/Policy.js';
import type { SeedState } from './SeedState.js';

/** Both sides of the seed's book-aware fill model. */
export interface SeedIntensities {
  bid: BookAwareIntensity;
  ask: BookAwareIntensity;
}

/**
 * The seed's book-aware intensities for a state, converted to price units:
 * `halfSpreadPrice = bpsToPrice(spreadBps / 2)`, `betaPerPrice = betaPerBps * 1e4 / mid`.
 */
export function seedIntensities(state: SeedState): SeedIntensities {
  const common = {
    lambda0PerSec: state.lambda0PerSec,
    betaPerPrice: (state.betaPerBps * 1e4) / state.midPrice,
    halfSpreadPrice: bpsToPrice(state.marketSpreadBps / 2, state.midPrice),
    imbalance: state.imbalance,
  };
  return {
    bid: new BookAwareIntensity({ side: 'bid', ...common }),
    ask: new BookAwareIntensity({ side: 'ask', ...common }),
  };
}
