import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger, Engine, parseEngineConfig } from '@mm/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  builtinVariables,
  type DashboardExpression,
  dashboardExpressions,
  panelExpressions,
} from '../src/dashboardQueries.js';
import { ENGINE_JOB, OPTIMIZER_JOB } from '../src/dashboards/common.js';
import { DASHBOARDS } from '../src/dashboards/index.js';
import {
  OPTIMIZER_QUEUES,
  type OptimizerStandIn,
  startOptimizerStandIn,
} from './support/optimizerStandIn.js';
import { PROMETHEUS_BIN, type PrometheusServer, startPrometheus } from './support/prometheus.js';
import { RespClient } from './support/resp.js';

/**
 * Every PromQL expression of every dashboard against a real Prometheus (Debian's package) scraping
 * a running engine (in process: three assets on simulated venues, real Redis under a unique
 * prefix) and the optimizer's metrics endpoint, once per second. Events that would otherwise
 * leave panels empty are produced: stale data (a venue whose books come slower than
 * `staleDataTimeoutMs`), rejected orders (`rejectRate`), a rejected parameter update and an
 * invalid bus message. Each expression must return at least one finite sample.
 */

const INFRA = fileURLToPath(new URL('..', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** `$__rate_interval` in the test: ten 1 s scrapes. */
const RATE_INTERVAL = '10s';
const DEADLINE_MS = 40_000;

const installed = existsSync(PROMETHEUS_BIN);
const MISSING = `${PROMETHEUS_BIN} not found: install Debian's Prometheus with \`apt-get install -y --no-install-recommends prometheus\` (or set PROMETHEUS_BIN)`;
if (!installed && !process.env.CI) {
  console.warn(
    `infra/test/prometheus.test.ts skipped: ${MISSING}. In CI (CI set) it fails instead.`,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The engine under test: fast books, high fill rates, one regime asset, a slow feed and rejects. */
function engineConfig(prefix: string, ledgerDir: string) {
  const model = (sigma: number, k: number, gamma: number) => ({ sigma, A: 8, k, gamma });
  const asset = (symbol: string, lotSizeBase: number, tickSize: number, m: object) => ({
    symbol,
    lotSizeBase,
    tickSize,
    qMaxLots: 6,
    policy: 'exact',
    model: m,
  });
  const mids = { BTC: 60_000, ETH: 3000, SOL: 150 };
  const sim = (name: string, seed: number, extra: object) => ({
    name,
    kind: 'sim',
    seed,
    marketSeed: 9,
    latencyMs: 1,
    initialMidPrice: mids,
    ...extra,
  });
  return parseEngineConfig({
    assets: [
      asset('BTC', 0.001, 0.5, model(6, 0.111, 0.004)),
      asset('ETH', 0.01, 0.05, model(0.3, 2.2, 0.08)),
      {
        ...asset('SOL', 0.5, 0.005, model(0.015, 44, 1.6)),
        regime: {
          regimes: [
            { name: 'calm', model: model(0.015, 44, 1.6) },
            { name: 'storm', model: model(0.06, 44, 1.6) },
          ],
          generatorPerSec: [
            [-0.2, 0.2],
            [0.5, -0.5],
          ],
          switching: { threshold: 0.8, minDwellSec: 0.5 },
        },
      },
    ],
    venues: [
      sim('sim-a', 31, { bookIntervalMs: 20 }),
      sim('sim-b', 32, { bookIntervalMs: 20, rejectRate: 0.05 }),
      // A slow feed: books every 1.5 s against a 1 s stale-data timeout, so quotes are pulled.
      sim('sim-slow', 33, { bookIntervalMs: 1500, assets: ['SOL'] }),
    ],
    risk: {
      positionLimitLots: 4,
      portfolioNotionalLimit: 100_000,
      maxOrdersPerSec: 500,
      staleDataTimeoutMs: 1000,
      priceBandBps: 100,
    },
    replaceToleranceTicks: 1,
    redis: { url: REDIS_URL, prefix, connectTimeoutMs: 1000 },
    metrics: { port: 0 },
    ledger: { dir: ledgerDir },
    snapshotIntervalMs: 200,
    reconcileIntervalMs: 1000,
  });
}

/**
 * The repository's prometheus.yml with 1 s intervals, the alert rules by absolute path, and each
 * job's target replaced by the running process (the job names stay those the dashboards select).
 */
async function testPrometheusConfig(targets: Record<string, string>): Promise<string> {
  const config = parse(await readFile(join(INFRA, 'prometheus/prometheus.yml'), 'utf8'));
  config.global = {
    ...config.global,
    scrape_interval: '1s',
    scrape_timeout: '1s',
    evaluation_interval: '1s',
  };
  config.rule_files = (config.rule_files as string[]).map((f) => join(INFRA, 'prometheus', f));
  for (const job of config.scrape_configs as Array<{ job_name: string; static_configs: unknown }>) {
    const target = targets[job.job_name];
    if (target === undefined) throw new Error(`no target for job ${job.job_name}`);
    job.static_configs = [{ targets: [target] }];
  }
  return stringify(config);
}

/** A params message as the optimizer publishes it (`@mm/contracts`' envelope, version 1). */
function paramsMessage(assets: object[]): string {
  const now = Date.now();
  return JSON.stringify({
    v: 1,
    type: 'params',
    ts: now,
    source: 'infra-test',
    payload: { assets, validUntil: now + 60_000 },
  });
}

/** `label=~"$var"` selectors of an expression: the metric must carry that label. */
function variableSelectors(expr: string): Array<{ metric: string; label: string }> {
  const out: Array<{ metric: string; label: string }> = [];
  for (const m of expr.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}/g)) {
    for (const l of m[2]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=~"\$\{?\w+\}?"/g))
      out.push({ metric: m[1]!, label: l[1]! });
  }
  return out;
}

const hasFinite = (samples: Array<{ value: [number, string] }>) =>
  samples.some((s) => Number.isFinite(Number(s.value[1])));

describe.skipIf(!installed && !process.env.CI)('dashboards against a real Prometheus', () => {
  const prefix = `test:${randomUUID()}`;
  const logLines: string[] = [];
  let dir: string;
  let engine: Engine | undefined;
  let optimizer: OptimizerStandIn | undefined;
  let prometheus: PrometheusServer | undefined;
  let redis: RespClient | undefined;

  beforeAll(async () => {
    if (!installed) throw new Error(MISSING);
    redis = await RespClient.connect(REDIS_URL).catch((e: unknown) => {
      throw new Error(
        `the Prometheus test needs a Redis server at ${REDIS_URL} (${String(e)}); start one with redis-server --daemonize yes`,
      );
    });
    dir = await mkdtemp(join(tmpdir(), 'mm-infra-prom-'));
    const destination = new Writable({
      write(chunk, _enc, cb) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    engine = await Engine.start(engineConfig(prefix, join(dir, 'ledger')), {
      logger: createLogger({ level: 'error', destination }),
    });
    if (engine.transportKind !== 'redis')
      throw new Error(`engine did not reach Redis at ${REDIS_URL}`);
    // TODO(lead): start the real optimizer instead (`Optimizer` from @mm/optimizer with
    // `metrics: {port: 0}`, jobs enqueued on every queue while the test runs, one with invalid
    // data). infra cannot import it yet: `@mm/optimizer` is not among infra's dependencies. This
    // stand-in serves ONLY the optimizer's metrics (see support/optimizerStandIn.ts).
    optimizer = await startOptimizerStandIn({ assets: ['BTC', 'ETH', 'SOL'] });
    const host = (url: string) => new URL(url).host;
    prometheus = await startPrometheus(
      await testPrometheusConfig({
        [ENGINE_JOB]: host(engine.metricsUrl!),
        [OPTIMIZER_JOB]: host(optimizer.url),
      }),
      join(dir, 'prometheus'),
    );

    // Parameter updates on the bus: one rejected (A 1000x the configured value), one applied,
    // and one message that fails validation.
    const params = `mm:${prefix}:params`;
    const sol = { asset: 'SOL', sigma: 0.015, k: 44, gamma: 1.6, qMax: 4 };
    await redis.command('XADD', params, '*', 'm', paramsMessage([{ ...sol, A: 8000 }]));
    await redis.command('XADD', params, '*', 'm', paramsMessage([{ ...sol, A: 9 }]));
    await redis.command('XADD', params, '*', 'm', '{"v":1,"type":"params","payload":"garbage"}');
  }, 30_000);

  afterAll(async () => {
    await prometheus?.stop();
    await engine?.stop('test done');
    await optimizer?.close();
    if (redis) {
      await redis.deleteMatching(`mm:${prefix}:*`);
      redis.close();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it(
    'loads the alert rules and evaluates every one without error',
    async () => {
      const server = prometheus!;
      const deadline = Date.now() + DEADLINE_MS;
      let rules: Array<{ name: string; health: string; lastError?: string }> = [];
      for (;;) {
        const data = (await server.api('rules')) as {
          groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }>;
        };
        rules = data.groups.flatMap((g) => g.rules);
        if (rules.length > 0 && rules.every((r) => r.health !== 'unknown')) break;
        if (Date.now() > deadline) break;
        await sleep(500);
      }
      expect(rules.length).toBeGreaterThan(5);
      expect(rules.filter((r) => r.health !== 'ok')).toEqual([]);
    },
    DEADLINE_MS + 5000,
  );

  it(
    'returns data for every dashboard expression and variable',
    async () => {
      const server = prometheus!;
      const values = {
        ...builtinVariables(RATE_INTERVAL),
        asset: '.*',
        venue: '.*',
        queue: '.*',
      };
      const expressions: DashboardExpression[] = DASHBOARDS.flatMap((d) =>
        dashboardExpressions(d.build(), values),
      );
      // Every label a dashboard filters by a variable must be set on that metric's series.
      const selectors = new Map<string, { metric: string; label: string }>();
      for (const d of DASHBOARDS)
        for (const q of panelExpressions(d.build()))
          for (const s of variableSelectors(q.expr)) selectors.set(`${s.metric}/${s.label}`, s);
      const labelChecks = [...selectors.values()].map((s) => ({
        ...s,
        withLabel: `count(${s.metric}{${s.label}!=""})`,
        without: `${s.metric}{${s.label}=""}`,
      }));

      const start = Date.now();
      let failing: string[] = [];
      for (;;) {
        failing = [];
        for (const e of expressions) {
          const samples = await server.query(e.expr);
          if (!hasFinite(samples)) failing.push(`${e.dashboardUid} ${e.source}: ${e.expr}`);
        }
        for (const c of labelChecks) {
          if ((await server.query(c.withLabel)).length === 0)
            failing.push(`no ${c.metric} series with label ${c.label}`);
          const without = await server.query(c.without);
          if (without.length > 0)
            failing.push(
              `${c.metric} series without label ${c.label}: ${JSON.stringify(without[0]!.metric)}`,
            );
        }
        if (failing.length === 0 || Date.now() - start > DEADLINE_MS) break;
        await sleep(1000);
      }
      const context =
        failing.length === 0
          ? ''
          : `\nengine log (errors):\n${logLines.slice(-10).join('\n')}\nprometheus log:\n${server.log().slice(-2000)}`;
      expect(failing, `expressions without data after ${Date.now() - start} ms${context}`).toEqual(
        [],
      );
      expect(expressions.length).toBeGreaterThan(40);
      // The events produced for the test reached Prometheus.
      for (const expr of [
        'mm_stale_data_total{venue="sim-slow"}',
        'mm_orders_rejected_total{venue="sim-b"}',
        'mm_parameter_updates_total{asset="SOL",result="rejected"}',
        'mm_bus_messages_rejected_total{direction="receive"}',
        'mm_regime_probability{asset="SOL"}',
      ])
        expect((await server.query(expr)).length, expr).toBeGreaterThan(0);
      // Every queue of the optimizer is listed by the dashboard's variable.
      const queues = await server.query('group by (queue) (mm_optimizer_queue_jobs)');
      expect(queues.map((s) => s.metric.queue).sort()).toEqual([...OPTIMIZER_QUEUES].sort());
    },
    DEADLINE_MS + 10_000,
  );
});
