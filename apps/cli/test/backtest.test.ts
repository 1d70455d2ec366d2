import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { main, root, useBuiltCli } from './support/builtCli.js';

const asExample = resolve(root, 'examples/avellaneda-stoikov-2008.json');
const dir = mkdtempSync(join(tmpdir(), 'mm-backtest-'));

useBuiltCli();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mm(...args: string[]) {
  const r = spawnSync('node', [main, 'backtest', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary JSON
type Config = Record<string, any>;

const base = JSON.parse(readFileSync(asExample, 'utf8')) as Record<string, unknown>;
/** Run with a modified copy of the AS example (10 paths). */
function withConfig(edit: (c: Config) => void) {
  const c = structuredClone(base) as Config;
  edit(c);
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(c));
  return mm('--config', file, '--paths', '10', '--json');
}

interface Answer {
  paths: number;
  policies: { name: string; finalInventory: { mean: number; std: number } }[];
  comparison: { policies: { name: string; objective: { mean: number } }[] };
}

describe('mm backtest', { timeout: 60_000 }, () => {
  it('reproduces Avellaneda-Stoikov: the inventory strategy holds far less inventory', () => {
    const r = mm('--config', asExample, '--paths', '100', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as Answer;
    expect(answer.paths).toBe(100);
    const inv = answer.policies.find((p) => p.name === 'inventory')!;
    const sym = answer.policies.find((p) => p.name === 'symmetric')!;
    // paper: 2.80 vs 8.66
    expect(inv.finalInventory.std).toBeLessThan(0.5 * sym.finalInventory.std);
  }, 60_000);

  it('is deterministic for a seed and --seed changes the paths', () => {
    const a = mm('--config', asExample, '--paths', '5', '--json');
    const b = mm('--config', asExample, '--paths', '5', '--json');
    const c = mm('--config', asExample, '--paths', '5', '--json', '--seed', '99');
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('prints a table without --json and writes an HTML report with --report', () => {
    const report = join(dir, 'sub', 'report.html');
    const r = mm('--config', asExample, '--paths', '5', '--report', report);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/measure \(mean \[95% interval\]\)\s+unit\s+inventory\s+symmetric/);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('symmetric');
  });

  it('the table shows each measure with its unit and interval, the same figures as --json', () => {
    const table = mm('--config', asExample, '--paths', '20').stdout;
    const json = JSON.parse(mm('--config', asExample, '--paths', '20', '--json').stdout) as {
      comparison: {
        policies: {
          name: string;
          sharpe: { estimate: number; lower: number; upper: number };
          maxAbsInventory: { mean: number; ci: { lower: number; upper: number } };
          objective: { mean: number; ci: { lower: number; upper: number } };
        }[];
      };
    };
    const row = (measure: string) => {
      const line = table.split('\n').find((l) => l.startsWith(measure));
      expect(line, measure).toBeDefined();
      return line!.slice(measure.length).trim();
    };
    const cells = (text: string) =>
      [...text.matchAll(/(-?[\d.]+) \[(-?[\d.]+), (-?[\d.]+)\]/g)].map((m) =>
        m.slice(1, 4).map(Number),
      );
    const sharpe = row('Sharpe: mean/std of P&L');
    expect(sharpe).toMatch(/^per path\s/);
    const maxQ = row('max |q|');
    expect(maxQ).toMatch(/^lots\s/);
    expect(row('objective: P&L - phi int q^2 dt')).toMatch(/^quote ccy\s/);
    expect(row('taker volume')).toMatch(/^lots per path\s/);
    json.comparison.policies.forEach((p, i) => {
      const [est, lo, hi] = cells(sharpe)[i]!;
      expect(est).toBeCloseTo(p.sharpe.estimate, 3);
      expect(lo).toBeCloseTo(p.sharpe.lower, 3);
      expect(hi).toBeCloseTo(p.sharpe.upper, 3);
      const [mean, qlo, qhi] = cells(maxQ)[i]!;
      expect(mean).toBeCloseTo(p.maxAbsInventory.mean, 2);
      expect(qlo).toBeLessThanOrEqual(mean!);
      expect(qhi).toBeGreaterThanOrEqual(mean!);
      expect(qhi).toBeCloseTo(p.maxAbsInventory.ci.upper, 2);
    });
  });

  it('reads YAML like the job files: the same run as the JSON config', () => {
    const file = join(dir, 'as.yaml');
    writeFileSync(file, `# Avellaneda-Stoikov 2008, as YAML\n${toYaml(base)}`);
    const fromYaml = mm('--config', file, '--paths', '5', '--json');
    expect(fromYaml.stderr).toBe('');
    expect(fromYaml.code).toBe(0);
    expect(fromYaml.stdout).toBe(mm('--config', asExample, '--paths', '5', '--json').stdout);
  });

  it('bad YAML: exit 2 naming the file and line, or the field', () => {
    const broken = join(dir, 'broken.yml');
    writeFileSync(broken, 'market:\n  sigma: 2\n  A: [140\nrun: {}\n');
    const r = mm('--config', broken);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^mm backtest: .*broken\.yml:\d+: invalid YAML \(/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const field = join(dir, 'field.yaml');
    const c = structuredClone(base) as Config;
    c.market.sigma = 'two';
    writeFileSync(field, toYaml(c));
    const f = mm('--config', field);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(
      /field "market\.sigma": expected a finite number in \(0, 1000000000\]/,
    );
  });

  it('runs the default comparison example (exact, closedForm, grid, heuristic)', () => {
    const r = mm(
      '--config',
      resolve(root, 'examples/default-comparison.json'),
      '--paths',
      '5',
      '--json',
    );
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as Answer;
    expect(answer.comparison.policies.map((p) => p.name)).toEqual([
      'exact',
      'closedForm',
      'grid',
      'heuristic',
    ]);
  });

  const bad: [string, (c: Config) => void, RegExp][] = [
    ['missing field', (c) => delete c.market.sigma, /^mm backtest: field "market\.sigma": missing/],
    [
      'wrong type',
      (c) => (c.market.sigma = 'two'),
      /^mm backtest: field "market\.sigma": expected a finite number in \(0, 1000000000\]/,
    ],
    // huge values: refused naming the config field (not an internal name such as phiPerLot2Sec)
    [
      'sigma 1e300',
      (c) => (c.market.sigma = 1e300),
      /^mm backtest: field "market\.sigma": expected a finite number in \(0, 1000000000\]/,
    ],
    [
      'gamma 1e300',
      (c) => (c.objective.gamma = 1e300),
      /^mm backtest: field "objective\.gamma": expected a finite number in \(0, 1000000000\]/,
    ],
    [
      'one path (no standard deviation)',
      (c) => (c.run.paths = 1),
      /^mm backtest: field "run\.paths": expected an integer in \[2, 1000000\]/,
    ],
    ['negative', (c) => (c.run.dt = -1), /field "run\.dt": expected a finite number > 0/],
    [
      'years of CPU (paths 1e6, T 1e4, dt 1e-3)',
      (c) => Object.assign(c.run, { paths: 1e6, T: 1e4, dt: 1e-3 }),
      /^mm backtest: run\.paths: policies x paths x steps = 2 x 10 x 10000000 = 2\.00e\+8 simulated steps, above the limit 5e\+7 .*or add --force\n$/,
    ],
    [
      'unknown policy',
      (c) => (c.policies[1].type = 'magic'),
      /field "policies\[1\]\.type": expected one of/,
    ],
    ['unknown field', (c) => (c.market.sigmaa = 1), /field "market\.sigmaa": unknown/],
    ['no policies', (c) => (c.policies = []), /field "policies": expected at least one policy/],
    ['uneven steps', (c) => (c.run.dt = 0.3), /field "run\.dt": expected to divide T/],
    ['repeated name', (c) => (c.policies[1].name = 'inventory'), /field "policies\[1\]\.name"/],
  ];
  for (const [what, edit, message] of bad)
    it(`bad config (${what}): exit 2 naming the field`, () => {
      const r = withConfig(edit);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });

  it('--paths above the work limit is refused before the run, and runs with --force', () => {
    const refused = mm('--config', asExample, '--paths', '200000', '--json');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(
      /^mm backtest: run\.paths: .* 2 x 200000 x 200 = 8\.00e\+7 .*--force$/m,
    );
    // the same check, just under the limit, passes; --force lifts it (a small overshoot runs)
    const forced = mm('--config', asExample, '--paths', '10', '--json', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(mm('--config', asExample, '--paths', '1').stderr).toMatch(
      /option "--paths": expected an integer in \[2, 1000000\]/,
    );
  });

  it('--report at a directory or under a file fails at once, before the run', () => {
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    for (const [path, why] of [
      [dir, 'is a directory'],
      [join(file, 'r.html'), 'a parent is not a directory'],
    ] as const) {
      const r = mm('--config', asExample, '--paths', '100000', '--force', '--report', path);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd()).toBe(
        `mm backtest: option "--report": cannot write ${path} (${why})`,
      );
    }
  });

  it('--json never writes a null standard deviation (two paths at least)', () => {
    const r = mm('--config', asExample, '--paths', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/"std":/);
    expect(r.stdout).not.toMatch(/"std":null/);
  });
  it('runs a portfolio (multi-asset) config: objective, portfolioRisk and assets per policy', () => {
    const example = resolve(root, 'examples/portfolio-3-assets.json');
    const r = mm('--config', example, '--paths', '4', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as {
      symbols: string[];
      comparison: {
        reference: string;
        policies: {
          name: string;
          objective: { mean: number; std: number; ci: { lower: number; upper: number } };
          objectiveVsFirst: { mean: number } | null;
          portfolioRisk: { mean: number };
          assets: { symbol: string; pnl: { mean: number }; finalInventory: { mean: number } }[];
        }[];
      };
    };
    expect(answer.symbols).toEqual(['AAA', 'BBB', 'CCC']);
    expect(answer.comparison.reference).toBe('independent');
    const [first, portfolio] = answer.comparison.policies;
    expect(first!.objectiveVsFirst).toBeNull();
    expect(portfolio!.name).toBe('portfolio');
    expect(portfolio!.objective.ci.lower).toBeLessThanOrEqual(portfolio!.objective.mean);
    expect(portfolio!.portfolioRisk.mean).toBeGreaterThan(0);
    expect(portfolio!.assets.map((a) => a.symbol)).toEqual(['AAA', 'BBB', 'CCC']);
  }, 120_000);

  it('a portfolio config with a non-PSD correlation or a wrong size: exit 2 naming the field', () => {
    const c = JSON.parse(
      readFileSync(resolve(root, 'examples/portfolio-3-assets.json'), 'utf8'),
    ) as Config;
    c.market.correlation = [
      [1, 0.9, 0.9],
      [0.9, 1, -0.9],
      [0.9, -0.9, 1],
    ];
    const file = join(dir, 'portfolio-not-psd.json');
    writeFileSync(file, JSON.stringify(c));
    const r = mm('--config', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/market\.correlation is not positive semi-definite/);
    c.market.correlation = [[1]];
    writeFileSync(file, JSON.stringify(c));
    const sized = mm('--config', file);
    expect(sized.code).toBe(2);
    expect(sized.stderr).toMatch(/field "market\.correlation": expected a 3x3 matrix/);
  }, 60_000);

  it('missing file, invalid JSON and bad flags: exit 2 naming them', () => {
    const missing = mm('--config', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read config \(no such file\)/);
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"market": ');
    const broken = mm('--config', file);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json: invalid JSON/);
    const paths = mm('--config', asExample, '--paths', 'x');
    expect(paths.code).toBe(2);
    expect(paths.stderr).toMatch(/option "--paths"/);
    const noConfig = spawnSync('node', [main, 'backtest'], { encoding: 'utf8' });
    expect(noConfig.status).toBe(2);
    expect(noConfig.stderr).toMatch(/--config/);
  });
});

// Debian's chromium, driven by playwright-core (never `npx playwright install`), as in
// packages/backtest/test/report.browser.test.ts.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The parts of an SVG shape element the check uses (the tsconfig has no DOM lib). */
interface SvgShape {
  tagName: string;
  getAttribute(name: string): string | null;
}

describe('mm backtest --report in headless Chromium', () => {
  // Without a browser the test is skipped, with the reason printed (`.ci/run` installs one).
  const missing = existsSync(CHROMIUM)
    ? null
    : `skipped: Chromium not found at ${CHROMIUM}; install it with ` +
      '`apt-get update && apt-get install -y --no-install-recommends chromium` ' +
      '(or set CHROMIUM_PATH)';
  if (missing) console.warn(`mm backtest --report in headless Chromium: ${missing}`);

  it('the AS report loads without page errors and every chart, fill rates included, draws a path', async ({
    skip,
  }) => {
    if (missing) skip(missing);
    const report = join(dir, 'r.html');
    const r = mm('--config', asExample, '--paths', '50', '--report', report);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(pathToFileURL(report).href, { waitUntil: 'load' });
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const shapes = Array.from(svg.querySelectorAll('path')) as unknown as SvgShape[];
          return {
            id: svg.getAttribute('data-chart') ?? '?',
            drawn: shapes.filter((el) => (el.getAttribute('d') ?? '').trim() !== '').length,
          };
        }),
      );
      expect(charts.map((c) => c.id)).toContain('fill-rates');
      for (const c of charts) expect(c.drawn, `${c.id}: non-empty SVG paths`).toBeGreaterThan(0);
      // At a mid of 60,000 the quotes chart's price ticks must still differ (offsets from the mid).
      const def = join(dir, 'default.html');
      const d = mm(
        '--config',
        resolve(root, 'examples/default-comparison.json'),
        '--paths',
        '20',
        '--report',
        def,
      );
      expect(d.code).toBe(0);
      const defPage = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await defPage.goto(pathToFileURL(def).href, { waitUntil: 'load' });
      const yTicks = await defPage.$$eval(
        'svg[data-chart="quotes"] text.tick[text-anchor="end"]',
        (ts) => ts.map((t) => t.textContent ?? ''),
      );
      expect(yTicks.length).toBeGreaterThan(2);
      expect(new Set(yTicks).size, `distinct ticks: ${yTicks.join(' ')}`).toBe(yTicks.length);
      const titles = await defPage.$$eval('figure h3', (hs) => hs.map((h) => h.textContent ?? ''));
      for (const single of ['P&L over time', 'Drawdown over time', 'Inventory over time'])
        expect(titles).toContain(`${single} (seed 1, one of 20 paths)`);
      expect(titles).toEqual(
        expect.arrayContaining(['P&L across paths', 'Maximum drawdown across paths']),
      );
      await defPage.close();
      const notes = await page.$$eval('#notes p', (ps) => ps.map((p) => p.textContent ?? ''));
      expect(notes.join('\n')).toMatch(/true model A = 140 fills\/s, k = 1\.5/);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
