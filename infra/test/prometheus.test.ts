import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseEngineConfig } from '@mm/config';
import { Engine } from '@mm/engine';
import {
  enqueueJob,
  JOB_TYPES,
  type JobInputMap,
  Optimizer,
  parseOptimizerConfig,
} from '@mm/optimizer';
import { createLogger } from '@mm/telemetry';
import type { Redis } from 'ioredis';
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
import { PROMETHEUS_BIN, type PrometheusServer, startPrometheus } from './support/prometheus.js';
import { connectRedis, deleteMatching, keysMatching } from './support/redis.js';

/**
 * Every PromQL expression of every dashboard against a real Prometheus (Debian's package) scraping
 * a running engine (in process: three assets on simulated venues, real Redis under a unique
 * prefix) and a running optimizer on the same prefix (sandboxed workers on all four queues),
 * once per second. Events that would otherwise leave panels empty are produced: stale data (a
 * venue whose books come slower than `staleDataTimeoutMs`), rejected orders (`rejectRate`), a
 * rejected parameter update, an invalid bus message, and for the optimizer a steady flow of
 * jobs on every queue (scheduled grid searches, calibrations and solves, enqueued backtests),
 * solve results published to the engine, a job with bad data and a job that fails at run time.
 * Each expression must return at least one finite sample.
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
function engineConfigInput(prefix: string, ledgerDir: string) {
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
  return {
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
  };
}

/** Scheduled jobs run every this many seconds; backtests are enqueued every second. */
const SCHEDULE_EVERY_SEC = 2;
const BACKTEST_EVERY_MS = 1000;

/**
 * The optimizer under test, on the engine's prefix: every {@link SCHEDULE_EVERY_SEC} a small grid
 * search per engine asset (the heuristic gap, labelled by asset), a calibration from the engine's
 * streams and a solve of the engine's assets (published to the engine). Retries come quickly,
 * and stopping does not wait long for active jobs.
 */
function optimizerConfig(prefix: string, engineConfigFile: string) {
  return parseOptimizerConfig({
    redis: { url: REDIS_URL, prefix, connectTimeoutMs: 1000 },
    metrics: { port: 0 },
    workers: { shutdownTimeoutMs: 5000 },
    jobs: { backoffMs: 100 },
    // Read by `Optimizer.start` only without `deps.engineConfig`; the schedules require it.
    engineConfig: engineConfigFile,
    schedule: {
      validation: { everySec: SCHEDULE_EVERY_SEC, data: { horizonSec: 5, paths: 4 } },
      calibration: { everySec: SCHEDULE_EVERY_SEC, windowSec: 60 },
      solve: { everySec: SCHEDULE_EVERY_SEC },
    },
  });
}

/** A tiny backtest (tens of ms); `seed` makes its data, hence its job id, new each time. */
function backtestData(seed: number): JobInputMap['backtest'] {
  return {
    market: { s0: 100, sigma: 0.5, A: 1, k: 2, qMax: 4 },
    run: { dt: 0.1, T: 5, paths: 4, seed },
    objective: { gamma: 0.1 },
    policies: [{ type: 'exact' }, { type: 'symmetric' }],
  };
}

/**
 * Enqueue a backtest every `everyMs` until the returned function is called (which waits for the
 * enqueues in flight). Enqueue errors are collected in `errors`.
 */
function backtestTrickle(optimizer: Optimizer, everyMs: number, errors: string[]) {
  let seed = 0;
  const inFlight = new Set<Promise<unknown>>();
  const timer = setInterval(() => {
    const s = ++seed;
    const p = enqueueJob(optimizer.queues, 'backtest', backtestData(s))
      .catch((e: unknown) => errors.push(`backtest ${s}: ${String(e)}`))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await Promise.allSettled([...inFlight]);
  };
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

/**
 * A params message as the optimizer publishes it (`@mm/contracts`' envelope, version 2: the
 * message as a JSON string, signed with the engine's bus key).
 */
function paramsMessage(assets: object[], key: { sign(body: string): string }): string {
  const now = Date.now();
  const body = JSON.stringify({
    v: 2,
    type: 'params',
    ts: now,
    source: 'infra-test',
    payload: { assets, validUntil: now + 60_000 },
  });
  return JSON.stringify({ v: 2, body, sig: key.sign(body) });
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
  const trickleErrors: string[] = [];
  let dir: string | undefined;
  let engine: Engine | undefined;
  let optimizer: Optimizer | undefined;
  let stopTrickle: (() => Promise<void>) | undefined;
  let prometheus: PrometheusServer | undefined;
  let redis: Redis | undefined;

  beforeAll(async () => {
    if (!installed) throw new Error(MISSING);
    redis = await connectRedis(REDIS_URL).catch((e: unknown) => {
      throw new Error(
        `the Prometheus test needs a Redis server at ${REDIS_URL} (${String(e)}); start one with redis-server --daemonize yes`,
      );
    });
    dir = await mkdtemp(join(tmpdir(), 'mm-infra-prom-'));
    // The engine's errors; the optimizer's warnings too (failed job attempts).
    const logger = (name: string, level: 'error' | 'warn') =>
      createLogger({
        name: name === 'engine' ? 'mm-engine' : 'mm-optimizer',
        level,
        destination: new Writable({
          write(chunk, _enc, cb) {
            for (const line of String(chunk).split('\n'))
              if (line) logLines.push(`${name}: ${line}`);
            cb();
          },
        }),
      });
    const engineInput = engineConfigInput(prefix, join(dir, 'ledger'));
    const engineConfig = parseEngineConfig(engineInput);
    engine = await Engine.start(engineConfig, { logger: logger('engine', 'error') });
    if (engine.transportKind !== 'redis')
      throw new Error(`engine did not reach Redis at ${REDIS_URL}`);

    const engineConfigFile = join(dir, 'engine.yaml');
    await writeFile(engineConfigFile, stringify(engineInput));
    optimizer = await Optimizer.start(optimizerConfig(prefix, engineConfigFile), {
      logger: logger('optimizer', 'warn'),
      engineConfig,
      busKey: engine.busKey, // one deployment, one key
    });
    stopTrickle = backtestTrickle(optimizer, BACKTEST_EVERY_MS, trickleErrors);

    const host = (url: string) => new URL(url).host;
    prometheus = await startPrometheus(
      await testPrometheusConfig({
        [ENGINE_JOB]: host(engine.metricsUrl!),
        [OPTIMIZER_JOB]: host(optimizer.metricsUrl!),
      }),
      join(dir, 'prometheus'),
    );

    // Parameter updates on the bus: one rejected (A 1000x the configured value), one applied,
    // and one message that fails validation.
    const params = `mm:${prefix}:params`;
    const sol = { asset: 'SOL', sigma: 0.015, k: 44, gamma: 1.6, qMax: 4 };
    await redis.xadd(params, '*', 'm', paramsMessage([{ ...sol, A: 8000 }], engine.busKey));
    await redis.xadd(params, '*', 'm', paramsMessage([{ ...sol, A: 9 }], engine.busKey));
    await redis.xadd(params, '*', 'm', '{"v":1,"type":"params","payload":"garbage"}');

    // Failing jobs. Bad data added behind enqueueJob's back (as by an older producer): the
    // worker's check fails it at once, unrecoverable.
    await optimizer.queues.get('solve').add('solve', { assets: [] }, { jobId: 'infra-bad-data' });
    // Valid data that fails at run time: a calibration of a deployment whose snapshot stream is
    // no stream (Redis answers WRONGTYPE), an error retried with backoff until attempts run out.
    await redis.set(`mm:${prefix}:corrupt:snapshots`, 'not a stream');
    await enqueueJob(optimizer.queues, 'calibrate', { prefix: `${prefix}:corrupt` });
  }, 30_000);

  afterAll(async () => {
    // Every step runs; the first error is reported after the rest are done.
    const errors: unknown[] = [];
    const step = async (f: () => Promise<unknown> | undefined) => {
      try {
        await f();
      } catch (e) {
        errors.push(e);
      }
    };
    await step(() => stopTrickle?.());
    await step(() => prometheus?.stop());
    await step(() => optimizer?.stop('test done'));
    await step(() => engine?.stop('test done'));
    if (redis) {
      const client = redis;
      // the engine's streams and BullMQ's keys (mm:<prefix>:bull:*) alike
      await step(() => deleteMatching(client, `mm:${prefix}:*`));
      await step(async () => {
        const left = await keysMatching(client, `mm:${prefix}:*`);
        if (left.length > 0) throw new Error(`Redis keys left behind: ${left.join(', ')}`);
      });
      await step(() => client.quit());
    }
    if (dir) await step(() => rm(dir!, { recursive: true, force: true }));
    if (errors.length > 0) throw errors[0];
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

      // The events produced for the test reached Prometheus (each selector returns a series).
      const events = [
        'mm_stale_data_total{venue="sim-slow"}',
        'mm_orders_rejected_total{venue="sim-b"}',
        'mm_parameter_updates_total{asset="SOL",result="rejected"}',
        'mm_bus_messages_rejected_total{direction="receive"}',
        'mm_regime_probability{asset="SOL"}',
        // jobs complete on every queue, within the rate window
        ...JOB_TYPES.map(
          (q) =>
            `rate(mm_optimizer_job_duration_seconds_count{queue="${q}"}[${RATE_INTERVAL}]) > 0`,
        ),
        // the heuristic gap of each engine asset's scheduled grid search
        ...['BTC', 'ETH', 'SOL'].map((a) => `mm_optimizer_heuristic_gap_ratio{asset="${a}"}`),
        'mm_optimizer_results_published_total{type="solve"} > 0',
        // the bad data and the run-time failure, each failed for good
        'mm_optimizer_jobs_failed_total{queue="solve",reason="unrecoverable"} > 0',
        'mm_optimizer_jobs_failed_total{queue="calibrate",reason="error"} > 0',
        'mm_optimizer_queue_jobs{queue="solve",state="failed"} > 0',
        'mm_optimizer_queue_jobs{queue="calibrate",state="failed"} > 0',
      ];

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
        for (const expr of events)
          if ((await server.query(expr)).length === 0) failing.push(`no event: ${expr}`);
        if (failing.length === 0 || Date.now() - start > DEADLINE_MS) break;
        await sleep(1000);
      }
      const context =
        failing.length === 0
          ? ''
          : `\nengine and optimizer log (warnings, errors):\n${logLines.slice(-20).join('\n')}\nprometheus log:\n${server.log().slice(-2000)}`;
      expect(failing, `expressions without data after ${Date.now() - start} ms${context}`).toEqual(
        [],
      );
      expect(expressions.length).toBeGreaterThan(40);
      expect(trickleErrors).toEqual([]);
      // Every queue of the optimizer is listed by the dashboard's variable.
      const queues = await server.query('group by (queue) (mm_optimizer_queue_jobs)');
      expect(queues.map((s) => s.metric.queue).sort()).toEqual([...JOB_TYPES].sort());
    },
    DEADLINE_MS + 10_000,
  );
});
