import { colorAt } from './chart.js';
import type { ReportPortfolioPath } from './ReportData.js';
import { timeChart } from './timeSeriesCharts.js';

/** One policy's inventory vector over time: one step line per asset, lots. */
export function inventoryVectorChart(p: ReportPortfolioPath, index: number): string {
  return timeChart(
    `portfolio-inventory-${index}`,
    `Inventory vector: ${p.name}`,
    p.symbols.map((symbol, j) => ({
      label: symbol,
      color: colorAt(j),
      tSec: p.tSec,
      y: p.inventoryLots[j]!,
      step: true,
    })),
    'inventory (lots)',
    'Inventory of every asset on the representative path (same seed for every policy).',
  );
}

/** Portfolio risk `q' Sigma q` over time, one line per policy. */
export function portfolioRiskChart(
  paths: readonly ReportPortfolioPath[],
  currency: string,
): string {
  return timeChart(
    'portfolio-risk',
    "Portfolio risk q' Sigma q",
    paths.map((p, i) => ({
      label: p.name,
      color: colorAt(i),
      tSec: p.tSec,
      y: p.risk,
      step: true,
    })),
    `q' Sigma q (${currency}^2/s)`,
    'Variance rate of the book (inventory in asset units, Sigma the covariance of mid changes per second) on the representative path.',
  );
}
