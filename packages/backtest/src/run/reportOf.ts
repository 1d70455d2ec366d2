import type { ReportData } from '../report/ReportData.js';
import type { PolicyComparisonRun } from './comparePolicies.js';

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
 * seed), the quotes around the mid of one policy, and the comparison table.
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
  const wanted = options.quotesOf ?? run.comparison.reference;
  const q = run.representative.find((r) => r.name === wanted) ?? run.representative[0];
  return {
    title: options.title,
    ...(options.subtitle === undefined ? {} : { subtitle: options.subtitle }),
    ...(options.generatedAt === undefined ? {} : { generatedAt: options.generatedAt }),
    paths,
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
    calibration: null,
    ...(options.notes === undefined ? {} : { notes: options.notes }),
  };
}
