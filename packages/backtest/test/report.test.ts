import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport, writeReport } from '../src/index.js';
import { histogramCounts, histogramEdges } from '../src/report/distributionCharts.js';
import { toyReportData } from './support/reportFixture.js';

const CHARTS = [
  'objective',
  'share',
  'pnl-distribution',
  'max-drawdown',
  'pnl',
  'drawdown',
  'inventory',
  'quotes',
  'quote-depths',
  'fill-rates',
];

/** The SVG of each chart, by its data-chart id. */
function chartSvgs(html: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of html.matchAll(/<svg class="chart" data-chart="([^"]+)"[\s\S]*?<\/svg>/g))
    out.set(m[1]!, m[0]);
  return out;
}

describe('renderReport', () => {
  const data = toyReportData(2026, 12);
  const html = renderReport(data);

  it('is one self-contained page: no scripts, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/\s(src|href)="(?!data:)/i);
    expect(html).toContain("default-src 'none'");
  });

  it('draws every chart with non-empty path data', () => {
    const svgs = chartSvgs(html);
    expect([...svgs.keys()].sort()).toEqual([...CHARTS].sort());
    for (const [id, svg] of svgs) {
      const ds = [...svg.matchAll(/<path[^>]* d="([^"]*)"/g)].map((m) => m[1]!);
      expect(ds.length, id).toBeGreaterThan(0);
      expect(
        ds.some((d) => /^M[-\d.]+ [-\d.]+[LHVhZ]/.test(d)),
        id,
      ).toBe(true);
      expect(svg, id).not.toMatch(/NaN|Infinity|undefined/);
    }
  });

  it('escapes text from the data', () => {
    expect(html).toContain('&lt;check escaping &amp; &quot;quotes&quot;&gt;');
    expect(html).not.toContain('<check escaping');
  });

  it('shows the comparison table with every policy and the shares', () => {
    for (const name of ['exact', 'grid', 'heuristic'])
      expect(html).toContain(`<th scope="row">${name}</th>`);
    expect(html).toContain('reference');
    expect(html).toMatch(/percentile bootstrap \(1000 paired resamples, seed 7\)/);
  });

  it('says which path the single-path charts show', () => {
    for (const title of ['P&amp;L over time', 'Drawdown over time', 'Inventory over time'])
      expect(html).toContain(`${title} (path 1 of 12, seed 2026000)</h3>`);
  });

  it('counts every path once in the P&L and drawdown histograms', () => {
    const edges = histogramEdges(data.distributions!.map((d) => d.pnl));
    for (const d of data.distributions!) {
      const counts = histogramCounts(d.pnl, edges);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    }
    // the extremes fall in the first and last bins (the last bin is closed)
    expect(histogramCounts([edges[0]!, edges.at(-1)!], edges)).toEqual([
      1,
      ...new Array(edges.length - 3).fill(0),
      1,
    ]);
  });

  it('draws quotes as offsets from the starting mid, so nearby prices get distinct ticks', () => {
    const mid = 60_000;
    const t = [0, 1, 2, 3];
    const svg = chartSvgs(
      renderReport({
        title: 'q',
        paths: [],
        quotes: {
          name: 'exact',
          tSec: t,
          midPrice: [mid, mid + 0.5, mid + 1, mid + 0.5],
          bidPrice: [mid - 2.5, mid - 2, mid - 1.5, mid - 2],
          askPrice: [mid + 2.5, mid + 3, mid + 3.5, mid + 3],
        },
      }),
    ).get('quotes')!;
    expect(svg).toContain('price − 60000 (mid at start)');
    const yTicks = [
      ...svg.matchAll(/<text class="tick" x="\d+" y="[\d.]+" text-anchor="end"[^>]*>([^<]*)</g),
    ].map((m) => m[1]!);
    expect(yTicks.length).toBeGreaterThan(2);
    expect(new Set(yTicks).size).toBe(yTicks.length);
    expect(yTicks.some((label) => label.startsWith('−'))).toBe(true);
  });

  it('is deterministic', () => {
    expect(renderReport(data)).toBe(html);
  });

  it('renders placeholders rather than failing when there is no data', () => {
    const empty = renderReport({ title: 'empty', paths: [] });
    expect(empty).toContain('no data');
    expect(empty).not.toMatch(/NaN/);
    const noQuotes = renderReport({
      title: 'gaps',
      paths: [{ name: 'p', tSec: [0, 1, 2], pnl: [0, Number.NaN, 1], inventoryLots: [0, 1, 0] }],
      quotes: {
        name: 'q',
        tSec: [0, 1, 2, 3],
        midPrice: [100, 100, 100, 100],
        bidPrice: [99.9, Number.NaN, 99.9, 99.9],
        askPrice: [100.1, 100.1, Number.NaN, 100.1],
      },
    });
    expect(noQuotes).not.toMatch(/NaN/);
  });

  it('writeReport writes the rendered page', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mm-report-'));
    try {
      const path = await writeReport(join(dir, 'nested', 'report.html'), data);
      expect(await readFile(path, 'utf8')).toBe(html);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
