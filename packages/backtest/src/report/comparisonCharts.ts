import type { MetricSummary, PolicyComparison } from '../compare/summarizePolicies.js';
import type { ConfidenceInterval } from '../stats/ConfidenceInterval.js';
import { axes, colorAt, FRAME, figure, noData, yRange } from './chart.js';
import { coord, escapeHtml, formatNumber } from './format.js';
import { extent, linearScale } from './scale.js';

/** One bar: a name and an interval (estimate = bar height). */
interface Bar {
  name: string;
  ci: ConfidenceInterval;
  /** Palette index (default: position); keeps a policy's colour across charts. */
  colorIndex?: number;
}

/** Bars from 0 to each estimate with interval whiskers; an optional dashed reference level. */
export function barChart(
  id: string,
  title: string,
  bars: readonly Bar[],
  yLabel: string,
  caption: string,
  referenceLevel?: number,
): string {
  const f = FRAME;
  if (bars.length === 0) return figure(id, title, noData(f), caption);
  const values = bars.flatMap((b) => [b.ci.estimate, b.ci.lower, b.ci.upper]);
  const [lo, hi] = extent(values, [0], referenceLevel === undefined ? [] : [referenceLevel]);
  const sy = linearScale([lo, hi], yRange(f), 0.06);
  const body: string[] = [axes(null, sy, f, 'policy', yLabel)];
  const slot = (f.width - f.left - f.right) / bars.length;
  const barW = Math.min(70, slot * 0.55);
  const y0 = sy(0);
  bars.forEach((b, i) => {
    const cx = f.left + slot * (i + 0.5);
    const x0 = cx - barW / 2;
    const est = b.ci.estimate;
    if (Number.isFinite(est)) {
      const ye = sy(est);
      body.push(
        `<path class="bar" d="M${coord(x0)} ${coord(y0)}V${coord(ye)}h${coord(barW)}V${coord(y0)}Z" fill="${colorAt(b.colorIndex ?? i)}"><title>${escapeHtml(b.name)}: ${escapeHtml(formatNumber(est))} [${escapeHtml(formatNumber(b.ci.lower))}, ${escapeHtml(formatNumber(b.ci.upper))}]</title></path>`,
      );
    }
    if (Number.isFinite(b.ci.lower) && Number.isFinite(b.ci.upper)) {
      const yl = coord(sy(b.ci.lower));
      const yu = coord(sy(b.ci.upper));
      body.push(
        `<path class="whisker" d="M${coord(cx)} ${yl}V${yu}M${coord(cx - 8)} ${yl}h16M${coord(cx - 8)} ${yu}h16"/>`,
      );
    }
    body.push(
      `<text class="tick" x="${coord(cx)}" y="${f.height - f.bottom + 16}" text-anchor="middle">${escapeHtml(b.name)}</text>`,
      `<text class="bar-label" x="${coord(cx + barW / 2 + 4)}" y="${coord(sy(Number.isFinite(est) ? est : 0))}" dominant-baseline="middle">${escapeHtml(formatNumber(est, 4))}</text>`,
    );
  });
  body.push(
    `<line class="zero" x1="${f.left}" x2="${f.width - f.right}" y1="${coord(y0)}" y2="${coord(y0)}"/>`,
  );
  if (referenceLevel !== undefined) {
    const yr = coord(sy(referenceLevel));
    body.push(`<path class="reference" d="M${f.left} ${yr}H${f.width - f.right}"/>`);
  }
  return figure(id, title, body.join(''), caption);
}

/** Mean HJB objective per policy with its interval. */
export function objectiveChart(
  c: PolicyComparison,
  currency: string,
  formula = 'P&L − ∫ φ q² dt',
): string {
  return barChart(
    'objective',
    'Mean HJB objective per policy',
    c.policies.map((p) => ({ name: p.name, ci: p.objective.ci })),
    `objective (${currency} per path)`,
    `Objective = ${escapeHtml(formula)} per path; bars are means over paths, whiskers ${pct(c.level)} normal intervals.`,
  );
}

/**
 * Points with interval whiskers on an axis fitted to the intervals (not forced through 0), and a
 * dashed reference level: for quantities near a reference, such as shares near 1.
 */
export function pointRangeChart(
  id: string,
  title: string,
  points: readonly Bar[],
  yLabel: string,
  caption: string,
  referenceLevel?: number,
): string {
  const f = FRAME;
  if (points.length === 0) return figure(id, title, noData(f), caption);
  const values = points.flatMap((b) => [b.ci.estimate, b.ci.lower, b.ci.upper]);
  const [lo, hi] = extent(values, referenceLevel === undefined ? [] : [referenceLevel]);
  const sy = linearScale([lo, hi], yRange(f), 0.12);
  const body: string[] = [axes(null, sy, f, 'policy', yLabel)];
  if (referenceLevel !== undefined) {
    const yr = coord(sy(referenceLevel));
    body.push(`<path class="reference" d="M${f.left} ${yr}H${f.width - f.right}"/>`);
  }
  const slot = (f.width - f.left - f.right) / points.length;
  points.forEach((b, i) => {
    const cx = f.left + slot * (i + 0.5);
    const est = b.ci.estimate;
    if (Number.isFinite(b.ci.lower) && Number.isFinite(b.ci.upper)) {
      const yl = coord(sy(b.ci.lower));
      const yu = coord(sy(b.ci.upper));
      body.push(
        `<path class="range" d="M${coord(cx)} ${yl}V${yu}M${coord(cx - 10)} ${yl}h20M${coord(cx - 10)} ${yu}h20" stroke="${colorAt(b.colorIndex ?? i)}"/>`,
      );
    }
    if (Number.isFinite(est)) {
      const ye = coord(sy(est));
      body.push(
        `<path class="point" d="M${coord(cx - 6)} ${ye}l6 -6l6 6l-6 6Z" fill="${colorAt(b.colorIndex ?? i)}"><title>${escapeHtml(b.name)}: ${escapeHtml(formatNumber(est))} [${escapeHtml(formatNumber(b.ci.lower))}, ${escapeHtml(formatNumber(b.ci.upper))}]</title></path>`,
        `<text class="bar-label" x="${coord(cx + 16)}" y="${ye}" dominant-baseline="middle">${escapeHtml(formatNumber(est, 4))}</text>`,
      );
    }
    body.push(
      `<text class="tick" x="${coord(cx)}" y="${f.height - f.bottom + 16}" text-anchor="middle">${escapeHtml(b.name)}</text>`,
    );
  });
  return figure(id, title, body.join(''), caption);
}

/** Each policy's share of the reference's mean objective with its interval. */
export function shareChart(c: PolicyComparison): string {
  // colours follow the policy's position among all policies, as in the other charts
  const bars = c.policies.flatMap((p, i) =>
    p.shareOfReference ? [{ name: p.name, ci: p.shareOfReference, colorIndex: i }] : [],
  );
  return pointRangeChart(
    'share',
    `Share of the ${c.reference} policy's objective`,
    bars,
    `mean J / mean J(${c.reference})`,
    c.hasReference
      ? `mean J(policy) / mean J(${escapeHtml(c.reference)}); dashed line = 1. ${pct(c.level)} ${methodText(c)} intervals.`
      : `No '${escapeHtml(c.reference)}' policy among the runs.`,
    c.hasReference ? 1 : undefined,
  );
}

function methodText(c: PolicyComparison): string {
  const pairing = c.paired ? 'paired' : 'independent';
  return c.ratioMethod === 'bootstrap'
    ? `percentile bootstrap (${c.resamples} ${pairing} resamples, seed ${c.seed})`
    : `delta-method (${pairing} paths)`;
}

function pct(level: number): string {
  return `${formatNumber(level * 100, 3)}%`;
}

function cell(ci: ConfidenceInterval, digits = 4): string {
  if (!Number.isFinite(ci.estimate)) return '<td>–</td>';
  return `<td><span class="est">${escapeHtml(formatNumber(ci.estimate, digits))}</span><span class="ci">[${escapeHtml(formatNumber(ci.lower, 3))}, ${escapeHtml(formatNumber(ci.upper, 3))}]</span></td>`;
}

function metricCell(m: MetricSummary): string {
  return cell(m.ci);
}

/** The comparison as a table: every metric's mean with its interval. */
export function comparisonTable(c: PolicyComparison, currency: string): string {
  const head = [
    'policy',
    'paths',
    `P&L (${currency})`,
    `P&L sd (${currency})`,
    'Sharpe (per path)',
    `objective (${currency})`,
    `share of ${c.reference}`,
    'mean |q| (lots)',
    'max |q| (lots)',
    'maker fills (per path)',
    'taker volume (lots)',
  ];
  const rows = c.policies.map((p) =>
    [
      `<tr><th scope="row">${escapeHtml(p.name)}</th>`,
      `<td>${p.paths}</td>`,
      metricCell(p.pnl),
      `<td>${escapeHtml(formatNumber(p.pnl.std))}</td>`,
      cell(p.sharpe, 3),
      metricCell(p.objective),
      p.shareOfReference
        ? cell(p.shareOfReference, 3)
        : `<td class="muted">${p.name === c.reference ? 'reference' : '–'}</td>`,
      metricCell(p.meanAbsInventory),
      metricCell(p.maxAbsInventory),
      metricCell(p.fills),
      metricCell(p.takerVolume),
      '</tr>',
    ].join(''),
  );
  return [
    '<div class="table-wrap"><table class="comparison">',
    `<caption>Per-policy means over paths with ${pct(c.level)} intervals [lower, upper]: normal intervals for means; ${methodText(c)} for Sharpe and shares.</caption>`,
    `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${rows.join('')}</tbody>`,
    '</table></div>',
  ].join('');
}
