import type { Fill, SimulationPath } from '@mm/simulator';
import { binExposures, type DepthBin, type QuoteExposure } from '../calibration/depthBins.js';
import { type FillIntensityFit, fitFillIntensity } from '../calibration/fitFillIntensity.js';
import type { MarketSpec } from './marketSpec.js';

/** Predicted (true model) vs realized fill rates of one simulated path. */
export interface FillCalibration {
  /** Policy and seed of the path. */
  name: string;
  seed: number;
  /** The market's true intensity `A e^{-k d}` (fills per second; per price unit). */
  model: { aPerSec: number; kPerPrice: number };
  /** Realized rates per depth bin (both sides pooled). */
  bins: DepthBin[];
  /** The true model's rate at each bin's depth, fills per second (parallel to `bins`). */
  predictedPerSec: number[];
  /** `A e^{-k d}` fitted to the bins (Poisson MLE), or null if they cannot identify it. */
  fit: FillIntensityFit | null;
  /** Quote-steps used, and those left out because the quote was at or through the mid. */
  exposures: number;
  throughMid: number;
  /** Caveats on the estimate (e.g. latency), for the report's notes. */
  caveats: string[];
}

export interface QuoteExposureOptions {
  /** Fills judged against the mid after the step's move (the simulator's `fillsAfterMidMove`). */
  fillsAfterMidMove?: boolean;
  /**
   * `exact` (default): a quote filled inside a step was cancelled at the fill, so it is credited
   * half a step of exposure (unbiased to second order in `lambda dt`); `firstOrder`: the step is
   * a Bernoulli trial with probability `lambda dt`, so every step is credited the full `dt`.
   */
  fillProbability?: 'exact' | 'firstOrder';
}

/**
 * One exposure per recorded step and quoted side of a path recorded every step: the resting
 * depth from the mid the fills were judged against, the step's duration and whether a maker fill
 * of that side fell in the step. `makerFills` are the path's fills in time order (other roles are
 * ignored). Steps whose quote is at or through the mid are counted in `throughMid`, not returned.
 * Assumes zero latency (the recorded quotes are the decided ones).
 */
export function quoteExposures(
  path: SimulationPath,
  fills: readonly Fill[],
  options: QuoteExposureOptions = {},
): { exposures: QuoteExposure[]; throughMid: number } {
  const after = options.fillsAfterMidMove ?? false;
  const exact = (options.fillProbability ?? 'exact') === 'exact';
  const maker = fills.filter((f) => f.role === 'maker');
  const exposures: QuoteExposure[] = [];
  let throughMid = 0;
  let next = 0;
  const steps = path.tSec.length - 1;
  for (let i = 0; i < steps; i++) {
    const t0 = path.tSec[i]!;
    const t1 = path.tSec[i + 1]!;
    const dt = t1 - t0;
    let bidFills = 0;
    let askFills = 0;
    while (next < maker.length && maker[next]!.tSec < t1) {
      if (maker[next]!.side === 'buy') bidFills++;
      else askFills++;
      next++;
    }
    if (!(dt > 0)) continue;
    const mid = after ? path.midPrice[i + 1]! : path.midPrice[i]!;
    const sides: [number, number][] = [
      [mid - path.bidPrice[i]!, bidFills],
      [path.askPrice[i]! - mid, askFills],
    ];
    for (const [depth, n] of sides) {
      if (Number.isNaN(depth)) continue; // no quote on that side
      if (!(depth > 0)) {
        throughMid++;
        continue;
      }
      exposures.push({ depthPrice: depth, exposureSec: n > 0 && exact ? dt / 2 : dt, fills: n });
    }
  }
  return { exposures, throughMid };
}

/**
 * Predicted vs realized fill rates of one path: exposures by {@link quoteExposures}, pooled into
 * `binCount` depth bins, fitted by Poisson MLE, against the market's true `A e^{-k d}`. Null if
 * the path has no exposure.
 */
export function fillCalibrationOf(
  rep: { name: string; seed: number; path: SimulationPath; fills: readonly Fill[] },
  market: MarketSpec,
  binCount = 10,
): FillCalibration | null {
  const { exposures, throughMid } = quoteExposures(rep.path, rep.fills, {
    fillsAfterMidMove: market.fillsAfterMidMove ?? false,
    fillProbability: market.fillProbability ?? 'exact',
  });
  if (exposures.length === 0) return null;
  const bins = binExposures(exposures, { binCount });
  let fit: FillIntensityFit | null = null;
  try {
    fit = fitFillIntensity(bins, { method: 'poissonMle' });
    if (!(Number.isFinite(fit.aPerSec) && Number.isFinite(fit.kPerPrice))) fit = null;
  } catch {
    fit = null; // fewer than two depths with fills
  }
  const { aPerSec, kPerPrice } = market;
  const caveats: string[] = [];
  if (market.latencySec)
    caveats.push(
      `orders go live after ${market.latencySec} s, so the recorded (decided) quotes only approximate the resting ones`,
    );
  if (throughMid > 0) caveats.push(`${throughMid} quote-steps at or through the mid are left out`);
  return {
    name: rep.name,
    seed: rep.seed,
    model: { aPerSec, kPerPrice },
    bins,
    predictedPerSec: bins.map((b) => aPerSec * Math.exp(-kPerPrice * b.depthPrice)),
    fit,
    exposures: exposures.length,
    throughMid,
    caveats,
  };
}
