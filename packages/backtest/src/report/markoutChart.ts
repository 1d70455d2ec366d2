import type { MarkoutSummary } from '../markouts/markouts.js';
import { axes, colorAt, FRAME, figure, legend, noData, xRange, yRange } from './chart.js';
import { coord, escapeHtml, formatNumber } from './format.js';
import { extent, linearScale } from './scale.js';

/** One policy's markouts, as the report shows them. */
export interface ReportMarkouts {
  name: string;
  summary: MarkoutSummary;
}

/**
 * Mean markout against the horizon, one line per policy with its interval as whiskers: how the
 * mid moves after our fills (below zero: adverse selection).
 */
export function markoutChart(markouts: readonly ReportMarkouts[], currency: string): string {
  const f = FRAME;
  const title = 'Markouts: fill P&L against the later mid';
  const caption =
    `Mean of side × (mid(t + h) − fill price) over fills, ${escapeHtml(currency)} per unit of base, ` +
    'with 95% block-bootstrap intervals; horizons past the end of the data are left out.';
  const points = markouts.flatMap((m) => m.summary.curve);
  if (points.length === 0) return figure('markouts', title, noData(f, 'no fills'), caption);
  const [h0, h1] = extent(points.map((p) => p.horizonSec));
  const ys = points.flatMap((p) => [p.mean, p.ci.lower, p.ci.upper]).filter(Number.isFinite);
  const sx = linearScale([h0, Math.max(h1, h0 + 1)], xRange(f), 0.03);
  const sy = linearScale(extent(ys, [0]), yRange(f), 0.06);
  const body: string[] = [axes(sx, sy, f, 'horizon h (s)', `markout (${currency} per base)`)];
  body.push(
    `<line class="zero" x1="${f.left}" x2="${f.width - f.right}" y1="${coord(sy(0))}" y2="${coord(sy(0))}"/>`,
  );
  markouts.forEach((m, i) => {
    const curve = m.summary.curve;
    if (curve.length === 0) return;
    const d = curve
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${coord(sx(p.horizonSec))} ${coord(sy(p.mean))}`)
      .join('');
    body.push(
      `<path class="series" d="${d}" stroke="${colorAt(i)}" stroke-width="2" fill="none"/>`,
    );
    for (const p of curve) {
      const x = coord(sx(p.horizonSec));
      if (Number.isFinite(p.ci.lower) && Number.isFinite(p.ci.upper))
        body.push(
          `<path class="whisker" stroke="${colorAt(i)}" d="M${x} ${coord(sy(p.ci.lower))}V${coord(sy(p.ci.upper))}"/>`,
        );
      body.push(
        `<circle cx="${x}" cy="${coord(sy(p.mean))}" r="3" fill="${colorAt(i)}"><title>${escapeHtml(m.name)}, ${escapeHtml(formatNumber(p.horizonSec))} s: ${escapeHtml(formatNumber(p.mean))} [${escapeHtml(formatNumber(p.ci.lower))}, ${escapeHtml(formatNumber(p.ci.upper))}] over ${p.fills} fills</title></circle>`,
      );
    }
  });
  body.push(
    legend(
      markouts.map((m, i) => ({ label: m.name, color: colorAt(i) })),
      f,
    ),
  );
  return figure('markouts', title, body.join(''), caption);
}

/** The markouts at the labelled horizons as a table (mean [CI], fills). */
export function markoutTable(markouts: readonly ReportMarkouts[]): string {
  const labels = [...new Set(markouts.flatMap((m) => Object.keys(m.summary.horizons)))];
  const head = `<tr><th>policy</th>${labels.map((l) => `<th>markout ${escapeHtml(l)}</th>`).join('')}</tr>`;
  const rows = markouts.map((m) => {
    const cells = labels.map((l) => {
      const s = m.summary.horizons[l];
      return s
        ? `<td>${escapeHtml(formatNumber(s.mean))} [${escapeHtml(formatNumber(s.ci.lower))}, ${escapeHtml(formatNumber(s.ci.upper))}] (${s.fills} fills)</td>`
        : '<td>-</td>';
    });
    return `<tr><td>${escapeHtml(m.name)}</td>${cells.join('')}</tr>`;
  });
  return `<table class="markouts">${head}${rows.join('')}</table>`;
}
