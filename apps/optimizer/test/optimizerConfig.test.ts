import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOptimizerConfig, OptimizerConfigError, parseOptimizerConfig } from '@mm/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidJobDataError } from '../src/queue/enqueue.js';
import {
  deepMerge,
  schedulesFromConfig,
  validationAssetOf,
} from '../src/queue/schedulesFromConfig.js';
import { engineConfigFor } from './support/configs.js';

describe('optimizer config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm-optimizer-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('has defaults for everything', () => {
    const c = parseOptimizerConfig({});
    expect(c.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      prefix: 'default',
      connectTimeoutMs: 2000,
    });
    expect(c.metrics).toEqual({ enabled: true, host: '127.0.0.1', port: 9465 });
    expect(c.workers).toMatchObject({
      enabled: true,
      concurrency: {},
      sandbox: 'threads',
      maxStalledCount: 2,
    });
    expect(c.jobs).toEqual({ attempts: 3, backoffMs: 1000, keepCompleted: 1000, keepFailed: 5000 });
    expect(c.schedule).toEqual({});
    expect(c.results).toEqual({ validForSec: 300, source: 'optimizer' });
    const s = parseOptimizerConfig({
      engineConfig: 'e.yaml',
      schedule: { validation: {}, calibration: {}, solve: { everySec: 5 } },
    }).schedule;
    expect(s.validation).toEqual({ enabled: true, everySec: 60, data: {} });
    expect(s.calibration).toEqual({ enabled: true, everySec: 60, windowSec: 3600, data: {} });
    expect(s.solve?.everySec).toBe(5);
  });

  it('names every bad field', () => {
    const bad = () =>
      parseOptimizerConfig({
        redis: { prefix: 'a b' },
        metrics: { port: 70_000 },
        workers: { sandbox: 'fibers', concurrency: { solve: 0, nope: 1 } },
        schedule: { validation: { everySec: -1 } },
        results: { validForSec: 0 },
        extra: true,
      });
    expect(bad).toThrow(OptimizerConfigError);
    const message = (() => {
      try {
        bad();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    for (const path of [
      'config.redis.prefix',
      'config.metrics.port',
      'config.workers.sandbox',
      'config.workers.concurrency.solve',
      'config.workers.concurrency',
      'config.schedule.validation.everySec',
      'config.results.validForSec',
    ]) {
      expect(message).toContain(`${path}: `);
    }
    expect(message).toMatch(/extra/);
    expect(() => parseOptimizerConfig({ schedule: { solve: {} } })).toThrow(
      /config\.engineConfig: the solve schedule needs the engine's config/,
    );
  });

  it('loads YAML and JSON, resolving engineConfig against the file', async () => {
    const yaml = join(dir, 'optimizer.yaml');
    await writeFile(
      yaml,
      'redis:\n  prefix: prod\nengineConfig: ./engine.yaml\nworkers:\n  concurrency:\n    grid-search: 4\n',
    );
    const c = await loadOptimizerConfig(yaml);
    expect(c.redis.prefix).toBe('prod');
    expect(c.engineConfig).toBe(join(dir, 'engine.yaml'));
    expect(c.workers.concurrency).toEqual({ 'grid-search': 4 });
    const json = join(dir, 'optimizer.json');
    await writeFile(json, JSON.stringify({ metrics: { port: 0 } }));
    expect((await loadOptimizerConfig(json)).metrics.port).toBe(0);
    await writeFile(json, '{ nope');
    await expect(loadOptimizerConfig(json)).rejects.toThrow(
      /optimizer\.json: not valid YAML\/JSON/,
    );
    await expect(loadOptimizerConfig(join(dir, 'missing.yaml'))).rejects.toThrow(
      /missing\.yaml: cannot read config file \(ENOENT\)/,
    );
    await writeFile(yaml, 'workers:\n  concurrency:\n    solve: 1.5\n');
    await expect(loadOptimizerConfig(yaml)).rejects.toThrow(
      /config\.workers\.concurrency\.solve: expected an integer > 0/,
    );
  });

  it('validates scheduled job data, naming the config path', () => {
    const engine = engineConfigFor('x');
    const config = parseOptimizerConfig({
      engineConfig: 'e.yaml',
      schedule: { solve: { data: { assets: [{ asset: 'BTC', sigma: -1 }] } } },
    });
    // arrays are replaced, so the override's asset is incomplete
    const err = (() => {
      try {
        schedulesFromConfig(config, engine);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidJobDataError);
    expect(err).toMatchObject({ field: 'config.schedule.solve.data.assets[0].sigma' });
    const noEngine = parseOptimizerConfig({ schedule: { validation: { data: { paths: 1 } } } });
    expect(() => schedulesFromConfig(noEngine, undefined)).toThrow(
      /config\.schedule\.validation\.data\.market: missing/,
    );
  });

  it('derives scheduler ids, assets and merged data', () => {
    expect(validationAssetOf('validation-BTC')).toBe('BTC');
    expect(validationAssetOf('validation')).toBe('default');
    expect(validationAssetOf(undefined)).toBe('adhoc');
    expect(deepMerge({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2, 3] })).toEqual({
      a: { b: 1, c: 3 },
      d: [2, 3],
    });
  });
});
