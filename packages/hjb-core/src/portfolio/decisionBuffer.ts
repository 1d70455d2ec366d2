import { createQuoteSlots, type QuoteSlots } from './boundary.js';
import type { PortfolioDecision, PortfolioSpec } from './PortfolioSpec.js';

/** A decision object and the quote slots it points into, allocated once per policy. */
export interface DecisionBuffer {
  decision: PortfolioDecision;
  /** `[asset][venue]`. */
  slots: QuoteSlots[][];
}

export function createDecisionBuffer(spec: PortfolioSpec): DecisionBuffer {
  return {
    decision: {
      quotes: spec.assets.map((a) => a.venues.map(() => ({ bid: null, ask: null }))),
      takers: [],
      takerRates: spec.assets.map(() => ({ buyLotsPerSec: 0, sellLotsPerSec: 0 })),
    },
    slots: spec.assets.map((a) => a.venues.map(createQuoteSlots)),
  };
}
