import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../src/index.js';
import { toyReportData } from './support/reportFixture.js';

// Debian's chromium, driven by playwright-core (never `npx playwright install`).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Screenshots land in the repository's (git-ignored) `reports/screenshots/` for a human to look at. */
const SCREENSHOTS = fileURLToPath(new URL('../../../reports/screenshots/', import.meta.url));
/** The width the report must fit without horizontal scrolling (issue 13). */
const VIEWPORT_WIDTH = 1400;

/** Width and height of a PNG from its IHDR chunk; throws when `bytes` is not a PNG. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  const signature = '89504e470d0a1a0a';
  if (bytes.subarray(0, 8).toString('hex') !== signature) throw new Error('not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The parts of an SVG shape element the check uses (the tsconfig has no DOM lib). */
interface SvgShape {
  tagName: string;
  getAttribute(name: string): string | null;
  getBBox(): { width: number; height: number };
  getBoundingClientRect(): { width: number; height: number };
}

interface ChartCheck {
  id: string;
  drawn: number;
  drawnWithArea: number;
}

describe('HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  let dir = '';

  // Without a browser the test is skipped, with the reason printed (`.ci/run` installs one).
  const missing = existsSync(CHROMIUM)
    ? null
    : `skipped: Chromium not found at ${CHROMIUM}; install it with ` +
      '`apt-get update && apt-get install -y --no-install-recommends chromium` ' +
      '(or set CHROMIUM_PATH)';
  if (missing) console.warn(`HTML report in headless Chromium: ${missing}`);

  beforeAll(async () => {
    if (missing) return;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    dir = await mkdtemp(join(tmpdir(), 'mm-report-browser-'));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('loads without errors or network, and every chart draws visible SVG paths', async ({
    skip,
  }) => {
    if (missing) skip(missing);
    const path = await writeReport(join(dir, 'report.html'), toyReportData(2026, 40));
    const page = await browser!.newPage({ viewport: { width: VIEWPORT_WIDTH, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:'))
        problems.push(`network request: ${r.url()}`);
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });

    const charts: ChartCheck[] = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const shapes = Array.from(svg.querySelectorAll('path, polyline')) as unknown as SvgShape[];
        const drawn = shapes.filter((el) => {
          const data = el.tagName === 'path' ? el.getAttribute('d') : el.getAttribute('points');
          return data !== null && data.trim() !== '';
        });
        const withArea = drawn.filter((el) => {
          const box = el.getBBox();
          const rect = el.getBoundingClientRect();
          return box.width > 0 && box.height > 0 && rect.width > 0 && rect.height > 0;
        });
        return {
          id: svg.getAttribute('data-chart') ?? '?',
          drawn: drawn.length,
          drawnWithArea: withArea.length,
        };
      }),
    );
    expect(charts.map((c) => c.id).sort()).toEqual(
      [
        'drawdown',
        'fill-rates',
        'inventory',
        'max-drawdown',
        'objective',
        'pnl',
        'pnl-distribution',
        'quote-depths',
        'quotes',
        'share',
      ].sort(),
    );
    for (const c of charts) {
      expect(c.drawn, `${c.id}: paths with data`).toBeGreaterThan(0);
      expect(c.drawnWithArea, `${c.id}: paths with a non-zero bounding box`).toBeGreaterThan(0);
    }
    const scripts = await page.$$eval('script', (s) => s.length);
    expect(scripts).toBe(0);

    // The policy table and the page fit the viewport: nothing scrolls sideways.
    const widths = await page.evaluate(() => {
      const doc = (
        globalThis as unknown as {
          document: {
            documentElement: { scrollWidth: number; clientWidth: number };
            querySelector(s: string): { scrollWidth: number; clientWidth: number } | null;
          };
        }
      ).document;
      const wrap = doc.querySelector('.table-wrap');
      return {
        page: [doc.documentElement.scrollWidth, doc.documentElement.clientWidth],
        table: wrap === null ? null : [wrap.scrollWidth, wrap.clientWidth],
      };
    });
    expect(widths.table, 'policy table present').not.toBeNull();
    expect(widths.table![0], 'policy table scroll width').toBeLessThanOrEqual(widths.table![1]!);
    expect(widths.page[0], 'page scroll width').toBeLessThanOrEqual(widths.page[1]!);

    // Screenshots: the whole page and the policy table.
    await mkdir(SCREENSHOTS, { recursive: true });
    const full = join(SCREENSHOTS, 'report-full.png');
    const table = join(SCREENSHOTS, 'report-table.png');
    await page.screenshot({ path: full, fullPage: true });
    await page.locator('.table-wrap').screenshot({ path: table });
    const fullSize = pngSize(await readFile(full));
    expect(fullSize.width).toBe(VIEWPORT_WIDTH);
    expect(fullSize.height).toBeGreaterThan(900);
    const tableSize = pngSize(await readFile(table));
    expect(tableSize.width).toBeLessThanOrEqual(VIEWPORT_WIDTH);
    expect(tableSize.height).toBeGreaterThan(50);
    console.info(`report screenshots: ${full}, ${table}`);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
