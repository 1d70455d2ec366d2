import type { Rng } from '@mm/simulator';

/**
 * An injected failure of one order call:
 * - `transientBefore`: the call fails transiently and nothing happened on the venue;
 * - `transientAfter`: the venue applied the call, then the answer was lost (a timeout);
 * - `rejected`: the venue refuses the call.
 */
export type InjectedFault = 'transientBefore' | 'transientAfter' | 'rejected' | null;

export interface FaultRates {
  /** Share of calls failing transiently, in [0, 1]; half of them after the call was applied. */
  transientErrorRate: number;
  /** Share of calls rejected (only where `canReject`), in [0, 1]. */
  rejectRate: number;
}

/**
 * Draw the fault of one call from the faults stream. Always draws two uniforms, so the stream
 * advances the same way whatever the rates.
 */
export function drawFault(rng: Rng, rates: FaultRates, canReject: boolean): InjectedFault {
  const u = rng.uniform();
  const half = rng.uniform();
  if (u < rates.transientErrorRate) return half < 0.5 ? 'transientAfter' : 'transientBefore';
  if (canReject && u < rates.transientErrorRate + rates.rejectRate) return 'rejected';
  return null;
}
