import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ConfigFileError,
  finitePositive,
  formatConfigPath,
  formatPath,
  integerIn,
  positionLimitLotsOf,
  positive,
  positiveInt,
  readConfigFile,
} from '../src/index.js';

describe('formatPath', () => {
  it('writes paths as in YAML/JSON, with or without a root', () => {
    expect(formatPath(['assets', 1, 'model', 'A'])).toBe('assets[1].model.A');
    expect(formatPath(['corr', 0, 2])).toBe('corr[0][2]');
    expect(formatPath([0, 'x'])).toBe('[0].x');
    expect(formatPath([])).toBe('');
    expect(formatConfigPath(['assets', 0, 'lotSizeBase'])).toBe('config.assets[0].lotSizeBase');
    expect(formatConfigPath([])).toBe('config');
  });
});

describe('field builders', () => {
  const messageOf = (schema: z.ZodType, value: unknown) => {
    const r = schema.safeParse(value);
    return r.success ? null : r.error.issues[0]?.message;
  };
  it('config and data fields keep their messages', () => {
    expect(messageOf(positive(), 0)).toBe('expected a number > 0');
    expect(messageOf(positive(), 'x')).toBe('expected a number > 0');
    expect(messageOf(positiveInt(), 1.5)).toBe('expected an integer > 0');
    expect(messageOf(finitePositive(), -1)).toBe('expected a finite number > 0');
    expect(messageOf(finitePositive(10), 11)).toBe('expected a finite number in (0, 10]');
    expect(messageOf(integerIn(1, 3), 4)).toBe('expected an integer in [1, 3]');
    expect(messageOf(positive(), 2)).toBeNull();
  });
  it('the position limit: the asset own, else the risk one', () => {
    const config = { risk: { positionLimitLots: 8 } };
    expect(positionLimitLotsOf(config, {})).toBe(8);
    expect(positionLimitLotsOf(config, { positionLimitLots: 3 })).toBe(3);
  });
});

describe('readConfigFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mm-config-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads YAML by extension and JSON otherwise', async () => {
    await writeFile(join(dir, 'a.yml'), 'x: 1\ny: [a, b]\n');
    await writeFile(join(dir, 'a.json'), '{"x": 2}');
    expect(await readConfigFile(join(dir, 'a.yml'))).toEqual({ x: 1, y: ['a', 'b'] });
    expect(await readConfigFile(join(dir, 'a.json'))).toEqual({ x: 2 });
  });

  it('names the file, and the line of a YAML error', async () => {
    const missing = join(dir, 'missing.yaml');
    await expect(readConfigFile(missing)).rejects.toThrow(
      `${missing}: cannot read config file (ENOENT)`,
    );
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'a: 1\nb: [1, 2\n');
    const e = await readConfigFile(bad).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigFileError);
    expect((e as ConfigFileError).reason).toMatch(/^not valid YAML\/JSON: .*line 3/);
    const badJson = join(dir, 'bad.json');
    await writeFile(badJson, '{"a": }');
    await expect(readConfigFile(badJson)).rejects.toThrow(/bad\.json: not valid YAML\/JSON: /);
  });
});
