import { drawdownSeries } from '../stats/drawdown.js';
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
import { escapeHtml, formatNumber } from './format.js';
import { linePath, stepBandPath } from './paths.js';
import type { ReportPath, ReportQuotes } from './ReportData.js';
import { extent, linearScale } from './scale.js';

/** One line of a time chart. */
export interface TimeLine {
  label: string;
  color: string;
  tSec: ArrayLike<number>;
  y: ArrayLike<number>;
  step?: boolean;
  dash?: boolean;
  width?: number;
}

/** Display unit for a time span: seconds, minutes or hours. */
export function timeUnit(spanSec: number): { label: string; perSec: number } {
  if (spanSec > 3 * 3600) return { label: 'h', perSec: 1 / 3600 };
  if (spanSec > 180) return { label: 'min', perSec: 1 / 60 };
  return { label: 's', perSec: 1 };
}

/** A multi-line chart over time. */
export function timeChart(
  id: string,
  title: string,
  lines: readonly TimeLine[],
  yLabel: string,
  caption: string,
  band?: { tSec: ArrayLike<number>; lower: ArrayLike<number>; upper: ArrayLike<number> },
): string {
  const f = FRAME;
  const [t0, t1] = extent(...lines.map((l) => l.tSec));
  const [y0, y1] = extent(...lines.map((l) => l.y));
  if (!Number.isFinite(t0) || !Number.isFinite(y0)) return figure(id, title, noData(f), caption);
  const unit = timeUnit(t1 - t0);
  const sx = linearScale([t0 * unit.perSec, t1 * unit.perSec], xRange(f), 0);
  const sy = linearScale([y0, y1], yRange(f));
  const toX = (t: number) => sx(t * unit.perSec);
  const body: string[] = [axes(sx, sy, f, `time (${unit.label})`, yLabel)];
  body.push(
    `<clipPath id="clip-${escapeHtml(id)}"><rect x="${f.left}" y="${f.top}" width="${f.width - f.left - f.right}" height="${f.height - f.top - f.bottom}"/></clipPath>`,
  );
  body.push(`<g clip-path="url(#clip-${escapeHtml(id)})">`);
  if (band) {
    const d = stepBandPath(band.tSec, band.lower, band.upper, toX, sy);
    if (d) body.push(`<path class="band" d="${d}"/>`);
  }
  for (const l of lines) {
    const d = linePath(l.tSec, l.y, toX, sy, { step: l.step ?? false });
    if (d)
      body.push(
        `<path class="series" d="${d}" stroke="${l.color}" stroke-width="${l.width ?? 1.6}"${l.dash ? ' stroke-dasharray="5 3"' : ''}><title>${escapeHtml(l.label)}</title></path>`,
      );
  }
  if (sy.domain[0] < 0 && sy.domain[1] > 0)
    body.push(
      `<line class="zero" x1="${f.left}" x2="${f.width - f.right}" y1="${sy(0)}" y2="${sy(0)}"/>`,
    );
  body.push('</g>');
  const items: LegendItem[] = lines.map((l) => ({
    label: l.label,
    color: l.color,
    dash: l.dash ?? false,
  }));
  body.push(legend(items, f));
  return figure(id, title, body.join(''), caption);
}

/** ` (path 1 of 200, seed 1)` or '' : which path a single-path chart shows. */
function which(pathLabel: string | undefined): string {
  return pathLabel === undefined ? '' : ` (${pathLabel})`;
}

/** P&L of each policy's path over time. */
export function pnlChart(
  paths: readonly ReportPath[],
  currency: string,
  pathLabel?: string,
): string {
  const lines = paths.map((p, i) => ({ label: p.name, color: colorAt(i), tSec: p.tSec, y: p.pnl }));
  const finals = paths
    .map((p) => `${escapeHtml(p.name)}: ${formatNumber(p.pnl[p.pnl.length - 1] ?? Number.NaN)}`)
    .join(', ');
  return timeChart(
    'pnl',
    `P&L over time${which(pathLabel)}`,
    lines,
    `P&L (${currency})`,
    `Mark-to-market P&L (cash + inventory at the mid) on one path, the same market for every policy. Final: ${finals}.`,
  );
}

/** Drawdown of each policy's path over time: P&L minus its running peak. */
export function drawdownChart(
  paths: readonly ReportPath[],
  currency: string,
  pathLabel?: string,
): string {
  const lines = paths.map((p, i) => ({
    label: p.name,
    color: colorAt(i),
    tSec: p.tSec,
    y: drawdownSeries(p.pnl),
  }));
  const worst = lines
    .map((l) => {
      let min = 0;
      for (let i = 0; i < l.y.length; i++) if (l.y[i]! < min) min = l.y[i]!;
      return `${escapeHtml(l.label)} ${formatNumber(-min)}`;
    })
    .join(', ');
  return timeChart(
    'drawdown',
    `Drawdown over time${which(pathLabel)}`,
    lines,
    `drawdown (${currency})`,
    `P&L minus its running peak (0 at a new high). Maximum drawdown: ${worst}.`,
  );
}

/** Inventory of each policy's path over time (step lines). */
export function inventoryChart(paths: readonly ReportPath[], pathLabel?: string): string {
  const lines = paths.map((p, i) => ({
    label: p.name,
    color: colorAt(i),
    tSec: p.tSec,
    y: p.inventoryLots,
    step: true,
  }));
  return timeChart(
    'inventory',
    `Inventory over time${which(pathLabel)}`,
    lines,
    'inventory (lots)',
    'Inventory held between events, lots.',
  );
}

/** The first finite value of a series (`NaN` when none). */
function firstFinite(xs: ArrayLike<number>): number {
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]!)) return xs[i]!;
  return Number.NaN;
}

/**
 * Bid, ask and mid over time, the spread shaded, as offsets from the mid at the start of the
 * path: at a mid of 60,000 the quotes sit a few price units apart, which absolute tick labels
 * (`60000`, `60000`, ...) cannot show.
 */
export function quotesChart(q: ReportQuotes): string {
  const ref = firstFinite(q.midPrice);
  const base = Number.isFinite(ref) ? ref : 0;
  const shift = (xs: ArrayLike<number>) => Float64Array.from(xs, (x) => x - base);
  const bid = shift(q.bidPrice);
  const ask = shift(q.askPrice);
  return timeChart(
    'quotes',
    `Quotes around the mid (${q.name})`,
    [
      { label: 'ask', color: colorAt(1), tSec: q.tSec, y: ask, step: true },
      {
        label: 'mid',
        color: '#444444',
        tSec: q.tSec,
        y: shift(q.midPrice),
        dash: true,
        width: 1.2,
      },
      { label: 'bid', color: colorAt(0), tSec: q.tSec, y: bid, step: true },
    ],
    `price − ${formatNumber(base, 8)} (mid at start)`,
    `Resting bid and ask (steps; gaps where no quote rests) and the mid (dashed), in price units relative to the mid at the start of the path, ${escapeHtml(formatNumber(base, 8))}.`,
    { tSec: q.tSec, lower: bid, upper: ask },
  );
}

/** Quote distances from the mid over time: `mid - bid` and `ask - mid`. */
export function quoteDepthChart(q: ReportQuotes): string {
  const n = q.tSec.length;
  const bidDepth = Float64Array.from({ length: n }, (_, i) => q.midPrice[i]! - q.bidPrice[i]!);
  const askDepth = Float64Array.from({ length: n }, (_, i) => q.askPrice[i]! - q.midPrice[i]!);
  return timeChart(
    'quote-depths',
    `Quote depths (${q.name})`,
    [
      { label: 'bid depth (mid − bid)', color: colorAt(0), tSec: q.tSec, y: bidDepth, step: true },
      { label: 'ask depth (ask − mid)', color: colorAt(1), tSec: q.tSec, y: askDepth, step: true },
    ],
    'distance from mid (price)',
    'The HJB controls δ<sub>b</sub>, δ<sub>a</sub> in price units: they widen on the side that would add to the inventory.',
  );
}
