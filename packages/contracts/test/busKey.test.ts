import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BusKey, BusKeyError, loadBusKey, redactSecretsOf, redactUrl } from '../src/index.js';
import { TEST_KEY_TEXT } from './support/wire.js';

const dir = mkdtempSync(join(tmpdir(), 'mm-bus-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signs = (key: BusKey | null) => key?.sign('x');
const reference = BusKey.fromText(TEST_KEY_TEXT, 'reference').sign('x');

describe('loadBusKey', () => {
  it('MM_BUS_KEY from the environment, else the key file, else none', async () => {
    expect(signs(await loadBusKey({ env: { MM_BUS_KEY: TEST_KEY_TEXT } }))).toBe(reference);
    const file = join(dir, 'bus.key');
    writeFileSync(file, `${TEST_KEY_TEXT}\n`);
    const fromFile = await loadBusKey({ env: {}, file });
    expect(signs(fromFile)).toBe(reference); // the trailing newline is not part of the key
    expect(fromFile?.origin).toBe(`redis.busKeyFile (${file})`);
    expect(await loadBusKey({ env: {} })).toBeNull();
    expect(await loadBusKey({ env: { MM_BUS_KEY: '' } })).toBeNull();
  });

  it('errors name the variable or field and never contain the key', async () => {
    // Started one at a time: a rejection must have its handler before it settles.
    const attempts = [
      () => loadBusKey({ env: { MM_BUS_KEY: 'too-short' } }),
      () => loadBusKey({ env: { MM_BUS_KEY: TEST_KEY_TEXT }, file: join(dir, 'x') }),
      () => loadBusKey({ env: {}, file: join(dir, 'missing.key') }),
      () => loadBusKey({ env: {}, file: dir }),
      () => loadBusKey({ env: {}, file: '/proc/self/status' }),
    ];
    const messages: string[] = [];
    for (const attempt of attempts) {
      const e = await attempt().then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(BusKeyError);
      messages.push((e as Error).message);
    }
    expect(messages[0]).toMatch(/^MM_BUS_KEY: the bus key must be at least 16 bytes, got 9/);
    expect(messages[1]).toMatch(/^MM_BUS_KEY and redis\.busKeyFile are both set/);
    expect(messages[2]).toMatch(
      /^redis\.busKeyFile: cannot read the bus key file .*missing\.key \(ENOENT\)$/,
    );
    expect(messages[3]).toMatch(/^redis\.busKeyFile: .* must be a regular, non-empty file/);
    expect(messages[4]).toMatch(
      /^redis\.busKeyFile: \/proc\/self\/status must be a regular, non-empty file/,
    );
    for (const m of messages) expect(m).not.toContain(TEST_KEY_TEXT);
  });

  it('an unreadable key file names the field (EACCES), unless running as root', async () => {
    const file = join(dir, 'locked.key');
    writeFileSync(file, TEST_KEY_TEXT);
    chmodSync(file, 0o000);
    const e = await loadBusKey({ env: {}, file }).then(
      () => null,
      (err: unknown) => err as Error,
    );
    if (process.getuid?.() === 0) expect(e).toBeNull();
    else expect(e?.message).toMatch(/^redis\.busKeyFile: cannot read .*\(EACCES\)$/);
  });

  it('ephemeral keys differ between calls (one per process)', () => {
    expect(BusKey.ephemeral().sign('x')).not.toBe(BusKey.ephemeral().sign('x'));
    expect(BusKey.ephemeral().origin).toBe('ephemeral');
  });
});

describe('redactUrl', () => {
  it.each([
    ['redis://app:s3cret@host:6379/0', 'redis://app:***@host:6379/0'],
    ['redis://:s3cret@127.0.0.1:6379', 'redis://:***@127.0.0.1:6379'],
    ['rediss://token@host:6380', 'rediss://***@host:6380'],
    ['redis://a:b@c@host:1', 'redis://a:***@host:1'],
    ['redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
    ['redis://host/0?x=a@b', 'redis://host/0?x=a@b'],
    ['not a url with pw@host', '***@host'],
  ])('%s -> %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });

  it('redactSecretsOf removes the URL and its password, raw or percent-decoded, from a text', () => {
    const url = 'redis://app:p%40ss-word@host:1';
    const text = `connect ${url} failed: WRONGPASS for p@ss-word and p%40ss-word`;
    const out = redactSecretsOf(text, url);
    expect(out).toBe('connect redis://app:***@host:1 failed: WRONGPASS for *** and ***');
  });
});
