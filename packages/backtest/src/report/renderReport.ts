import { comparisonTable, objectiveChart, shareChart } from './comparisonCharts.js';
import { maxDrawdownChart, pnlDistributionChart } from './distributionCharts.js';
import { fillRateChart } from './fillRateChart.js';
import { escapeHtml } from './format.js';
import { markoutChart, markoutTable } from './markoutChart.js';
import { inventoryVectorChart, portfolioRiskChart } from './portfolioCharts.js';
import type { ReportData } from './ReportData.js';
import {
  drawdownChart,
  inventoryChart,
  pnlChart,
  quoteDepthChart,
  quotesChart,
} from './timeSeriesCharts.js';

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2329; background: #f6f7f9; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 2px 0; color: #555f6b; }
section { margin-top: 28px; }
h2 { font-size: 18px; margin: 0 0 12px; padding-bottom: 4px; border-bottom: 1px solid #d9dde3; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 18px; }
.grid > figure:only-child { max-width: calc(50% - 9px); min-width: 520px; }
figure { margin: 0; background: #fff; border: 1px solid #e1e4e8; border-radius: 6px; padding: 12px 14px 10px; }
figure h3 { margin: 0 0 4px; font-size: 15px; }
figcaption { color: #555f6b; font-size: 12.5px; margin-top: 4px; }
svg.chart { display: block; width: 100%; height: auto; font-size: 11px; }
svg .grid { stroke: #eceff2; stroke-width: 1; }
svg .plot-area { fill: none; stroke: #b8bfc7; stroke-width: 1; }
svg .tick { fill: #555f6b; }
svg .axis-title { fill: #333a41; font-size: 12px; }
svg .legend text { fill: #333a41; font-size: 11.5px; }
svg .series { fill: none; stroke-linejoin: round; stroke-linecap: round; }
svg .band { fill: #0072B2; fill-opacity: 0.09; stroke: none; }
svg .zero { stroke: #7a838d; stroke-width: 1; stroke-dasharray: 2 3; }
svg .reference { stroke: #1d2329; stroke-width: 1.2; stroke-dasharray: 6 4; fill: none; }
svg .whisker, svg .error-bars { stroke: #1d2329; stroke-width: 1.4; fill: none; }
svg .error-bars { stroke: #0072B2; }
svg .bar { fill-opacity: 0.85; }
svg .point { stroke: #fff; stroke-width: 1; }
svg .range { stroke-width: 2; fill: none; }
svg .bar-label { fill: #333a41; font-size: 11px; }
svg .zero-fills { fill: #fff; stroke-width: 1.4; }
svg .no-data { fill: #8a939c; font-size: 14px; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid #e1e4e8; border-radius: 6px; }
table.comparison { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
table.comparison caption { caption-side: bottom; text-align: left; padding: 8px 12px; color: #555f6b; font-size: 12.5px; }
table.comparison th, table.comparison td { padding: 6px 8px; border-bottom: 1px solid #edf0f3; text-align: right; white-space: nowrap; }
table.comparison thead th { background: #f0f2f5; font-weight: 600; white-space: normal; vertical-align: bottom; min-width: 4.5em; }
table.comparison th[scope=row] { text-align: left; }
table.comparison .ci { display: block; color: #6b7580; font-size: 11px; }
table.comparison .muted { color: #8a939c; }
.notes p { margin: 4px 0; color: #333a41; }
`;

/**
 * Render a self-contained HTML report: inline CSS and inline SVG charts, no scripts, no
 * external resources. Charts: P&L and maximum drawdown across paths, P&L, drawdown and inventory
 * over time of one path (`pathLabel`), quotes around the mid
 * and their depths, predicted vs realized fill rates, and the policy comparison (table, mean
 * objective and share of the reference with intervals). Every text from `data` is escaped.
 * Pure: the same data give the same string.
 */
export function renderReport(data: ReportData): string {
  const currency = data.currency ?? 'quote';
  const head = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // no network: nothing may be fetched, not even a favicon
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body><main>',
    '<header>',
    `<h1>${escapeHtml(data.title)}</h1>`,
    data.subtitle ? `<p>${escapeHtml(data.subtitle)}</p>` : '',
    data.generatedAt ? `<p>Generated ${escapeHtml(data.generatedAt)}</p>` : '',
    '</header>',
  ];
  const sections: string[] = [];
  const c = data.comparison;
  if (c) {
    sections.push(
      '<section id="comparison"><h2>Policy comparison</h2>',
      comparisonTable(c, currency),
      '<div class="grid" style="margin-top:18px">',
      objectiveChart(c, currency, data.objectiveFormula),
      shareChart(c),
      '</div></section>',
    );
  }
  const d = data.distributions;
  if (d && d.length > 0) {
    sections.push(
      '<section id="distributions"><h2>Across paths</h2><div class="grid">',
      pnlDistributionChart(d, currency),
      maxDrawdownChart(d, currency),
      '</div></section>',
    );
  }
  const label = data.pathLabel;
  sections.push(
    `<section id="paths"><h2>One path${label === undefined ? '' : `: ${escapeHtml(label)}`}</h2><div class="grid">`,
    pnlChart(data.paths, currency, label),
    drawdownChart(data.paths, currency, label),
    inventoryChart(data.paths, label),
    data.quotes ? quotesChart(data.quotes) : '',
    data.quotes ? quoteDepthChart(data.quotes) : '',
    '</div></section>',
  );
  if (data.portfolio && data.portfolio.length > 0)
    sections.push(
      '<section id="portfolio"><h2>Portfolio</h2><div class="grid">',
      ...data.portfolio.map((p, i) => inventoryVectorChart(p, i)),
      portfolioRiskChart(data.portfolio, currency),
      '</div></section>',
    );
  if (data.markouts && data.markouts.length > 0)
    sections.push(
      '<section id="markouts"><h2>Markouts (adverse selection)</h2>',
      markoutTable(data.markouts),
      '<div class="grid" style="margin-top:18px">',
      markoutChart(data.markouts, currency),
      '</div></section>',
    );
  if (data.calibration) {
    const cal = data.calibration;
    sections.push(
      '<section id="calibration"><h2>Calibration</h2><div class="grid">',
      fillRateChart(cal.bins, cal.fit, cal.volatility ?? null),
      '</div></section>',
    );
  }
  if (data.notes && data.notes.length > 0)
    sections.push(
      '<section class="notes" id="notes"><h2>Notes</h2>',
      ...data.notes.map((n) => `<p>${escapeHtml(n)}</p>`),
      '</section>',
    );
  return [...head, ...sections, '</main></body></html>\n'].join('\n');
}
