import { coord, escapeHtml, formatNumber } from './format.js';
import type { Scale } from './scale.js';

/** Okabe-Ito colours (distinguishable with colour-vision deficiencies). */
export const PALETTE = [
  '#0072B2',
  '#D55E00',
  '#009E73',
  '#E69F00',
  '#CC79A7',
  '#56B4E9',
  '#000000',
  '#F0E442',
] as const;

/** Colour of the i-th series. */
export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** Pixel geometry of a chart: the SVG's size and the plot area's margins. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The default chart geometry (viewBox units; the SVG scales to its container). */
export const FRAME: Frame = { width: 640, height: 300, left: 70, right: 16, top: 36, bottom: 46 };

/** Horizontal pixel range of the plot area. */
export const xRange = (f: Frame): [number, number] => [f.left, f.width - f.right];
/** Vertical pixel range of the plot area (bottom to top). */
export const yRange = (f: Frame): [number, number] => [f.height - f.bottom, f.top];

/** Grid lines, tick labels and axis titles. `xTicks` overrides the x scale's ticks (bars). */
export function axes(
  sx: Scale | null,
  sy: Scale,
  f: Frame,
  xLabel: string,
  yLabel: string,
  xTickFormat: (v: number) => string = (v) => formatNumber(v),
): string {
  const [x0, x1] = xRange(f);
  const [y0, y1] = yRange(f);
  const out: string[] = ['<g class="axes">'];
  for (const t of sy.ticks) {
    const y = coord(sy(t));
    out.push(
      `<line class="grid" x1="${x0}" x2="${x1}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${x0 - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(formatNumber(t, 3))}</text>`,
    );
  }
  if (sx)
    for (const t of sx.ticks) {
      const x = coord(sx(t));
      out.push(
        `<line class="grid" x1="${x}" x2="${x}" y1="${y0}" y2="${y1}"/>`,
        `<text class="tick" x="${x}" y="${y0 + 16}" text-anchor="middle">${escapeHtml(xTickFormat(t))}</text>`,
      );
    }
  out.push(
    `<rect class="plot-area" x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/>`,
    `<text class="axis-title" x="${(x0 + x1) / 2}" y="${f.height - 8}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text class="axis-title" transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
    '</g>',
  );
  return out.join('');
}

/** A legend entry: a line sample (optionally dashed) or a point marker. */
export interface LegendItem {
  label: string;
  color: string;
  dash?: boolean;
  marker?: boolean;
}

/** A one-row legend in the top margin. */
export function legend(items: readonly LegendItem[], f: Frame): string {
  let x = f.left;
  const y = f.top - 16;
  const out: string[] = ['<g class="legend">'];
  for (const item of items) {
    const sample = item.marker
      ? `<circle cx="${x + 9}" cy="${y}" r="3.5" fill="${item.color}"/>`
      : `<line x1="${x}" x2="${x + 18}" y1="${y}" y2="${y}" stroke="${item.color}" stroke-width="2.5"${item.dash ? ' stroke-dasharray="5 3"' : ''}/>`;
    out.push(
      sample,
      `<text x="${x + 23}" y="${y}" dominant-baseline="middle">${escapeHtml(item.label)}</text>`,
    );
    x += 32 + 6.5 * item.label.length;
  }
  out.push('</g>');
  return out.join('');
}

/** A figure: heading, the SVG (class `chart`, `data-chart=id`) and a caption. */
export function figure(
  id: string,
  title: string,
  body: string,
  caption: string,
  f: Frame = FRAME,
): string {
  return [
    `<figure id="fig-${escapeHtml(id)}">`,
    `<h3>${escapeHtml(title)}</h3>`,
    `<svg class="chart" data-chart="${escapeHtml(id)}" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${escapeHtml(title)}">`,
    body,
    '</svg>',
    caption ? `<figcaption>${caption}</figcaption>` : '',
    '</figure>',
  ].join('');
}

/** Placeholder figure body when a chart has nothing to draw. */
export function noData(f: Frame, message = 'no data'): string {
  return `<text class="no-data" x="${f.width / 2}" y="${f.height / 2}" text-anchor="middle">${escapeHtml(message)}</text>`;
}
