import { formatNumber } from '../report/format.js';
import type { ReportData } from '../report/ReportData.js';
import type { PolicyComparisonRun } from './comparePolicies.js';
import type { FillCalibration } from './fillCalibration.js';

/** Labels of a comparison report. */
export interface ComparisonReportOptions {
  title: string;
  subtitle?: string;
  generatedAt?: string;
  notes?: readonly string[];
  /** Policy whose representative quotes are drawn (default: the reference, else the first). */
  quotesOf?: string;
}

/**
 * The report of a comparison: P&L and inventory of each policy's representative path (same
 * seed), the quotes around the mid of one policy, the comparison table, and the realized fill
 * rates per depth of the reference policy's path with the fitted `A e^{-k d}`; the true model's
 * predicted rates are listed in a note (the report's calibration chart draws one curve, the fit).
 */
export function comparisonReport(
  run: PolicyComparisonRun,
  options: ComparisonReportOptions,
): ReportData {
  const paths = run.representative.map((r) => ({
    name: r.name,
    tSec: r.path.tSec,
    pnl: r.path.pnlQuote,
    inventoryLots: r.path.inventoryLots,
  }));
  const notes = [
    ...(options.notes ?? []),
    ...(run.calibration ? [calibrationNote(run.calibration)] : []),
  ];
  const wanted = options.quotesOf ?? run.comparison.reference;
  const seed = run.representative[0]?.seed;
  const q = run.representative.find((r) => r.name === wanted) ?? run.representative[0];
  return {
    title: options.title,
    ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }),
    ...(options.generatedAt === undefined ? {} : { generatedAt: options.generatedAt }),
    paths,
    ...(seed === undefined ? {} : { pathLabel: `seed ${seed}, one of ${run.paths} paths` }),
    distributions: run.distributions.map((d) => ({
      name: d.name,
      pnl: d.pnl,
      maxDrawdown: d.maxDrawdown,
    })),
    quotes: q
      ? {
          name: `${q.name} (seed ${q.seed})`,
          tSec: q.path.tSec,
          midPrice: q.path.midPrice,
          bidPrice: q.path.bidPrice,
          askPrice: q.path.askPrice,
        }
      : null,
    comparison: run.comparison,
    calibration: run.calibration ? { bins: run.calibration.bins, fit: run.calibration.fit } : null,
    markouts: run.extras.map((x) => ({ name: x.name, summary: x.markouts })),
    ...(notes.length === 0 ? {} : { notes }),
  };
}

/** Predicted (true model) vs realized fill rates per depth bin, as one paragraph. */
function calibrationNote(c: FillCalibration): string {
  const f = (x: number, digits = 4) => formatNumber(x, digits);
  const fills = c.bins.reduce((n, b) => n + b.fills, 0);
  const perBin = c.bins
    .map(
      (b, i) =>
        `d ${f(b.depthPrice, 3)}: ${f(c.predictedPerSec[i]!, 3)} vs ${f(b.ratePerSec, 3)} (${b.fills} fills)`,
    )
    .join('; ');
  const fit = c.fit
    ? `fitted A = ${f(c.fit.aPerSec)} ± ${f(c.fit.aStdError, 2)}, k = ${f(c.fit.kPerPrice)} ± ${f(c.fit.kStdError, 2)}`
    : 'no fit (fills at fewer than two depths)';
  const caveats = c.caveats.length === 0 ? '' : ` Note: ${c.caveats.join('; ')}.`;
  return (
    `Fill rates on the representative path of ${c.name} (seed ${c.seed}, ${fills} maker fills over ${c.exposures} quote-steps): ` +
    `true model A = ${f(c.model.aPerSec)} fills/s, k = ${f(c.model.kPerPrice)} per price unit; ${fit}. ` +
    `Predicted vs realized fills/s by depth: ${perBin}.${caveats}`
  );
}
