import { requireNonNegative } from '../mid/MidModel.js';
import type { Rng } from '../rng/Rng.js';

/**
 * Order entry latency, hftbacktest's latency model: an order decided at `t` rests (or a taker
 * order executes) at `t + latency`. Orders reach the venue in the order they were sent: the
 * engines never let a later order overtake an earlier one.
 */
export interface LatencyModel {
  readonly name: string;
  /** Seconds from a decision to the order being live at the venue (>= 0). */
  sampleSec(rng: Rng): number;
}

/** The same latency every time. */
export function constantLatency(latencySec: number): LatencyModel {
  requireNonNegative('latencySec', latencySec);
  return { name: 'constant', sampleSec: () => latencySec };
}

/** No latency: orders are live at the decision time. */
export const zeroLatency: LatencyModel = constantLatency(0);

/** `minSec + Exponential(mean = meanExtraSec)`: a floor plus a memoryless tail. */
export function exponentialLatency(params: { minSec: number; meanExtraSec: number }): LatencyModel {
  const { minSec, meanExtraSec } = params;
  requireNonNegative('minSec', minSec);
  requireNonNegative('meanExtraSec', meanExtraSec);
  return { name: 'exponential', sampleSec: (rng) => minSec + meanExtraSec * rng.exponential() };
}

/** Log-normal latency: `median exp(logStd z)`, a heavy right tail as seen on real venues. */
export function logNormalLatency(params: { medianSec: number; logStd: number }): LatencyModel {
  const { medianSec, logStd } = params;
  requireNonNegative('medianSec', medianSec);
  requireNonNegative('logStd', logStd);
  return { name: 'log-normal', sampleSec: (rng) => medianSec * Math.exp(logStd * rng.normal()) };
}

/** Resampled from measured latencies (e.g. order round trips recorded by the engine), seconds. */
export function empiricalLatency(samplesSec: readonly number[]): LatencyModel {
  if (samplesSec.length === 0) throw new RangeError('samplesSec must not be empty');
  const samples = Float64Array.from(samplesSec);
  samples.forEach((s, i) => {
    requireNonNegative(`samplesSec[${i}]`, s);
  });
  const n = samples.length;
  return {
    name: 'empirical',
    sampleSec: (rng) => samples[Math.min(n - 1, Math.floor(rng.uniform() * n))]!,
  };
}
