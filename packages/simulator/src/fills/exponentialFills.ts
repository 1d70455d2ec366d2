import { ExponentialIntensity, type Side } from '@mm/hjb-core';
import type { FillModel } from './FillModel.js';

/** `lambda(d) = A exp(-k d)` per side (Avellaneda-Stoikov); `ask` defaults to `bid`. */
export interface ExponentialFillsParams {
  /** Fill rate at the mid, fills per second. */
  aPerSec: number;
  /** Decay per price unit of distance. */
  kPerPrice: number;
  /** Different parameters for the ask side (default: the same as the bid). */
  ask?: { aPerSec: number; kPerPrice: number };
}

/** Exponential fills through `@mm/hjb-core`'s `ExponentialIntensity.ratePerSec`; book-blind. */
export function exponentialFills(params: ExponentialFillsParams): FillModel {
  const bid = new ExponentialIntensity({ aPerSec: params.aPerSec, kPerPrice: params.kPerPrice });
  const ask = params.ask ? new ExponentialIntensity(params.ask) : bid;
  return {
    name: 'exponential',
    ratePerSec(side: Side, deltaPrice: number): number {
      return side === 'bid' ? bid.ratePerSec(deltaPrice) : ask.ratePerSec(deltaPrice);
    },
  };
}
