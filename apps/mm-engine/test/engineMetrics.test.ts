import { createServer } from 'node:net';
import { createRng } from '@mm/simulator';
import { register as globalRegistry, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEngineMetrics,
  ENGINE_METRIC_LABELS,
  TICK_TO_QUOTE_BUCKETS_SEC,
} from '../src/metrics/engineMetrics.js';
import { FillRateTracker } from '../src/metrics/fillRateTracker.js';
import { type MetricsServer, startMetricsServer } from '../src/metrics/metricsServer.js';

/** One sample line of the Prometheus text exposition format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parse `name{a="x",b="y"} value` lines (comments skipped; label values unescaped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1]!, labels, value: parseNumber(m[3]!) });
  }
  return samples;
}

/** A number of the exposition format (`+Inf`, `-Inf` and `NaN` included). */
function parseNumber(raw: string): number {
  return raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
}

/** The value of the sample named `name` whose labels include `labels` (exactly one must match). */
function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const hits = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (hits.length !== 1) throw new Error(`${hits.length} samples match ${name} ${labels}`);
  return hits[0]!.value;
}

const servers: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('createEngineMetrics', () => {
  it('registers mm_-prefixed metrics with bounded label names on its own registry', async () => {
    const before = (await globalRegistry.getMetricsAsJSON()).length;
    const metrics = createEngineMetrics();
    expect((await globalRegistry.getMetricsAsJSON()).length).toBe(before);

    const all = await metrics.registry.getMetricsAsJSON();
    const engine = all.filter((m) => !m.name.startsWith('mm_engine_'));
    const process = all.filter((m) => m.name.startsWith('mm_engine_'));
    expect(engine.length).toBeGreaterThanOrEqual(24);
    expect(process.map((m) => m.name)).toContain('mm_engine_process_cpu_seconds_total');
    for (const m of all) expect(m.name).toMatch(/^mm_/);
    const allowed = new Set<string>(ENGINE_METRIC_LABELS);
    // Names issue 10 fixes as a contract (units in their help): q' Sigma q and its shares.
    const named = new Set(['mm_portfolio_risk', 'mm_risk_contribution']);
    for (const m of engine.filter((e) => !named.has(e.name)))
      expect(m.name).toMatch(
        /_(seconds|total|lots|bps|quote|per_second|per_sqrt_second|probability|state)$/,
      );

    // Label names, as declared, through the exposition of one observation per metric.
    metrics.killSwitch.set(1);
    const labelsFor = (names: string[]) =>
      Object.fromEntries(names.map((n) => [n, 'x'])) as Record<string, string>;
    for (const key of Object.keys(metrics) as (keyof typeof metrics)[]) {
      const metric = metrics[key];
      if (typeof metric === 'function') continue;
      if (metric === metrics.registry || metric === metrics.killSwitch) continue;
      const names = (metric as unknown as { labelNames: string[] }).labelNames;
      for (const n of names) expect(allowed.has(n), `${key} label ${n}`).toBe(true);
      const m = metric as unknown as Record<string, (labels: object, v?: number) => void>;
      if ('observe' in m) m.observe!(labelsFor(names), 1e-3);
      else if ('set' in m) m.set!(labelsFor(names), 1);
      else m.inc!(labelsFor(names), 1);
    }
    const samples = parseExposition(await metrics.registry.metrics());
    for (const s of samples.filter((x) => !x.name.startsWith('mm_engine_')))
      for (const k of Object.keys(s.labels)) expect(k === 'le' || allowed.has(k)).toBe(true);
  });

  it('two instances do not share state', async () => {
    const a = createEngineMetrics();
    const b = createEngineMetrics();
    a.inventory.set({ asset: 'BTC' }, 3);
    const sb = parseExposition(await b.registry.metrics());
    expect(sb.some((s) => s.name === 'mm_inventory_lots')).toBe(false);
  });

  it('rejects a second creation on the same registry (duplicate names)', () => {
    const registry = new Registry();
    createEngineMetrics(registry);
    expect(() => createEngineMetrics(registry)).toThrow(/already been registered/);
  });
});

describe('EngineMetrics recorders', () => {
  it('sets status gauges, predicted and realized fill rates, and counts rejections', async () => {
    let now = 1_000_000;
    const metrics = createEngineMetrics(new Registry(), { nowMs: () => now, fillRateTauSec: 10 });
    const asset = { lotSizeBase: 0.01, model: { A: 2, k: 4 } };
    metrics.onAssetStatus(
      {
        asset: 'BTC',
        midPrice: 100,
        inventoryLots: -2,
        realizedQuote: 5,
        unrealizedQuote: -1.5,
        quotes: [
          { venue: 'a', bid: 99.9, ask: 100.2 },
          { venue: 'b', bid: null, ask: 100.1 },
        ],
      },
      asset,
    );
    let samples = parseExposition(await metrics.registry.metrics());
    const v = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(samples, name, labels);
    expect(v('mm_mid_price_quote', { asset: 'BTC' })).toBe(100);
    expect(v('mm_inventory_lots', { asset: 'BTC' })).toBe(-2);
    expect(v('mm_inventory_notional_quote', { asset: 'BTC' })).toBeCloseTo(-2, 12);
    expect(v('mm_pnl_realized_quote', { asset: 'BTC' })).toBe(5);
    expect(v('mm_pnl_mark_to_market_quote', { asset: 'BTC' })).toBe(3.5);
    expect(v('mm_quote_price_quote', { venue: 'a', side: 'bid' })).toBe(99.9);
    expect(v('mm_quote_spread_bps', { venue: 'a' })).toBeCloseTo(30, 9);
    // No bid on venue b: no price series, no spread, predicted rate 0.
    expect(
      samples.some(
        (s) =>
          s.name === 'mm_quote_price_quote' && s.labels.venue === 'b' && s.labels.side === 'bid',
      ),
    ).toBe(false);
    expect(samples.some((s) => s.name === 'mm_quote_spread_bps' && s.labels.venue === 'b')).toBe(
      false,
    );
    const predicted = (venue: string, side: string) =>
      v('mm_fill_rate_predicted_per_second', { venue, side });
    expect(predicted('a', 'bid')).toBeCloseTo(2 * Math.exp(-4 * 0.1), 9);
    expect(predicted('a', 'ask')).toBeCloseTo(2 * Math.exp(-4 * 0.2), 9);
    expect(predicted('b', 'bid')).toBe(0);

    // A new model changes the predicted rate at the next status.
    metrics.onModel('BTC', { A: 3, k: 1 });
    metrics.onAssetStatus(
      {
        asset: 'BTC',
        midPrice: 100,
        inventoryLots: 0,
        realizedQuote: 0,
        unrealizedQuote: 0,
        quotes: [{ venue: 'a', bid: 99.5, ask: null }],
      },
      asset,
    );
    // Fills on venue a's bid at +1 s and +2 s; read at +5 s (tau 10 s, started at 0).
    metrics.onFill({ asset: 'BTC', venue: 'a', side: 'buy' }, now + 1000);
    metrics.onFill({ asset: 'BTC', venue: 'a', side: 'buy' }, now + 2000);
    now += 5000;
    metrics.onOrderEvent('a', { kind: 'rejected', asset: 'BTC' });
    metrics.onOrderEvent('a', { kind: 'acked', asset: 'BTC' });
    metrics.onOrderEvent('a', { kind: 'rejected', asset: null });
    samples = parseExposition(await metrics.registry.metrics());
    expect(predicted('a', 'bid')).toBeCloseTo(3 * Math.exp(-0.5), 9);
    expect(predicted('a', 'ask')).toBe(0);
    const expected = (Math.exp(-0.4) + Math.exp(-0.3)) / (10 * (1 - Math.exp(-0.5)));
    expect(v('mm_fill_rate_realized_per_second', { venue: 'a', side: 'bid' })).toBeCloseTo(
      expected,
      12,
    );
    expect(v('mm_fill_rate_realized_per_second', { venue: 'a', side: 'ask' })).toBe(0);
    expect(v('mm_orders_rejected_total', { asset: 'BTC', venue: 'a' })).toBe(1);
    expect(
      samples
        .filter((s) => s.name === 'mm_orders_rejected_total' && s.labels.asset === undefined)
        .map((s) => s.value),
    ).toEqual([1]);
  });
});

describe('startMetricsServer', () => {
  it('serves the metrics with labels and values, /healthz, and 404 otherwise', async () => {
    const metrics = createEngineMetrics();
    metrics.quotePrice.set({ asset: 'BTC-USD', venue: 'sim', side: 'bid' }, 64_999.5);
    metrics.quotePrice.set({ asset: 'BTC-USD', venue: 'sim', side: 'ask' }, 65_000.5);
    metrics.inventory.set({ asset: 'BTC-USD' }, -3);
    metrics.fills.inc({ asset: 'BTC-USD', venue: 'sim', side: 'bid', role: 'maker' });
    metrics.fills.inc({ asset: 'BTC-USD', venue: 'sim', side: 'bid', role: 'maker' });
    metrics.fills.inc({ asset: 'ETH-USD', venue: 'sim', side: 'ask', role: 'taker' }, 3);
    metrics.riskPulls.inc({ asset: 'BTC-USD', reason: 'staleData' });
    metrics.orderActions.inc({ asset: 'BTC-USD', kind: 'replace' }, 7);
    metrics.regimeProbability.set({ asset: 'BTC-USD', regime: 'calm' }, 0.25);
    metrics.killSwitch.set(1);
    for (const s of [3e-6, 3e-5, 1.5e-4, 0.2]) metrics.tickToQuote.observe({ asset: 'BTC-USD' }, s);

    const server = await startMetricsServer({ port: 0, registry: metrics.registry });
    servers.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(metrics.registry.contentType);
    const samples = parseExposition(await res.text());

    const btc = { asset: 'BTC-USD', venue: 'sim' };
    expect(sampleValue(samples, 'mm_quote_price_quote', { ...btc, side: 'bid' })).toBe(64_999.5);
    expect(sampleValue(samples, 'mm_quote_price_quote', { ...btc, side: 'ask' })).toBe(65_000.5);
    expect(sampleValue(samples, 'mm_inventory_lots', { asset: 'BTC-USD' })).toBe(-3);
    expect(sampleValue(samples, 'mm_fills_total', { ...btc, side: 'bid', role: 'maker' })).toBe(2);
    expect(
      sampleValue(samples, 'mm_fills_total', {
        asset: 'ETH-USD',
        venue: 'sim',
        side: 'ask',
        role: 'taker',
      }),
    ).toBe(3);
    expect(sampleValue(samples, 'mm_risk_pulls_total', { reason: 'staleData' })).toBe(1);
    expect(sampleValue(samples, 'mm_order_actions_total', { kind: 'replace' })).toBe(7);
    expect(sampleValue(samples, 'mm_regime_probability', { regime: 'calm' })).toBe(0.25);
    expect(sampleValue(samples, 'mm_kill_switch_state')).toBe(1);

    // Histogram: cumulative buckets from 5 us to 100 ms, then +Inf.
    const buckets = samples.filter(
      (s) => s.name === 'mm_tick_to_quote_seconds_bucket' && s.labels.asset === 'BTC-USD',
    );
    const bucket = (le: number) =>
      buckets.find((s) => parseNumber(s.labels.le ?? '') === le)?.value;
    expect(bucket(5e-6)).toBe(1);
    expect(bucket(5e-5)).toBe(2);
    expect(bucket(2e-4)).toBe(3);
    expect(bucket(0.1)).toBe(3);
    expect(bucket(Infinity)).toBe(4);
    expect(sampleValue(samples, 'mm_tick_to_quote_seconds_count', { asset: 'BTC-USD' })).toBe(4);
    expect(sampleValue(samples, 'mm_tick_to_quote_seconds_sum', { asset: 'BTC-USD' })).toBeCloseTo(
      3e-6 + 3e-5 + 1.5e-4 + 0.2,
      12,
    );
    const les = samples
      .filter((s) => s.name === 'mm_tick_to_quote_seconds_bucket')
      .map((s) => parseNumber(s.labels.le ?? ''));
    expect(les).toEqual([...TICK_TO_QUOTE_BUCKETS_SEC, Infinity]);
    // Process metrics are there too, under the engine prefix.
    expect(samples.some((s) => s.name === 'mm_engine_process_resident_memory_bytes')).toBe(true);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok\n');
    expect((await fetch(`${server.url}/metrics?x=1`)).status).toBe(200);
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/metricsx`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('rejects naming host:port when the port is taken, and frees the port on close', async () => {
    const registry = new Registry();
    const first = await startMetricsServer({ port: 0, registry });
    await expect(startMetricsServer({ port: first.port, registry })).rejects.toThrow(
      `metrics server cannot listen on 127.0.0.1:${first.port}: EADDRINUSE`,
    );
    await first.close();
    // The port is free again: something else can bind it.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(first.port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  });

  it('rejects an invalid port naming it', async () => {
    await expect(startMetricsServer({ port: 70_000, registry: new Registry() })).rejects.toThrow(
      'port must be an integer in [0, 65535], got 70000',
    );
  });
});

describe('FillRateTracker', () => {
  const intensity = { aPerSec: 2, kPerPrice: 1.5 };

  it('small deterministic cases', () => {
    const tau = 10;
    const t = new FillRateTracker({ tauSec: tau, startSec: 100, intensity });
    expect(t.realizedRatePerSec('bid', 100)).toBe(0);
    expect(t.realizedRatePerSec('bid', 150)).toBe(0);
    t.recordFill('bid', 100);
    // One fill at the start, read tau later: e^-1 / (tau (1 - e^-1)).
    expect(t.realizedRatePerSec('bid', 110)).toBeCloseTo(Math.exp(-1) / (tau * (1 - Math.exp(-1))));
    // Two fills 5 s apart (count 2 at 105), read at 105: (e^-0.5 + 2) / (tau (1 - e^-0.5)).
    t.recordFill('ask', 100);
    t.recordFill('ask', 105, 2);
    expect(t.realizedRatePerSec('ask', 105)).toBeCloseTo(
      (Math.exp(-0.5) + 2) / (tau * (1 - Math.exp(-0.5))),
      12,
    );
    // Reads do not change the state, and a time before the last fill is read as the last fill.
    expect(t.realizedRatePerSec('ask', 104)).toBe(t.realizedRatePerSec('ask', 105));
    // Short elapsed time: about count / elapsed.
    const u = new FillRateTracker({ tauSec: 1000, startSec: 0, intensity });
    u.recordFill('bid', 0.5);
    u.recordFill('bid', 1);
    expect(u.realizedRatePerSec('bid', 1)).toBeCloseTo(2, 2);
    // Periodic fills every p: long-run value right after a fill is 1 / (tau (1 - e^{-p/tau})).
    const p = 0.5;
    const v = new FillRateTracker({ tauSec: 2, startSec: 0, intensity });
    for (let i = 1; i <= 400; i++) v.recordFill('bid', i * p);
    expect(v.realizedRatePerSec('bid', 200)).toBeCloseTo(1 / (2 * (1 - Math.exp(-p / 2))), 10);
  });

  it('predicted rate A exp(-k delta) per side, 0 without a quote', () => {
    const t = new FillRateTracker({
      tauSec: 10,
      startSec: 0,
      intensity: { bid: intensity, ask: { aPerSec: 4, kPerPrice: 0.5 } },
    });
    expect(t.predictedRatePerSec('bid')).toBe(0);
    t.setQuoteDistance('bid', 0.8);
    t.setQuoteDistance('ask', 2);
    expect(t.predictedRatePerSec('bid')).toBeCloseTo(2 * Math.exp(-1.2), 14);
    expect(t.predictedRatePerSec('ask')).toBeCloseTo(4 * Math.exp(-1), 14);
    t.setQuoteDistance('ask', Number.NaN);
    expect(t.predictedRatePerSec('ask')).toBe(0);
    t.setIntensity('bid', { aPerSec: 1, kPerPrice: 0 });
    expect(t.predictedRatePerSec('bid')).toBe(1);
  });

  it('rejects invalid options naming the field', () => {
    expect(() => new FillRateTracker({ tauSec: 0, startSec: 0, intensity })).toThrow('tauSec');
    expect(() => new FillRateTracker({ tauSec: 1, startSec: Number.NaN, intensity })).toThrow(
      'startSec',
    );
    expect(
      () =>
        new FillRateTracker({
          tauSec: 1,
          startSec: 0,
          intensity: { bid: intensity, ask: { aPerSec: -1, kPerPrice: 1 } },
        }),
    ).toThrow('intensity.ask.aPerSec');
  });

  it('matches a direct sum over the fill times (independent calculation)', () => {
    const rng = createRng(3);
    const tau = 7;
    const start = 1000;
    const t = new FillRateTracker({ tauSec: tau, startSec: start, intensity });
    const times: number[] = [];
    let now = start;
    for (let i = 0; i < 300; i++) {
      now += rng.exponential() / 3;
      times.push(now);
      t.recordFill('ask', now);
      if (i % 37 === 0) {
        const at = now + rng.uniform();
        let sum = 0;
        for (const ti of times) sum += Math.exp(-(at - ti) / tau);
        const direct = sum / (tau * (1 - Math.exp(-(at - start) / tau)));
        expect(t.realizedRatePerSec('ask', at)).toBeCloseTo(direct, 10);
      }
    }
  });

  /**
   * A Poisson stream of rate `lambda`. The estimate at time `T` after the start is
   * `S / (tau c)` with `S = sum_i exp(-(T - t_i) / tau)` and `c = 1 - exp(-T / tau)`. By
   * Campbell's theorem `E[S] = lambda tau c` (so the estimate is unbiased) and
   * `Var[S] = lambda (tau / 2) (1 - exp(-2T / tau))`, hence
   * `Var[estimate] = lambda (1 + exp(-T / tau)) / (2 tau (1 - exp(-T / tau)))`, which tends to
   * `lambda / (2 tau)` for `T >> tau`.
   */
  it('estimates the rate of a Poisson stream within a few standard errors', () => {
    const lambda = 5;
    const tau = 20;
    const variance = (elapsed: number) =>
      (lambda * (1 + Math.exp(-elapsed / tau))) / (2 * tau * (1 - Math.exp(-elapsed / tau)));

    // (1) Long run: estimates 10 tau apart are nearly independent (correlation e^-10).
    const rng = createRng(42);
    const t = new FillRateTracker({ tauSec: tau, startSec: 0, intensity });
    const estimates: number[] = [];
    let now = rng.exponential() / lambda;
    for (let k = 1; k <= 200; k++) {
      const at = k * 10 * tau;
      while (now <= at) {
        t.recordFill('bid', now);
        now += rng.exponential() / lambda;
      }
      estimates.push(t.realizedRatePerSec('bid', at));
    }
    const n = estimates.length;
    const mean = estimates.reduce((a, b) => a + b, 0) / n;
    const sampleVar = estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
    const se = Math.sqrt(lambda / (2 * tau));
    // Each estimate within 5 standard errors; their mean within 4 standard errors of the mean.
    for (const e of estimates) expect(Math.abs(e - lambda)).toBeLessThan(5 * se);
    expect(Math.abs(mean - lambda)).toBeLessThan((4 * se) / Math.sqrt(n));
    // Sample variance against lambda / (2 tau): its relative sd is about sqrt(2 / (n - 1)) = 0.1.
    expect(sampleVar / se ** 2).toBeGreaterThan(0.6);
    expect(sampleVar / se ** 2).toBeLessThan(1.4);

    // (2) Early: unbiased already at T = tau / 2 (replicas from fresh trackers).
    const early = tau / 2;
    const reps = 400;
    let sum = 0;
    for (let r = 0; r < reps; r++) {
      const x = new FillRateTracker({ tauSec: tau, startSec: 0, intensity });
      for (let s = rng.exponential() / lambda; s <= early; s += rng.exponential() / lambda)
        x.recordFill('ask', s);
      sum += x.realizedRatePerSec('ask', early);
    }
    expect(Math.abs(sum / reps - lambda)).toBeLessThan(4 * Math.sqrt(variance(early) / reps));
  });
});
