import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtinVariables,
  dashboardExpressions,
  dashboardPanels,
  labelValuesVariables,
  metricNames,
  panelExpressions,
  substituteVariables,
} from '../src/dashboardQueries.js';
import { GRID_WIDTH, PROMETHEUS } from '../src/dashboards/common.js';
import { DASHBOARDS } from '../src/dashboards/index.js';
import { UNITS, unitOfExpressions, unitOfMetric } from '../src/dashboards/units.js';
import { formatJson } from '../src/formatJson.js';
import { DASHBOARDS_DIR, renderDashboards } from '../src/generateDashboards.js';
import {
  engineSeriesNames,
  knownSeriesNames,
  optimizerSeriesNames,
} from './support/metricCatalog.js';

/** A table column's title: the `organize` transformation's rename of `Value #<refId>`. */
function columnName(panel: Json, refId: string): string | undefined {
  const transformations = (panel.transformations ?? []) as {
    id: string;
    options: { renameByName?: Record<string, string> };
  }[];
  const organize = transformations.find((t) => t.id === 'organize');
  return organize?.options.renameByName?.[`Value #${refId}`];
}

/** What each dashboard must hold: uid, title, variables and panel titles in order (rows too). */
const EXPECTED = {
  'portfolio-overview.json': {
    uid: 'mm-portfolio-overview',
    title: 'Market making / Portfolio overview',
    variables: ['asset', 'venue'],
    panels: [
      'Portfolio',
      'Mark-to-market P&L',
      'Realized P&L',
      'Gross notional',
      'Net notional',
      'Per asset',
      'Mark-to-market P&L per asset',
      'Realized P&L per asset',
      'Inventory per asset (lots)',
      'Inventory notional per asset',
      'Positions',
      'Portfolio risk',
      "Portfolio risk q' Sigma q",
      'Risk contribution per asset',
      'Hedges per minute',
      'Quotes clamped at the boundary per minute',
      'Fills',
      'Fills per minute by asset and venue',
      'Fills per minute by role',
    ],
  },
  'asset-quoting.json': {
    uid: 'mm-asset-quoting',
    title: 'Market making / Asset quoting',
    variables: ['asset', 'venue'],
    panels: [
      'Prices',
      'Mid and resting quotes',
      'Quoted spread (bps)',
      'Volatility',
      'Fill rates',
      'Fill rate: predicted and realized (fills/s)',
      'Realized over predicted fill rate',
      'Fills per minute by venue and side',
      'Inventory (lots)',
      'Regime and risk',
      'Regime probability',
      'Risk-gate pulls by reason',
    ],
  },
  'engine-health.json': {
    uid: 'mm-engine-health',
    title: 'Market making / Engine health',
    variables: ['asset', 'venue'],
    panels: [
      'Status',
      'Kill switch',
      'Fill ledger',
      'Tick-to-quote p99',
      'Scrape targets',
      'Latency and market data',
      'Tick-to-quote p50 and p99',
      'Book updates per second',
      'Stale-data pulls',
      'Risk-gate pulls by reason',
      'Orders',
      'Orders rejected by venues',
      'Order actions per second',
      'Inventory drift (lots)',
      'Redis bus',
      'Redis publish lag',
      'Bus messages rejected',
      'Parameter updates by result',
      'Process',
      'CPU',
      'Resident memory',
      'Event-loop lag p99',
    ],
  },
  'optimizer.json': {
    uid: 'mm-optimizer',
    title: 'Market making / Optimizer',
    variables: ['queue', 'asset'],
    panels: [
      'Queues',
      'Jobs by queue and state',
      'Jobs completed per minute',
      'Job duration p50 and p95',
      'Jobs failed by reason',
      'Results',
      'Heuristic gap',
      'Results published per minute',
      'Process',
      'CPU',
      'Resident memory',
    ],
  },
} as const;

type Json = Record<string, unknown>;
const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'table']);

async function committed(): Promise<Map<string, string>> {
  const files = (await readdir(DASHBOARDS_DIR)).filter((f) => f.endsWith('.json')).sort();
  return new Map(
    await Promise.all(
      files.map(async (f) => [f, await readFile(join(DASHBOARDS_DIR, f), 'utf8')] as const),
    ),
  );
}

describe('generated dashboards', () => {
  it('are committed exactly as the generator writes them (run `pnpm --filter @mm/infra generate`)', async () => {
    const files = await committed();
    const rendered = renderDashboards();
    expect([...files.keys()]).toEqual([...rendered.keys()].sort());
    for (const [name, text] of rendered) expect(files.get(name), name).toBe(text);
  });

  it('take units from metric names, and refuse a panel mixing units', () => {
    expect(unitOfMetric('mm_pnl_realized_quote')).toBe(UNITS.quote);
    expect(unitOfMetric('mm_inventory_lots')).toBe(UNITS.lots);
    expect(unitOfMetric('mm_quote_spread_bps')).toBe(UNITS.bps);
    expect(unitOfMetric('mm_volatility_quote_per_sqrt_second')).toBe(UNITS.volatility);
    expect(unitOfMetric('mm_fills_total')).toBeUndefined();
    expect(() => unitOfExpressions(['mm_inventory_lots + mm_pnl_realized_quote'], 'p')).toThrow(
      /p: metrics of different units/,
    );
  });

  it('show per-asset kills next to the global kill switch', () => {
    const health = DASHBOARDS.find(
      (d) => d.file === 'engine-health.json',
    )!.build() as unknown as Json;
    const kill = dashboardPanels(health).find((p) => p.title === 'Kill switch')!;
    const exprs = (kill.targets as { expr: string }[]).map((t) => t.expr);
    expect(exprs).toEqual([
      'max(mm_kill_switch_state)',
      'max by (asset) (mm_kill_switch_asset_state{asset=~"$asset"})',
    ]);
  });

  it('are the four expected dashboards with their uids, titles, variables and panels', () => {
    expect(DASHBOARDS.map((d) => d.file).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const d of DASHBOARDS) {
      const expected = EXPECTED[d.file as keyof typeof EXPECTED];
      const built = d.build() as unknown as Json;
      expect(built.uid, d.file).toBe(expected.uid);
      expect(built.title, d.file).toBe(expected.title);
      expect(labelValuesVariables(built).map((v) => v.name)).toEqual(expected.variables);
      expect(dashboardPanels(built).map((p) => p.title)).toEqual(expected.panels);
    }
  });

  it('use the engine tick-to-quote histogram for p50 and p99', () => {
    const exprs = panelExpressions(DASHBOARDS.find((d) => d.file === 'engine-health.json')!.build())
      .map((q) => q.expr)
      .filter((e) => e.includes('mm_tick_to_quote_seconds_bucket'));
    expect(exprs.some((e) => e.startsWith('histogram_quantile(0.5,'))).toBe(true);
    expect(exprs.some((e) => e.startsWith('histogram_quantile(0.99,'))).toBe(true);
  });

  describe.each(DASHBOARDS.map((d) => [d.file, d] as const))(
    '%s is valid Grafana JSON',
    (_file, d) => {
      const json = JSON.parse(formatJson(d.build())) as Json;

      it('shows a unit on every money, price and size panel (and table column)', () => {
        const missing: string[] = [];
        for (const panel of dashboardPanels(json)) {
          const targets = (panel.targets ?? []) as { expr: string; refId: string }[];
          const field = (panel.fieldConfig ?? {}) as {
            defaults?: { unit?: string };
            overrides?: {
              matcher: { options: string };
              properties: { id: string; value: string }[];
            }[];
          };
          targets.forEach((t) => {
            const expected = unitOfExpressions([t.expr], String(panel.title));
            if (expected === undefined) return;
            const shown =
              panel.type === 'table'
                ? field.overrides
                    ?.find((o) => o.matcher.options === columnName(panel, t.refId))
                    ?.properties.find((p) => p.id === 'unit')?.value
                : field.defaults?.unit;
            if (shown !== expected)
              missing.push(`'${String(panel.title)}' ${t.expr}: ${shown} instead of ${expected}`);
          });
        }
        expect(missing).toEqual([]);
      });

      it('has the dashboard fields Grafana needs', () => {
        expect(json.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
        expect(typeof json.title).toBe('string');
        expect(json.schemaVersion).toBeGreaterThanOrEqual(39);
        expect(json.time).toEqual({ from: 'now-1h', to: 'now' });
        expect(json.refresh).toBe('10s');
        expect(Array.isArray(json.panels)).toBe(true);
      });

      it('has unique panel ids and a grid without overlaps, 24 columns wide', () => {
        const panels = dashboardPanels(json);
        const ids = panels.map((p) => p.id);
        expect(ids.every((id) => Number.isInteger(id) && (id as number) > 0)).toBe(true);
        expect(new Set(ids).size).toBe(ids.length);
        const boxes = panels.map((p) => {
          const g = p.gridPos as { x: number; y: number; w: number; h: number };
          for (const v of [g.x, g.y, g.w, g.h]) expect(Number.isInteger(v)).toBe(true);
          expect(g.x).toBeGreaterThanOrEqual(0);
          expect(g.w).toBeGreaterThan(0);
          expect(g.h).toBeGreaterThan(0);
          expect(g.x + g.w, String(p.title)).toBeLessThanOrEqual(GRID_WIDTH);
          return { title: String(p.title), ...g };
        });
        for (const [i, a] of boxes.entries())
          for (const b of boxes.slice(i + 1)) {
            const overlap =
              a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
            expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
          }
      });

      it('queries the provisioned Prometheus datasource from every panel and variable', () => {
        for (const p of dashboardPanels(json)) {
          expect(PANEL_TYPES.has(String(p.type)), String(p.type)).toBe(true);
          if (p.type === 'row') continue;
          expect(p.datasource, String(p.title)).toEqual(PROMETHEUS);
          const targets = p.targets as Json[];
          expect(targets.length, String(p.title)).toBeGreaterThan(0);
          for (const t of targets) {
            expect(t.datasource).toEqual(PROMETHEUS);
            expect(String(t.expr).length).toBeGreaterThan(0);
          }
          const refIds = targets.map((t) => t.refId);
          expect(new Set(refIds).size, String(p.title)).toBe(refIds.length);
          expect(typeof p.description).toBe('string');
        }
        for (const v of (json.templating as { list: Json[] }).list) {
          expect(v.type).toBe('query');
          expect(v.datasource).toEqual(PROMETHEUS);
        }
      });

      it('uses only defined template variables', () => {
        const values = Object.fromEntries(labelValuesVariables(json).map((v) => [v.name, '.*']));
        expect(() =>
          dashboardExpressions(json, { ...values, ...builtinVariables('1m') }),
        ).not.toThrow();
      });

      it('reads only metrics the engine, the optimizer or Prometheus export', async () => {
        const known = await knownSeriesNames();
        const exprs = dashboardExpressions(json, {
          ...Object.fromEntries(labelValuesVariables(json).map((v) => [v.name, '.*'])),
          ...builtinVariables('1m'),
        });
        for (const e of exprs) {
          const names = metricNames(e.expr);
          expect(names.length, e.expr).toBeGreaterThan(0);
          for (const name of names) expect(known.has(name), `${e.source}: ${name}`).toBe(true);
        }
      });
    },
  );
});

describe('metric catalogues', () => {
  it('lists the engine metrics from createEngineMetrics (histograms as _bucket/_sum/_count)', async () => {
    const names = await engineSeriesNames();
    expect(names.has('mm_tick_to_quote_seconds_bucket')).toBe(true);
    expect(names.has('mm_tick_to_quote_seconds')).toBe(false);
    expect(names.has('mm_fills_total')).toBe(true);
    expect(names.has('mm_engine_process_resident_memory_bytes')).toBe(true);
  });

  it('lists the optimizer metrics from createOptimizerMetrics, its process metrics included', async () => {
    const names = await optimizerSeriesNames();
    expect(names.has('mm_optimizer_job_duration_seconds_bucket')).toBe(true);
    expect(names.has('mm_optimizer_job_duration_seconds')).toBe(false);
    expect(names.has('mm_optimizer_queue_jobs')).toBe(true);
    expect(names.has('mm_optimizer_heuristic_gap_ratio')).toBe(true);
    expect(names.has('mm_optimizer_process_cpu_seconds_total')).toBe(true);
  });
});

describe('dashboardQueries', () => {
  const dash = {
    uid: 'u',
    templating: {
      list: [{ name: 'asset', type: 'query', query: 'label_values(mm_mid_price_quote, asset)' }],
    },
    panels: [
      {
        id: 1,
        type: 'row',
        title: 'r',
        collapsed: true,
        panels: [
          { id: 2, title: 'in row', targets: [{ refId: 'A', expr: 'mm_x{asset=~"$asset"}' }] },
        ],
      },
      {
        id: 3,
        title: 'top',
        targets: [{ refId: 'A', expr: 'rate(mm_y_total[$__rate_interval])' }],
      },
    ],
  };

  it('finds targets of panels nested in collapsed rows, and the variables as group by', () => {
    expect(dashboardExpressions(dash, { asset: 'BTC', ...builtinVariables('30s') })).toEqual([
      {
        dashboardUid: 'u',
        source: 'variable asset',
        expr: 'group by (asset) (mm_mid_price_quote)',
      },
      { dashboardUid: 'u', source: "panel 2 'in row' A", expr: 'mm_x{asset=~"BTC"}' },
      { dashboardUid: 'u', source: "panel 3 'top' A", expr: 'rate(mm_y_total[30s])' },
    ]);
  });

  it('substitutes every variable syntax and refuses unknown variables', () => {
    const v = { a: 'X', __rate_interval: '1m' };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's ${var} syntax, not a template
    expect(substituteVariables('$a ${a} ${a:regex} [[a]] [$__rate_interval]', v)).toBe(
      'X X X X [1m]',
    );
    expect(() => substituteVariables('$b', v)).toThrow(/unknown variable \$b/);
  });

  it('reads metric names, not functions, labels, groupings, strings or numbers', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, asset) (rate(mm_a_bucket{asset=~".*",x="y z"}[5m]))) > 2e-4',
      ),
    ).toEqual(['mm_a_bucket']);
    expect(metricNames('mm_b / on (asset) group_left (venue) (mm_c > 0) or vector(1)')).toEqual([
      'mm_b',
      'mm_c',
    ]);
    expect(metricNames('sum(mm_d offset 5m) without (instance) * 60')).toEqual(['mm_d']);
    expect(() => metricNames('rat(mm_e[1m])')).toThrow(/unknown PromQL function rat/);
  });

  it('rejects a variable that is not label_values(metric, label)', () => {
    const bad = { ...dash, templating: { list: [{ name: 'a', query: 'up' }] } };
    expect(() => labelValuesVariables(bad)).toThrow(/label_values/);
  });
});

describe('formatJson', () => {
  it('writes scalar arrays on one line when they fit, everything else one entry per line', () => {
    expect(formatJson({ a: [1, 'x', null], b: {}, c: [], d: [{ e: true }], f: () => 1 })).toBe(
      '{\n  "a": [1, "x", null],\n  "b": {},\n  "c": [],\n  "d": [\n    {\n      "e": true\n    }\n  ]\n}\n',
    );
    const long = Array.from({ length: 30 }, (_, i) => `item${i}`);
    expect(formatJson({ long }).trimEnd().split('\n')).toHaveLength(30 + 4);
  });
});
