import { gridQuotesAtIndex, type MultiAssetGridSolution } from './multiAssetGrid.js';
import {
  createMultiAssetQuotes,
  type MultiAssetSolution,
  quotesFor,
} from './multiAssetSolution.js';

/** Differences between exact and closed-form quote distances, price units. */
export interface QuoteComparison {
  /** Over every quoted side of every venue at every grid state. */
  maxAbsDiffPrice: number;
  meanAbsDiffPrice: number;
  quoteCount: number;
  /** The same over states with `max_i |n_i| <= nearRadiusLots`. */
  nearMaxAbsDiffPrice: number;
  nearMeanAbsDiffPrice: number;
  nearQuoteCount: number;
}

/**
 * Compare the exact grid quotes with a closed-form solution's at every grid state (sides not
 * quoted at the bounds are skipped). `nearRadiusLots` (default 1) delimits "near q = 0".
 */
export function compareGridWithClosedForm(
  grid: MultiAssetGridSolution,
  solution: MultiAssetSolution,
  nearRadiusLots = 1,
): QuoteComparison {
  const n = grid.assetCount;
  if (solution.assetCount !== n)
    throw new RangeError(`solution has ${solution.assetCount} assets, the grid ${n}`);
  if (!(nearRadiusLots >= 0))
    throw new RangeError(`nearRadiusLots must be >= 0, got ${nearRadiusLots}`);
  const exact = createMultiAssetQuotes(grid);
  const approx = createMultiAssetQuotes(solution);
  const lots = new Float64Array(n);
  let max = 0;
  let sum = 0;
  let count = 0;
  let nearMax = 0;
  let nearSum = 0;
  let nearCount = 0;
  for (let s = 0; s < grid.stateCount; s++) {
    let radius = 0;
    for (let i = 0; i < n; i++) {
      const b = grid.maxLots[i]!;
      lots[i] = (Math.floor(s / grid.strides[i]!) % (2 * b + 1)) - b;
      radius = Math.max(radius, Math.abs(lots[i]!));
    }
    gridQuotesAtIndex(grid, s, exact);
    quotesFor(solution, lots, approx);
    const near = radius <= nearRadiusLots;
    for (let v = 0; v < exact.bidDeltaPrice.length; v++)
      for (const [e, a] of [
        [exact.bidDeltaPrice[v]!, approx.bidDeltaPrice[v]!],
        [exact.askDeltaPrice[v]!, approx.askDeltaPrice[v]!],
      ] as const) {
        if (Number.isNaN(e)) continue;
        const d = Math.abs(e - a);
        max = Math.max(max, d);
        sum += d;
        count++;
        if (near) {
          nearMax = Math.max(nearMax, d);
          nearSum += d;
          nearCount++;
        }
      }
  }
  return {
    maxAbsDiffPrice: max,
    meanAbsDiffPrice: count > 0 ? sum / count : 0,
    quoteCount: count,
    nearMaxAbsDiffPrice: nearMax,
    nearMeanAbsDiffPrice: nearCount > 0 ? nearSum / nearCount : 0,
    nearQuoteCount: nearCount,
  };
}
