import {
  binExposures,
  estimateVolatility,
  type FillIntensityFit,
  fitFillIntensity,
  type QuoteExposure,
  realizedCorrelation,
} from '@mm/backtest';
import { baumWelch, stationaryDistribution } from '@mm/regime';
import type {
  AssetCalibration,
  CalibrateJobData,
  CalibrateResult,
  Estimate,
  RegimeCalibration,
} from '../jobs/jobSchemas.js';
import type { Progress } from './progress.js';
import type { MarketData, MarketFill } from './readMarketData.js';

/** A calibration's input: the job data with its window resolved, and the data read from Redis. */
export type CalibrateInput = Omit<CalibrateJobData, 'prefix' | 'sinceMs' | 'untilMs'> & {
  prefix: string;
  sinceMs: number;
  untilMs: number;
  marketData: MarketData;
};

/**
 * Log-likelihood gain of two regimes over one below which the second regime is not supported by
 * the data (the likelihood-ratio statistic is twice the gain; a 5% chi-square(3) cut-off, the
 * three extra parameters being a sigma and two switch rates, is 7.8).
 */
export const MIN_REGIME_GAIN = 4;

/** One asset's mid and best quotes at each snapshot that lists it, in time order. */
interface AssetSeries {
  tSec: number[];
  mid: number[];
  bid: (number | null)[];
  ask: (number | null)[];
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function estimate(value: number, stdError: number, problem: string | null): Estimate {
  const v = finiteOrNull(value);
  const se = finiteOrNull(stdError);
  const reason =
    problem ?? (v === null ? 'not computable' : se === null ? 'no standard error' : null);
  return { value: v, stdError: se, usable: reason === null, reason };
}

const unusable = (reason: string): Estimate => ({
  value: null,
  stdError: null,
  usable: false,
  reason,
});

function seriesOf(data: MarketData, asset: string): AssetSeries {
  const s: AssetSeries = { tSec: [], mid: [], bid: [], ask: [] };
  for (const snap of data.snapshots) {
    const a = snap.assets.find((x) => x.asset === asset);
    if (!a) continue;
    s.tSec.push(snap.tsMs / 1000);
    s.mid.push(a.mid);
    s.bid.push(a.quotes.bid?.price ?? null);
    s.ask.push(a.quotes.ask?.price ?? null);
  }
  return s;
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Positive gaps between consecutive snapshots, seconds, and their median (the interval). */
function snapshotInterval(tSec: number[]): number {
  const dts: number[] = [];
  for (let i = 1; i < tSec.length; i++) {
    const dt = tSec[i]! - tSec[i - 1]!;
    if (dt > 0) dts.push(dt);
  }
  return median(dts);
}

/**
 * Quote exposures from snapshots and fills. Each snapshot's best quote on a side is taken to
 * rest at its distance from that snapshot's mid until the next snapshot (the engine re-quotes
 * around the mid in between), unless the interval is longer than `maxGapSec` (a gap in the
 * data). The observation of a side ends at its first maker fill in the interval: the exposure is
 * the time to that fill, with one fill (after a fill the engine re-quotes, perhaps elsewhere).
 * That is the censored-exponential likelihood, whose MLE per depth is fills / exposure: the
 * Poisson MLE of `A e^{-k d}` on the pooled bins. Returns the exposures and the maker fills
 * that no exposure used.
 */
function quoteExposures(
  s: AssetSeries,
  fills: readonly MarketFill[],
  maxGapSec: number,
): { exposures: QuoteExposure[]; used: number; exposureSec: number } {
  const exposures: QuoteExposure[] = [];
  let used = 0;
  let exposureSec = 0;
  // maker fills per side, in time order (seconds)
  const buys = fills.filter((f) => f.side === 'buy').map((f) => f.ts / 1000);
  const sells = fills.filter((f) => f.side === 'sell').map((f) => f.ts / 1000);
  let nb = 0;
  let ns = 0;
  for (let i = 0; i + 1 < s.tSec.length; i++) {
    const t0 = s.tSec[i]!;
    const t1 = s.tSec[i + 1]!;
    const dt = t1 - t0;
    while (nb < buys.length && buys[nb]! < t0) nb++;
    while (ns < sells.length && sells[ns]! < t0) ns++;
    if (!(dt > 0) || dt > maxGapSec) continue;
    const mid = s.mid[i]!;
    const sides: [number | null, number[], number][] = [
      [s.bid[i] === null ? null : mid - s.bid[i]!, buys, nb],
      [s.ask[i] === null ? null : s.ask[i]! - mid, sells, ns],
    ];
    for (const [depth, times, next] of sides) {
      if (depth === null || !(depth > 0)) continue;
      const first = next < times.length && times[next]! < t1 ? times[next]! : null;
      const exposure = first === null ? dt : first - t0;
      exposures.push({ depthPrice: depth, exposureSec: exposure, fills: first === null ? 0 : 1 });
      exposureSec += exposure;
      if (first !== null) used++;
    }
  }
  return { exposures, used, exposureSec };
}

function fitIntensity(
  s: AssetSeries,
  fills: readonly MarketFill[],
  maxGapSec: number,
  depthBins: number,
  minFills: number,
): { A: Estimate; k: Estimate; intensity: AssetCalibration['intensity'] } {
  const maker = fills.filter((f) => f.role === 'maker');
  const { exposures, used, exposureSec } = quoteExposures(s, maker, maxGapSec);
  const intensity: AssetCalibration['intensity'] = {
    fills: used,
    exposureSec,
    bins: 0,
    chiSquare: null,
    dof: null,
    unusedFills: maker.length - used,
  };
  if (exposures.length === 0)
    return {
      A: unusable('no resting quotes observed'),
      k: unusable('no resting quotes observed'),
      intensity,
    };
  const bins = binExposures(exposures, { binCount: depthBins });
  intensity.bins = bins.length;
  let fit: FillIntensityFit;
  try {
    fit = fitFillIntensity(bins, { method: 'poissonMle' });
  } catch (err) {
    const reason = `cannot fit: ${err instanceof Error ? err.message : String(err)}`;
    return { A: unusable(reason), k: unusable(reason), intensity };
  }
  intensity.chiSquare = finiteOrNull(fit.chiSquare);
  intensity.dof = fit.dof;
  let problem: string | null = null;
  if (used < minFills) problem = `too few fills (${used} < ${minFills})`;
  else if (!(fit.kPerPrice > 0))
    problem = 'fitted k is not positive (fills do not fall off with depth)';
  return {
    A: estimate(fit.aPerSec, fit.aStdError, problem),
    k: estimate(fit.kPerPrice, fit.kStdError, problem),
    intensity,
  };
}

/** Increments `dx` over `dt` in (0, maxGapSec], as parallel arrays. */
function increments(s: AssetSeries, maxGapSec: number): { dx: number[]; dt: number[] } {
  const dx: number[] = [];
  const dt: number[] = [];
  for (let i = 1; i < s.tSec.length; i++) {
    const h = s.tSec[i]! - s.tSec[i - 1]!;
    if (!(h > 0) || h > maxGapSec) continue;
    dx.push(s.mid[i]! - s.mid[i - 1]!);
    dt.push(h);
  }
  return { dx, dt };
}

function noRegimes(reason: string, dtSec: number | null = null): RegimeCalibration {
  return {
    usable: false,
    reason,
    dtSec,
    sigma: [],
    generatorPerSec: [],
    occupancy: [],
    logLikelihood: null,
    logLikelihoodGain: null,
    iterations: 0,
    converged: false,
  };
}

/**
 * Two volatility regimes by Baum-Welch EM (`@mm/regime`). EM needs equally spaced returns, so
 * each increment is scaled to the snapshot interval `h`: `r = dx sqrt(h / dt)` (exact in law for
 * Brownian increments). Needs `minIncrements` increments (default 500); usable when EM converged,
 * every figure is finite and two regimes beat one by at least {@link MIN_REGIME_GAIN} in
 * log-likelihood.
 */
function fitRegimes(
  dx: number[],
  dt: number[],
  h: number,
  options: CalibrateJobData['regimes'],
): RegimeCalibration {
  if (!options.enabled) return noRegimes('disabled');
  if (dx.length < options.minIncrements)
    return noRegimes(`too few increments (${dx.length} < ${options.minIncrements})`);
  const r = dx.map((x, i) => x * Math.sqrt(h / dt[i]!));
  let sumSq = 0;
  for (const x of r) sumSq += x * x;
  if (!(sumSq > 0)) return noRegimes('the mid never moved', h);
  const s2 = sumSq / (r.length * h);
  const oneRegime = -0.5 * r.length * (Math.log(2 * Math.PI * s2 * h) + 1);
  let fit: ReturnType<typeof baumWelch>;
  try {
    fit = baumWelch(r, { regimes: 2, dtSec: h, maxIterations: options.maxIterations });
  } catch (err) {
    return noRegimes(`EM failed: ${err instanceof Error ? err.message : String(err)}`, h);
  }
  const sigma = Array.from(fit.sigmaPerSqrtSec);
  const g = fit.generatorPerSec.map((row) => [...row]);
  const pi = stationaryDistribution(g);
  const occupancy = pi ? Array.from(pi) : [];
  const gain = fit.logLikelihood - oneRegime;
  const finite =
    sigma.every(Number.isFinite) &&
    g.every((row) => row.every(Number.isFinite)) &&
    occupancy.every(Number.isFinite) &&
    Number.isFinite(fit.logLikelihood);
  let reason: string | null = null;
  if (!finite) reason = 'EM gave non-finite figures';
  else if (!fit.converged) reason = `EM did not converge in ${fit.iterations} iterations`;
  else if (pi === null) reason = 'the fitted regimes do not communicate (no stationary mix)';
  else if (!(gain >= MIN_REGIME_GAIN))
    reason = `one regime explains the data (log-likelihood gain ${gain.toFixed(2)} < ${MIN_REGIME_GAIN})`;
  return {
    usable: reason === null,
    reason,
    dtSec: h,
    sigma: finite ? sigma : [],
    generatorPerSec: finite ? g : [],
    occupancy: finite ? occupancy : [],
    logLikelihood: finiteOrNull(fit.logLikelihood),
    logLikelihoodGain: finiteOrNull(gain),
    iterations: fit.iterations,
    converged: fit.converged,
  };
}

function calibrateAsset(input: CalibrateInput, asset: string, s: AssetSeries): AssetCalibration {
  const h = snapshotInterval(s.tSec);
  const maxGapSec = Number.isFinite(h) ? input.maxGapIntervals * h : 0;
  const fills = input.marketData.fills.filter((f) => f.asset === asset);
  const durationSec = s.tSec.length > 1 ? s.tSec[s.tSec.length - 1]! - s.tSec[0]! : 0;
  const base = { asset, snapshots: s.tSec.length };
  if (s.tSec.length < 2 || !Number.isFinite(h)) {
    const reason = `too few snapshots (${s.tSec.length})`;
    return {
      ...base,
      increments: 0,
      durationSec,
      sigma: unusable(reason),
      A: unusable(reason),
      k: unusable(reason),
      intensity: {
        fills: 0,
        exposureSec: 0,
        bins: 0,
        chiSquare: null,
        dof: null,
        unusedFills: fills.filter((f) => f.role === 'maker').length,
      },
      regimes: noRegimes(reason),
      model: null,
    };
  }
  // Volatility from every increment (a gap is still one Brownian increment over its dt).
  const vol = estimateVolatility(s.tSec, s.mid, 'price');
  const sigma = estimate(
    vol.sigmaPerSqrtSec,
    vol.sigmaStdError,
    vol.increments < input.minIncrements
      ? `too few increments (${vol.increments} < ${input.minIncrements})`
      : !(vol.sigmaPerSqrtSec > 0)
        ? 'the mid never moved'
        : null,
  );
  const { A, k, intensity } = fitIntensity(s, fills, maxGapSec, input.depthBins, input.minFills);
  const { dx, dt } = increments(s, maxGapSec);
  return {
    ...base,
    increments: vol.increments,
    durationSec: vol.durationSec,
    sigma,
    A,
    k,
    intensity,
    regimes: fitRegimes(dx, dt, h, input.regimes),
    model:
      sigma.usable && A.usable && k.usable
        ? { sigma: sigma.value!, A: A.value!, k: k.value! }
        : null,
  };
}

/**
 * Realized covariance and correlation of two assets' mid increments over the snapshot intervals
 * where both are listed at both ends (zero-mean, per unit time: `sum dx_a dx_b / sum dt`).
 */
function pairMoments(
  data: MarketData,
  a: string,
  b: string,
  maxGapSec: number,
): { n: number; cov: number; corr: number } {
  let prev: { t: number; a: number; b: number } | null = null;
  const dxA: number[] = [];
  const dxB: number[] = [];
  const dts: number[] = [];
  for (const snap of data.snapshots) {
    const xa = snap.assets.find((x) => x.asset === a);
    const xb = snap.assets.find((x) => x.asset === b);
    if (!xa || !xb) {
      prev = null;
      continue;
    }
    const cur = { t: snap.tsMs / 1000, a: xa.mid, b: xb.mid };
    if (prev) {
      const dt = cur.t - prev.t;
      if (dt > 0 && dt <= maxGapSec) {
        dxA.push(cur.a - prev.a);
        dxB.push(cur.b - prev.b);
        dts.push(dt);
      }
    }
    prev = cur;
  }
  const r = realizedCorrelation(dxA, dxB, dts);
  return { n: r.n, cov: r.covPerSec, corr: r.corr };
}

/**
 * Calibrate each asset from the engine's recorded data: volatility (realized, irregular dt), fill
 * intensity `A e^{-k d}` (censored-exponential / Poisson MLE over depth bins, see
 * `quoteExposures`), the correlation of mid increments across assets, and a 2-regime volatility
 * model (Baum-Welch EM) when there are at least `regimes.minIncrements` increments. Every
 * estimate carries a standard error and a `usable` flag; nothing in the result is NaN (what
 * cannot be estimated is null with a reason). Pure apart from `progress`.
 */
export async function runCalibrate(
  input: CalibrateInput,
  progress: Progress,
): Promise<CalibrateResult> {
  const data = input.marketData;
  const seen: string[] = [];
  for (const snap of data.snapshots)
    for (const a of snap.assets) if (!seen.includes(a.asset)) seen.push(a.asset);
  const assets = input.assets ?? seen.sort();
  await progress(0, `${assets.length} assets`);
  const series = assets.map((a) => seriesOf(data, a));
  const results: AssetCalibration[] = [];
  for (let i = 0; i < assets.length; i++) {
    results.push(calibrateAsset(input, assets[i]!, series[i]!));
    await progress((i + 1) / (assets.length + 1), assets[i]);
  }
  const n = assets.length;
  const matrix: (number | null)[][] = [];
  const stdError: (number | null)[][] = [];
  const covariancePerSec: (number | null)[][] = [];
  let commonIncrements = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    matrix.push(new Array<number | null>(n).fill(null));
    stdError.push(new Array<number | null>(n).fill(null));
    covariancePerSec.push(new Array<number | null>(n).fill(null));
  }
  const intervals = series.map((s) => snapshotInterval(s.tSec));
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const gap = input.maxGapIntervals * Math.max(intervals[i]!, intervals[j]!);
      const m = pairMoments(data, assets[i]!, assets[j]!, Number.isFinite(gap) ? gap : 0);
      if (i !== j) commonIncrements = Math.min(commonIncrements, m.n);
      if (m.n < input.minIncrements) continue;
      const r = i === j ? 1 : finiteOrNull(m.corr);
      const cov = finiteOrNull(m.cov);
      matrix[i]![j] = matrix[j]![i] = r;
      covariancePerSec[i]![j] = covariancePerSec[j]![i] = cov;
      const se = i === j ? 0 : r === null ? null : (1 - r * r) / Math.sqrt(m.n);
      stdError[i]![j] = stdError[j]![i] = se;
    }
  await progress(1, 'done');
  return {
    prefix: input.prefix,
    sinceMs: input.sinceMs,
    untilMs: input.untilMs,
    read: {
      snapshots: data.read.snapshots,
      fills: data.read.fills,
      skipped: data.skipped.snapshots + data.skipped.fills,
      truncated: data.truncated,
    },
    assets: results,
    correlation: {
      assets: [...assets],
      matrix,
      stdError,
      covariancePerSec,
      increments: Number.isFinite(commonIncrements) ? commonIncrements : 0,
    },
  };
}
