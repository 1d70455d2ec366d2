import type { DepthBin } from '../calibration/depthBins.js';
import type { VolatilityEstimate } from '../calibration/estimateVolatility.js';
import type { FillIntensityFit } from '../calibration/fitFillIntensity.js';
import type { PolicyComparison } from '../compare/summarizePolicies.js';
import type { ReportMarkouts } from './markoutChart.js';

/** One path's P&L and inventory over time (drawn as one line per path in two charts). */
export interface ReportPath {
  /** Legend label, e.g. the policy name. */
  name: string;
  /** Sample times, seconds, non-decreasing. */
  tSec: ArrayLike<number>;
  /** Mark-to-market P&L, quote currency. */
  pnl: ArrayLike<number>;
  /** Inventory, lots (held until the next sample). */
  inventoryLots: ArrayLike<number>;
}

/** Resting quotes around the mid over time; `NaN` where no quote rests. Price units. */
export interface ReportQuotes {
  name: string;
  tSec: ArrayLike<number>;
  midPrice: ArrayLike<number>;
  bidPrice: ArrayLike<number>;
  askPrice: ArrayLike<number>;
}

/** A multi-asset path: the inventory vector and the portfolio risk over time. */
export interface ReportPortfolioPath {
  /** Legend label, the policy name. */
  name: string;
  tSec: ArrayLike<number>;
  /** Asset symbols, in the order of `inventoryLots`. */
  symbols: readonly string[];
  /** `[asset][sample]`, lots (held until the next sample). */
  inventoryLots: readonly ArrayLike<number>[];
  /** `q' Sigma q`, quote currency^2 per second. */
  risk: ArrayLike<number>;
}

/** A per-path quantity of one policy over every path (for distributions across paths). */
export interface ReportDistribution {
  /** The policy's name. */
  name: string;
  /** Final mark-to-market P&L of each path, quote currency. */
  pnl: ArrayLike<number>;
  /** Maximum drawdown of each path (largest fall from a running peak), quote currency, >= 0. */
  maxDrawdown: ArrayLike<number>;
}

/** Calibration inputs and results shown in the report. */
export interface ReportCalibration {
  /** Observed fill rates per depth bin. */
  bins: readonly DepthBin[];
  /** The fitted model `A e^{-k d}`, or null if none was fitted. */
  fit: FillIntensityFit | null;
  volatility?: VolatilityEstimate | null;
}

/** Everything {@link renderReport} draws; plain data, no functions. */
export interface ReportData {
  title: string;
  /** A line under the title (configuration summary, seeds). */
  subtitle?: string;
  /** A timestamp supplied by the caller, shown as given (the renderer reads no clock). */
  generatedAt?: string;
  /** Currency label for P&L axes (default 'quote'). */
  currency?: string;
  paths: readonly ReportPath[];
  /** Which path the single-path charts show, e.g. `path 1 of 200 (seed 1)`. */
  pathLabel?: string;
  /** Per-path P&L and drawdown of every policy over all paths. */
  distributions?: readonly ReportDistribution[] | null;
  quotes?: ReportQuotes | null;
  comparison?: PolicyComparison | null;
  /** The per-path objective as shown under its chart (default `P&L − ∫ φ q² dt`). */
  objectiveFormula?: string;
  calibration?: ReportCalibration | null;
  /** Multi-asset runs: one inventory-vector chart per policy and one portfolio-risk chart. */
  portfolio?: readonly ReportPortfolioPath[] | null;
  /** Fills' markouts per policy (table and curve). */
  markouts?: readonly ReportMarkouts[] | null;
  /** Free-text notes, one paragraph each. */
  notes?: readonly string[];
}
