import { basename } from 'node:path';
import { estimateVolatility, realizedCorrelation } from '@mm/backtest';
import { readEvents } from '../io/readEvents.js';
import { type AssetRecord, recordAsset } from './AssetRecorder.js';
import { fitOrderIntensity, type OrderIntensityFit } from './fitOrderIntensity.js';

/** `A` (orders per second at depth 0), `k` (per price unit) and the fit's chi-square per dof. */
export interface IntensityFitJson {
  A: number | null;
  k: number | null;
  chi2PerDof: number | null;
}

/** One asset of `mm calibrate --json` (units: price units of the file, seconds). */
export interface AssetCalibrationJson {
  symbol: string;
  sigmaPerSqrtSec: number | null;
  sigmaSe: number | null;
  sampleSec: number;
  tickSize: number | null;
  meanSpread: number | null;
  fits: { all: IntensityFitJson; beyondTouch: IntensityFitJson };
}

/** `mm calibrate --json`. */
export interface CalibrationJson {
  assets: AssetCalibrationJson[];
  correlation: number[][] | null;
}

/** The JSON plus what the text output shows (standard errors, counts, why no correlation). */
export interface Calibration {
  json: CalibrationJson;
  details: {
    file: string;
    record: AssetRecord;
    all: OrderIntensityFit | string;
    beyondTouch: OrderIntensityFit | string;
    /** Share of market orders that stopped at the touch. */
    atTouchShare: number;
    increments: number;
  }[];
  /** Why `correlation` is null (null when it is not). */
  correlationNote: string | null;
  /** Grid increments both assets have, per pair (the smallest). */
  correlationIncrements: number;
}

export interface CalibrateOptions {
  /** Sampling interval of the mid for sigma and correlation, seconds (default 1). */
  sampleSec?: number;
  /** Prints of one side at most this far apart form one market order, seconds (default 0.005). */
  sweepGapSec?: number;
  /** Grid increments two files must share for a correlation (default 30). */
  minCommonIncrements?: number;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function fitJson(fit: OrderIntensityFit | string): IntensityFitJson {
  if (typeof fit === 'string') return { A: null, k: null, chi2PerDof: null };
  return { A: finite(fit.aPerSec), k: finite(fit.kPerPrice), chi2PerDof: finite(fit.chi2PerDof) };
}

function tryFit(run: () => OrderIntensityFit): OrderIntensityFit | string {
  try {
    return run();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The symbol of a file: its name without directory and extensions. */
export function symbolOf(file: string): string {
  return basename(file)
    .replace(/\.(mmb|jsonl|json|gz|txt)$/gi, '')
    .replace(/\.(mmb|jsonl|json)$/i, '');
}

/**
 * Calibrate each file (one asset each, an imported `.mmb` or L2 JSON-lines file): sigma of the
 * mid per sqrt(second) from previous-tick samples every `sampleSec` (realized variance, standard
 * error under Brownian increments), the market-order intensity `A e^{-k d}` fitted to all orders
 * and to the orders that went beyond the touch (depths from the mid before the order), tick size
 * and time-weighted mean spread; with several files that overlap in time, the correlation of
 * their mid increments on the shared grid.
 */
export function calibrateFiles(
  files: readonly string[],
  options: CalibrateOptions = {},
): Calibration {
  const sampleSec = options.sampleSec ?? 1;
  const sweepGapSec = options.sweepGapSec ?? 0.005;
  const minCommon = options.minCommonIncrements ?? 30;
  const details: Calibration['details'] = [];
  const assets: AssetCalibrationJson[] = [];
  for (const file of files) {
    const record = recordAsset(readEvents(file), sampleSec, sweepGapSec);
    const times = record.grid.times();
    const mids = record.grid.mids;
    const vol = mids.length >= 3 ? estimateVolatility(times, mids, 'price') : null;
    const durationSec = record.endSec - record.startSec;
    const tick = record.tickPrice;
    const depths = record.orders.map((o) => o.depthPrice);
    const beyond = record.orders.filter((o) => o.beyondTouch).map((o) => o.depthPrice);
    const all = Number.isFinite(tick)
      ? tryFit(() => fitOrderIntensity(depths, durationSec, tick))
      : 'no tick size (books of one level)';
    const from = beyond.length > 0 ? tick * Math.floor(Math.min(...beyond) / tick + 1e-9) : 0;
    const beyondTouch = Number.isFinite(tick)
      ? tryFit(() => fitOrderIntensity(beyond, durationSec, tick, from))
      : 'no tick size (books of one level)';
    details.push({
      file,
      record,
      all,
      beyondTouch,
      atTouchShare:
        record.orders.length > 0 ? 1 - beyond.length / record.orders.length : Number.NaN,
      increments: vol?.increments ?? 0,
    });
    assets.push({
      symbol: symbolOf(file),
      sigmaPerSqrtSec: vol ? finite(vol.sigmaPerSqrtSec) : null,
      sigmaSe: vol ? finite(vol.sigmaStdError) : null,
      sampleSec,
      tickSize: finite(tick),
      meanSpread: finite(record.meanSpreadPrice),
      fits: { all: fitJson(all), beyondTouch: fitJson(beyondTouch) },
    });
  }
  const { matrix, note, increments } = correlationOf(
    details.map((d) => d.record),
    files,
    minCommon,
  );
  return {
    json: { assets, correlation: matrix },
    details,
    correlationNote: note,
    correlationIncrements: increments,
  };
}

/** Increments of two grids over their common grid points. */
function commonIncrements(a: AssetRecord, b: AssetRecord): { dxA: number[]; dxB: number[] } {
  const ga = a.grid;
  const gb = b.grid;
  const lo = Math.max(ga.firstIndex, gb.firstIndex);
  const hi = Math.min(ga.firstIndex + ga.mids.length, gb.firstIndex + gb.mids.length) - 1;
  const dxA: number[] = [];
  const dxB: number[] = [];
  for (let k = lo + 1; k <= hi; k++) {
    dxA.push(ga.mids[k - ga.firstIndex]! - ga.mids[k - 1 - ga.firstIndex]!);
    dxB.push(gb.mids[k - gb.firstIndex]! - gb.mids[k - 1 - gb.firstIndex]!);
  }
  return { dxA, dxB };
}

function correlationOf(
  records: readonly AssetRecord[],
  files: readonly string[],
  minCommon: number,
): { matrix: number[][] | null; note: string | null; increments: number } {
  const n = records.length;
  if (n < 2) return { matrix: null, note: 'one asset: no correlation', increments: 0 };
  const matrix: number[][] = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : Number.NaN)),
  );
  let fewest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const { dxA, dxB } = commonIncrements(records[i]!, records[j]!);
      fewest = Math.min(fewest, dxA.length);
      if (dxA.length < minCommon)
        return {
          matrix: null,
          note: `${files[i]} and ${files[j]} share ${dxA.length} sampled increments in time (< ${minCommon}): they do not overlap enough for a correlation`,
          increments: dxA.length,
        };
      const r = realizedCorrelation(dxA, dxB).corr;
      if (!Number.isFinite(r))
        return {
          matrix: null,
          note: `${files[i]} or ${files[j]}: the mid never moved over the common window`,
          increments: dxA.length,
        };
      matrix[i]![j] = matrix[j]![i] = r;
    }
  return { matrix, note: null, increments: fewest };
}
