import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseEngineConfig } from '@mm/engine';
import { parseOptimizerConfig, schedulesFromConfig } from '@mm/optimizer';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricNames } from '../src/dashboardQueries.js';
import { ENGINE_JOB, OPTIMIZER_JOB, PROMETHEUS } from '../src/dashboards/common.js';
import { knownSeriesNames } from './support/metricCatalog.js';
import { freePort } from './support/prometheus.js';
import { connectRedis } from './support/redis.js';

/**
 * The stack's configuration files: Prometheus (checked by promtool), alert rules, Grafana
 * provisioning, redis.conf (loaded by a real redis-server), docker-compose.yml and the Dockerfile.
 */

const INFRA = fileURLToPath(new URL('..', import.meta.url));
const ROOT = resolve(INFRA, '..');
const run = promisify(execFile);
const read = (path: string) => readFile(join(INFRA, path), 'utf8');
const yamlFile = async (path: string) => parse(await read(path), { merge: true });

/** A Debian binary: present, or the test is skipped outside CI and fails in CI. */
function binary(path: string, pkg: string): { present: boolean; skip: boolean } {
  const present = existsSync(path);
  if (!present && !process.env.CI)
    console.warn(
      `${path} not found: skipping its check (apt-get install -y ${pkg}; required in CI)`,
    );
  return { present, skip: !present && !process.env.CI };
}

const promtool = binary('/usr/bin/promtool', 'prometheus');
const redisServer = binary(process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server', 'redis-server');

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  static_configs: Array<{ targets: string[] }>;
}

describe('prometheus/', () => {
  it('scrapes the engine and the optimizer every 5 s and loads the alert rules', async () => {
    const config = await yamlFile('prometheus/prometheus.yml');
    expect(config.global.scrape_interval).toBe('5s');
    expect(config.rule_files).toEqual(['alerts.yml']);
    const jobs = Object.fromEntries(
      (config.scrape_configs as ScrapeConfig[]).map((j) => [
        j.job_name,
        j.static_configs.flatMap((s) => s.targets),
      ]),
    );
    expect(jobs).toEqual({ [ENGINE_JOB]: ['engine:9464'], [OPTIMIZER_JOB]: ['optimizer:9465'] });
  });

  it.skipIf(promtool.skip)('passes promtool check config (rules included)', async () => {
    if (!promtool.present) throw new Error('promtool missing: apt-get install -y prometheus');
    const { stdout } = await run('/usr/bin/promtool', [
      'check',
      'config',
      join(INFRA, 'prometheus/prometheus.yml'),
    ]);
    expect(stdout).toMatch(/SUCCESS/);
  });

  it('alert rules read only metrics the engine, the optimizer or Prometheus export', async () => {
    const known = await knownSeriesNames();
    const rules = await yamlFile('prometheus/alerts.yml');
    const all = (rules.groups as Array<{ rules: Array<{ alert: string; expr: string }> }>).flatMap(
      (g) => g.rules,
    );
    expect(all.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'MmKillSwitchEngaged',
        'MmFillLedgerDegraded',
        'MmInventoryDrift',
        'MmStaleData',
        'MmTickToQuoteSlow',
      ]),
    );
    for (const r of all)
      for (const name of metricNames(r.expr))
        expect(known.has(name), `${r.alert}: ${name}`).toBe(true);
    const slow = all.find((r) => r.alert === 'MmTickToQuoteSlow')!;
    expect(slow.expr).toMatch(
      /histogram_quantile\(0\.99,.*mm_tick_to_quote_seconds_bucket.*> 0\.0002/s,
    );
  });
});

describe('grafana/provisioning', () => {
  it('provisions Prometheus with uid prometheus at http://prometheus:9090', async () => {
    const ds = await yamlFile('grafana/provisioning/datasources/prometheus.yml');
    expect(ds.apiVersion).toBe(1);
    expect(ds.datasources).toHaveLength(1);
    expect(ds.datasources[0]).toMatchObject({
      type: PROMETHEUS.type,
      uid: PROMETHEUS.uid,
      url: 'http://prometheus:9090',
      access: 'proxy',
      isDefault: true,
    });
  });

  it('provisions the dashboards folder that docker-compose mounts', async () => {
    const provider = await yamlFile('grafana/provisioning/dashboards/dashboards.yml');
    expect(provider.apiVersion).toBe(1);
    expect(provider.providers).toHaveLength(1);
    const p = provider.providers[0];
    expect(p.type).toBe('file');
    const compose = await yamlFile('docker-compose.yml');
    expect(compose.services.grafana.volumes).toContain(`./grafana/dashboards:${p.options.path}:ro`);
    expect(compose.services.grafana.volumes).toContain(
      './grafana/provisioning:/etc/grafana/provisioning:ro',
    );
  });
});

describe('redis/redis.conf', () => {
  const directives = async () =>
    new Map(
      (await read('redis/redis.conf'))
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => {
          const [key, ...rest] = l.split(/\s+/);
          return [key!, rest.join(' ')] as const;
        }),
    );

  it('never evicts and persists every write (AOF fsynced always, RDB snapshots)', async () => {
    const d = await directives();
    expect(d.get('maxmemory-policy')).toBe('noeviction');
    expect(d.get('appendonly')).toBe('yes');
    expect(d.get('appendfsync')).toBe('always');
    expect(d.get('bind')).toBe('0.0.0.0');
    expect(d.get('save')).toBeTruthy();
  });

  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(redisServer.skip)(
    'is accepted by a real redis-server',
    async () => {
      if (!redisServer.present)
        throw new Error('redis-server missing: apt-get install -y redis-server');
      dir = await mkdtemp(join(tmpdir(), 'mm-infra-redis-'));
      const port = await freePort();
      // The file as is; only where it listens and writes is overridden for the test.
      const server = spawn(
        process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server',
        [
          join(INFRA, 'redis/redis.conf'),
          '--bind',
          '127.0.0.1',
          '--port',
          String(port),
          '--dir',
          dir,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      server.stdout.on('data', (c: Buffer) => {
        output += c.toString();
      });
      server.stderr.on('data', (c: Buffer) => {
        output += c.toString();
      });
      const exited = new Promise((r) => server.once('exit', r));
      try {
        let client: Redis | undefined;
        for (let i = 0; i < 50 && !client; i++) {
          client = await connectRedis(`redis://127.0.0.1:${port}`, 200).catch(() => undefined);
          if (!client) await new Promise((r) => setTimeout(r, 100));
        }
        if (!client) throw new Error(`redis-server did not start with redis.conf:\n${output}`);
        const get = async (key: string) => (await client!.config('GET', key)) as string[];
        expect(await get('maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
        expect(await get('appendonly')).toEqual(['appendonly', 'yes']);
        expect(await get('appendfsync')).toEqual(['appendfsync', 'always']);
        client.disconnect();
      } finally {
        server.kill('SIGTERM');
        await exited;
      }
    },
    60_000,
  );
});

describe('docker-compose.yml', () => {
  it('runs Redis, the engine, the optimizer, Prometheus and Grafana from files that exist', async () => {
    const compose = await yamlFile('docker-compose.yml');
    const services = compose.services as Record<string, Record<string, unknown>>;
    expect(Object.keys(services).sort()).toEqual(
      ['engine', 'grafana', 'optimizer', 'prometheus', 'redis'].sort(),
    );
    expect(services.engine!.command).toEqual(['run', '--config', '/config/engine.yaml']);
    expect(services.optimizer!.command).toEqual([
      'optimizer',
      '--config',
      '/config/optimizer.yaml',
    ]);
    for (const name of ['engine', 'optimizer']) {
      const s = services[name]!;
      expect(s.build).toEqual({ context: '..', dockerfile: 'infra/Dockerfile' });
      expect(s.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    }
    expect(services.redis!.command).toEqual(['redis-server', '/usr/local/etc/redis/redis.conf']);
    expect(services.prometheus!.volumes).toContain('./prometheus:/etc/prometheus:ro');
    // Every bind mount's source exists (named volumes are declared).
    const named = Object.keys(compose.volumes ?? {});
    for (const [name, s] of Object.entries(services))
      for (const v of (s.volumes ?? []) as string[]) {
        const source = v.split(':')[0]!;
        if (source.startsWith('.'))
          expect(existsSync(join(INFRA, source)), `${name}: ${v}`).toBe(true);
        else expect(named, `${name}: ${v}`).toContain(source);
      }
    expect(existsSync(join(INFRA, 'Dockerfile'))).toBe(true);
    expect(existsSync(join(INFRA, 'Dockerfile.dockerignore'))).toBe(true);
  });

  it('gives the engine the default config with Redis and metrics reachable in the stack', async () => {
    const compose = await yamlFile('config/engine.compose.yaml');
    const config = parseEngineConfig(compose);
    const defaults = parseEngineConfig(
      parse(await readFile(join(ROOT, 'config/default.yaml'), 'utf8')),
    );
    expect(config.assets).toEqual(defaults.assets);
    expect(config.venues).toEqual(defaults.venues);
    expect(config.risk).toEqual(defaults.risk);
    expect(config.portfolio).toEqual(defaults.portfolio);
    expect(config.redis.url).toBe('redis://redis:6379');
    expect(config.metrics).toEqual({ enabled: true, host: '0.0.0.0', port: 9464 });
    // The optimizer's config as the optimizer reads it, its scheduled jobs built for this engine.
    const optimizer = parseOptimizerConfig(await yamlFile('config/optimizer.compose.yaml'));
    expect(optimizer.metrics).toEqual({ enabled: true, host: '0.0.0.0', port: 9465 });
    expect(optimizer.redis).toMatchObject({
      url: 'redis://redis:6379',
      prefix: config.redis.prefix,
    });
    expect(optimizer.engineConfig).toBe('engine.yaml');
    const schedules = schedulesFromConfig(optimizer, config);
    expect(new Set(schedules.jobs.map((j) => j.type))).toEqual(
      new Set(['grid-search', 'calibrate', 'solve']),
    );
    const stack = await yamlFile('docker-compose.yml');
    expect(stack.services.optimizer.volumes).toContain(
      './config/engine.compose.yaml:/config/engine.yaml:ro',
    );
  });

  it('builds on node:20-slim with the pinned pnpm and the frozen lockfile', async () => {
    const dockerfile = await read('Dockerfile');
    expect(dockerfile).toMatch(/^FROM node:20-slim$/m);
    expect(dockerfile).toContain('npm install -g pnpm@10.34.9');
    expect(dockerfile).toContain('pnpm install --frozen-lockfile');
    expect(dockerfile).toMatch(/ENTRYPOINT \["node", "apps\/cli\/dist\/main\.js"\]/);
  });

  it('passes `docker compose config` where Docker Compose runs', async () => {
    const ok = await run('docker', ['compose', 'version']).then(
      () => true,
      () => false,
    );
    if (!ok) {
      console.warn('docker compose unavailable: compose file checked structurally only');
      return;
    }
    await run('docker', ['compose', '-f', join(INFRA, 'docker-compose.yml'), 'config', '--quiet']);
  });
});
