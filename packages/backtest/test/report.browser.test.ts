import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
const SCREENSHOT = '/tmp/report.png';

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
    const page = await browser!.newPage({ viewport: { width: 1360, height: 900 } });
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
      ['fill-rates', 'inventory', 'objective', 'pnl', 'quote-depths', 'quotes', 'share'].sort(),
    );
    for (const c of charts) {
      expect(c.drawn, `${c.id}: paths with data`).toBeGreaterThan(0);
      expect(c.drawnWithArea, `${c.id}: paths with a non-zero bounding box`).toBeGreaterThan(0);
    }
    const scripts = await page.$$eval('script', (s) => s.length);
    expect(scripts).toBe(0);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
