import { requireNonNegative } from '../mid/MidModel.js';
import type { Rng } from '../rng/Rng.js';
import type { BookModel, BookPath } from './BookModel.js';

/**
 * A synthetic L2 book on a tick grid around the mid. Sizes per level are
 * `meanSize_i * exp(x_i +- u)`: `x_i` an Ornstein-Uhlenbeck log-size deviation per price level
 * (levels keep their size as the touch moves, new levels enter with a stationary draw) and `u`
 * a shared OU imbalance factor (+u on bids, -u on asks) that makes the imbalance persistent.
 */
export interface SyntheticBookParams {
  /** Tick size, price units. */
  tickPrice: number;
  /** Levels per side (>= 1). */
  levels: number;
  /** Minimum half spread, price units: best bid <= mid - it, best ask >= mid + it (default tick/2). */
  halfSpreadPrice?: number;
  /** Mean size at the touch, base units. */
  meanSizeBase: number;
  /** Growth of the mean size per level behind the touch (mean_i = mean (1 + slope i); default 0.5). */
  depthSlopePerLevel?: number;
  /** Stationary std of each level's log size (default 0.5). */
  sizeLogStd?: number;
  /** Mean-reversion time of level sizes, seconds (default 5). */
  sizeTimescaleSec?: number;
  /** Stationary std of the imbalance factor `u` (default 0.4). */
  imbalanceLogStd?: number;
  /** Mean-reversion time of the imbalance factor, seconds (default 10). */
  imbalanceTimescaleSec?: number;
  /** Levels per side summed in the imbalance (default all). */
  imbalanceLevels?: number;
  /** Smallest size a level keeps after trades, base units (default meanSizeBase / 100). */
  minSizeBase?: number;
}

/**
 * The price of `ticks` ticks as the double nearest the decimal (e.g. 100.01, not
 * 100.01000000000001): `ticks * tickUnits / 10^decimals` with `tickPrice = tickUnits / 10^decimals`
 * divides two exact integers, which rounds correctly.
 */
export function tickPrice(ticks: number, tickUnits: number, decimals: number): number {
  return (ticks * tickUnits) / 10 ** decimals;
}

/** Decimal places needed to print multiples of `tickPrice` exactly (at most 12). */
export function tickDecimals(tickPrice: number): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = tickPrice * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * scaled) return d;
  }
  return 12;
}

/** The synthetic L2 book (see `SyntheticBookParams`). */
export function syntheticBook(params: SyntheticBookParams): BookModel {
  const tick = params.tickPrice;
  if (!(tick > 0) || !Number.isFinite(tick))
    throw new RangeError(`tickPrice must be finite and > 0, got ${tick}`);
  const levels = params.levels;
  if (!Number.isInteger(levels) || levels < 1)
    throw new RangeError(`levels must be an integer >= 1, got ${levels}`);
  const half = params.halfSpreadPrice ?? tick / 2;
  requireNonNegative('halfSpreadPrice', half);
  const meanSize = params.meanSizeBase;
  if (!(meanSize > 0) || !Number.isFinite(meanSize))
    throw new RangeError(`meanSizeBase must be finite and > 0, got ${meanSize}`);
  const slope = params.depthSlopePerLevel ?? 0.5;
  requireNonNegative('depthSlopePerLevel', slope);
  const logStd = params.sizeLogStd ?? 0.5;
  requireNonNegative('sizeLogStd', logStd);
  const sizeTau = params.sizeTimescaleSec ?? 5;
  const imbStd = params.imbalanceLogStd ?? 0.4;
  requireNonNegative('imbalanceLogStd', imbStd);
  const imbTau = params.imbalanceTimescaleSec ?? 10;
  for (const [field, v] of [
    ['sizeTimescaleSec', sizeTau],
    ['imbalanceTimescaleSec', imbTau],
  ] as const)
    if (!(v > 0) || !Number.isFinite(v))
      throw new RangeError(`${field} must be finite and > 0, got ${v}`);
  const imbLevels = params.imbalanceLevels ?? levels;
  if (!Number.isInteger(imbLevels) || imbLevels < 1 || imbLevels > levels)
    throw new RangeError(`imbalanceLevels must be an integer in [1, ${levels}], got ${imbLevels}`);
  const minSize = params.minSizeBase ?? meanSize / 100;
  requireNonNegative('minSizeBase', minSize);
  const decimals = tickDecimals(tick);
  const tickUnits = Math.round(tick * 10 ** decimals);
  const meanAt = Float64Array.from({ length: levels }, (_, i) => meanSize * (1 + slope * i));
  const logMeanAt = meanAt.map(Math.log);
  // biased-up mean of exp(x) is removed so that E[size_i] = meanAt[i]
  const logCentre = -0.5 * (logStd * logStd + imbStd * imbStd);

  return {
    name: 'synthetic-l2',
    start(midPrice: number, rng: Rng): BookPath {
      const bidX = new Float64Array(levels);
      const askX = new Float64Array(levels);
      const scratch = new Float64Array(levels);
      for (let i = 0; i < levels; i++) {
        bidX[i] = logStd * rng.normal();
        askX[i] = logStd * rng.normal();
      }
      let u = imbStd * rng.normal();
      const bidPrices = new Float64Array(levels);
      const askPrices = new Float64Array(levels);
      const bidSizes = new Float64Array(levels);
      const askSizes = new Float64Array(levels);
      const bidTickOf = (mid: number): number => Math.floor((mid - half) / tick + 1e-9);
      const askTickOf = (mid: number, b: number): number =>
        Math.max(b + 1, Math.ceil((mid + half) / tick - 1e-9));
      let bidTick = bidTickOf(midPrice);
      let askTick = askTickOf(midPrice, bidTick);

      /**
       * Move the per-level state by `shift` levels deeper (> 0) or shallower (< 0), keeping each
       * surviving price level's size (its deviation then reverts towards its new depth's mean).
       */
      const shiftLevels = (x: Float64Array, shift: number, r: Rng): void => {
        if (shift === 0) return;
        scratch.set(x);
        for (let i = 0; i < levels; i++) {
          const from = i - shift;
          x[i] =
            from >= 0 && from < levels
              ? scratch[from]! + logMeanAt[from]! - logMeanAt[i]!
              : logStd * r.normal();
        }
      };

      const path: BookPath = {
        bestBidPrice: 0,
        bestAskPrice: 0,
        imbalance: 0.5,
        levelCount: levels,
        bidPrices,
        bidSizes,
        askPrices,
        askSizes,
        update(mid: number, dtSec: number, r: Rng): void {
          const b = bidTickOf(mid);
          const a = askTickOf(mid, b);
          // a bid touch moving up by one tick pushes every old level one deeper
          shiftLevels(bidX, b - bidTick, r);
          shiftLevels(askX, askTick - a, r);
          bidTick = b;
          askTick = a;
          const decay = Math.exp(-dtSec / sizeTau);
          const kick = logStd * Math.sqrt(1 - decay * decay);
          for (let i = 0; i < levels; i++) {
            bidX[i] = bidX[i]! * decay + kick * r.normal();
            askX[i] = askX[i]! * decay + kick * r.normal();
          }
          const uDecay = Math.exp(-dtSec / imbTau);
          u = u * uDecay + imbStd * Math.sqrt(1 - uDecay * uDecay) * r.normal();
          fill();
        },
        consume(side: 'bid' | 'ask', sizeBase: number): void {
          const sizes = side === 'bid' ? bidSizes : askSizes;
          const x = side === 'bid' ? bidX : askX;
          const next = Math.max(minSize, sizes[0]! - sizeBase);
          sizes[0] = next;
          x[0] = Math.log(next / meanAt[0]!) - logCentre - (side === 'bid' ? u : -u);
          path.imbalance = imbalanceOf();
        },
      };
      const imbalanceOf = (): number => {
        let vb = 0;
        let va = 0;
        for (let i = 0; i < imbLevels; i++) {
          vb += bidSizes[i]!;
          va += askSizes[i]!;
        }
        return vb + va > 0 ? vb / (vb + va) : 0.5;
      };
      let pricedBidTick = Number.NaN;
      let pricedAskTick = Number.NaN;
      const fill = (): void => {
        if (bidTick !== pricedBidTick || askTick !== pricedAskTick) {
          for (let i = 0; i < levels; i++) {
            bidPrices[i] = tickPrice(bidTick - i, tickUnits, decimals);
            askPrices[i] = tickPrice(askTick + i, tickUnits, decimals);
          }
          pricedBidTick = bidTick;
          pricedAskTick = askTick;
        }
        for (let i = 0; i < levels; i++) {
          bidSizes[i] = Math.max(minSize, meanAt[i]! * Math.exp(logCentre + bidX[i]! + u));
          askSizes[i] = Math.max(minSize, meanAt[i]! * Math.exp(logCentre + askX[i]! - u));
        }
        path.bestBidPrice = bidPrices[0]!;
        path.bestAskPrice = askPrices[0]!;
        path.imbalance = imbalanceOf();
      };
      fill();
      return path;
    },
  };
}
