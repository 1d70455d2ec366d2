import {
  axes,
  colorAt,
  FRAME,
  figure,
  type LegendItem,
  legend,
  noData,
  xRange,
  yRange,
} from './chart.js';
import { coord, escapeHtml, formatNumber } from './format.js';
import type { ReportDistribution } from './ReportData.js';
import { extent, linearScale } from './scale.js';

/** Bin edges shared by every series: about `sqrt(n)` bins (8 to 40) over the finite extent. */
export function histogramEdges(values: readonly ArrayLike<number>[]): number[] {
  const [lo, hi] = extent(...values);
  if (!Number.isFinite(lo)) return [];
  const n = Math.max(...values.map((v) => v.length));
  const bins = Math.min(40, Math.max(8, Math.ceil(Math.sqrt(n))));
  const span = hi > lo ? hi - lo : Math.max(Math.abs(lo), 1) * 1e-3;
  const start = hi > lo ? lo : lo - span / 2;
  return Array.from({ length: bins + 1 }, (_, i) => start + (span * i) / bins);
}

/** Counts of finite `values` per bin `[e_i, e_{i+1})`, the last bin closed. */
export function histogramCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const counts = new Array<number>(Math.max(bins, 0)).fill(0);
  if (bins < 1) return counts;
  const lo = edges[0]!;
  const width = (edges[bins]! - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b]!++;
  }
  return counts;
}

/**
 * Overlaid step outlines of one histogram per series on shared bins: how a per-path quantity
 * is distributed across paths, per policy. The y axis counts paths.
 */
export function histogramChart(
  id: string,
  title: string,
  series: readonly { name: string; values: ArrayLike<number> }[],
  xLabel: string,
  caption: string,
): string {
  const f = FRAME;
  const edges = histogramEdges(series.map((s) => s.values));
  if (edges.length < 2) return figure(id, title, noData(f), caption);
  const counts = series.map((s) => histogramCounts(s.values, edges));
  const top = Math.max(1, ...counts.flat());
  const sx = linearScale([edges[0]!, edges[edges.length - 1]!], xRange(f), 0);
  const sy = linearScale([0, top], yRange(f), 0.05);
  const body: string[] = [axes(sx, sy, f, xLabel, 'paths')];
  series.forEach((s, i) => {
    const c = counts[i]!;
    let d = `M${coord(sx(edges[0]!))} ${coord(sy(0))}`;
    c.forEach((n, b) => {
      d += `V${coord(sy(n))}H${coord(sx(edges[b + 1]!))}`;
    });
    d += `V${coord(sy(0))}`;
    body.push(
      `<path class="series" d="${d}" stroke="${colorAt(i)}" stroke-width="1.8"><title>${escapeHtml(s.name)}</title></path>`,
    );
  });
  const items: LegendItem[] = series.map((s, i) => ({ label: s.name, color: colorAt(i) }));
  body.push(legend(items, f));
  return figure(id, title, body.join(''), caption);
}

function medianText(values: ArrayLike<number>): string {
  const sorted = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (sorted.length === 0) return '–';
  const m = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
  return formatNumber(median);
}

/** Final P&L of every path, per policy. */
export function pnlDistributionChart(d: readonly ReportDistribution[], currency: string): string {
  const medians = d.map((s) => `${escapeHtml(s.name)} ${medianText(s.pnl)}`).join(', ');
  return histogramChart(
    'pnl-distribution',
    'P&L across paths',
    d.map((s) => ({ name: s.name, values: s.pnl })),
    `final P&L (${currency})`,
    `Final mark-to-market P&L of every path (${d[0]?.pnl.length ?? 0} per policy, same seeds for every policy). Medians: ${medians}.`,
  );
}

/** Maximum drawdown of every path, per policy. */
export function maxDrawdownChart(d: readonly ReportDistribution[], currency: string): string {
  const medians = d.map((s) => `${escapeHtml(s.name)} ${medianText(s.maxDrawdown)}`).join(', ');
  return histogramChart(
    'max-drawdown',
    'Maximum drawdown across paths',
    d.map((s) => ({ name: s.name, values: s.maxDrawdown })),
    `maximum drawdown (${currency})`,
    `Largest fall of P&L from its running peak on each path. Medians: ${medians}.`,
  );
}
