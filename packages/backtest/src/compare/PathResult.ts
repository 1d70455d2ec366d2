import { type InventoryStats, inventoryStats } from '../stats/inventory.js';

/** What one simulated (or replayed) path of one policy produced. */
export interface PathResult {
  /** Final mark-to-market P&L (cash + q * mid - fees), quote currency. */
  pnl: number;
  /**
   * HJB objective of the path, quote currency: `pnl - phi * int q^2 dt` (minus any terminal
   * penalty), the quantity the exact policy maximises in expectation.
   */
  objective: number;
  /** Time-weighted mean |inventory|, lots. */
  meanAbsInventory: number;
  /** Largest |inventory|, lots. */
  maxAbsInventory: number;
  /** Number of maker fills (one lot each). */
  fills: number;
  /** Lots traded by taker orders (crossing the spread). */
  takerVolume: number;
}

/** Metric keys of {@link PathResult}, in display order. */
export const PATH_METRICS = [
  'pnl',
  'objective',
  'meanAbsInventory',
  'maxAbsInventory',
  'fills',
  'takerVolume',
] as const satisfies readonly (keyof PathResult)[];

/** One path as time series, from which {@link pathResultFromSeries} builds a {@link PathResult}. */
export interface PathSeries {
  /** Sample times, seconds, non-decreasing. */
  tSec: ArrayLike<number>;
  /** Inventory after each sample time (held until the next), lots. */
  inventoryLots: ArrayLike<number>;
  /** Mark-to-market P&L at each sample time, quote currency; the last value is the path's P&L. */
  pnl: ArrayLike<number>;
  /** Number of maker fills on the path. */
  fills: number;
  /** Lots traded by taker orders on the path. */
  takerVolume: number;
}

/**
 * Reduce a path's series to a {@link PathResult}: objective `= pnl_T - phi * int q^2 dt -
 * terminalPenalty`, with `phiPerLot2Sec` in quote currency per lot^2 per second and
 * `terminalPenalty` (default 0) in quote currency.
 */
export function pathResultFromSeries(
  series: PathSeries,
  phiPerLot2Sec: number,
  terminalPenalty = 0,
): PathResult {
  if (!(phiPerLot2Sec >= 0))
    throw new RangeError(`phiPerLot2Sec must be >= 0, got ${phiPerLot2Sec}`);
  if (series.pnl.length !== series.tSec.length)
    throw new RangeError(
      `pnl must have the length of tSec (${series.tSec.length}), got ${series.pnl.length}`,
    );
  const inv = inventoryStats(series.tSec, series.inventoryLots);
  const pnl = series.pnl[series.pnl.length - 1]!;
  return pathResultFromStats(inv, pnl, series, phiPerLot2Sec, terminalPenalty);
}

/**
 * A {@link PathResult} from a path's inventory statistics and final P&L (quote currency), as
 * accumulated while simulating, without its series; same objective as {@link pathResultFromSeries}.
 */
export function pathResultFromStats(
  inv: Pick<InventoryStats, 'meanAbsInventory' | 'maxAbsInventory' | 'integratedSquaredInventory'>,
  pnl: number,
  counts: { fills: number; takerVolume: number },
  phiPerLot2Sec: number,
  terminalPenalty = 0,
): PathResult {
  if (!(phiPerLot2Sec >= 0))
    throw new RangeError(`phiPerLot2Sec must be >= 0, got ${phiPerLot2Sec}`);
  const series = counts;
  const result: PathResult = {
    pnl,
    objective: pnl - phiPerLot2Sec * inv.integratedSquaredInventory - terminalPenalty,
    meanAbsInventory: inv.meanAbsInventory,
    maxAbsInventory: inv.maxAbsInventory,
    fills: series.fills,
    takerVolume: series.takerVolume,
  };
  validatePathResult(result);
  return result;
}

/** Check one record: every field finite, counts and inventories non-negative. */
export function validatePathResult(p: PathResult, where = 'path'): void {
  for (const key of PATH_METRICS) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new RangeError(`${where}.${key} must be a finite number, got ${String(v)}`);
  }
  for (const key of ['meanAbsInventory', 'maxAbsInventory', 'fills', 'takerVolume'] as const)
    if (p[key] < 0) throw new RangeError(`${where}.${key} must be >= 0, got ${p[key]}`);
}
