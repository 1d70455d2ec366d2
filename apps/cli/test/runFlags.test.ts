import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';
import {
  ENGINE_TEST_TIMEOUT_MS,
  MmProcess,
  REDIS_URL,
  scanKeys,
  TestEnv,
  UNREACHABLE_REDIS_URL,
} from './fixtures/engine/engineHarness.js';
import { main, root, useBuiltCli } from './support/builtCli.js';

// `--redis`, `--prefix`, `--metrics-port` of mm run / mm start, and a clean Ctrl-C under
// `pnpm start`. Every engine uses a unique `test:<uuid>` prefix (deleted afterwards).

const env = new TestEnv();
useBuiltCli();
afterAll(() => env.cleanup(), 30_000);

/** A TCP port free right now (the OS picks it; closed again before use). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function keysOf(prefix: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return await scanKeys(redis, `mm:${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}

describe('mm run --redis --prefix --metrics-port', { timeout: ENGINE_TEST_TIMEOUT_MS }, () => {
  it('override the config: Redis, every key under the new prefix, metrics on the given port', async ({
    expect,
  }) => {
    // The config points at an unreachable Redis under another prefix.
    const cfg = env.fastConfig({ redisUrl: UNREACHABLE_REDIS_URL });
    const prefix = env.prefix();
    const port = await freePort();
    const args = ['run', '--config', cfg.path, '--duration', '2', '--status-every', '0'];
    const r = await env.run([
      ...args,
      '--redis',
      REDIS_URL,
      '--prefix',
      prefix,
      '--metrics-port',
      String(port),
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^mm run: 3 assets on 2 venues, transport redis, metrics http://127\\.0\\.0\\.1:${port}/metrics\\.`,
      ),
    );
    const keys = await keysOf(prefix);
    expect(keys).toEqual(expect.arrayContaining([`mm:${prefix}:ledger`, `mm:${prefix}:snapshots`]));
    expect(await keysOf(cfg.prefix)).toEqual([]);
  });

  it('never print or log the password of --redis', async ({ expect }) => {
    const cfg = env.fastConfig();
    const r = await env.run([
      'run',
      '--config',
      cfg.path,
      '--duration',
      '1',
      '--status-every',
      '0',
      '--redis',
      'redis://mm-engine:s3cret@127.0.0.1:1',
    ]);
    // An explicit --redis means Redis is required: the start fails (exit 1) with one clear line.
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('redis://mm-engine:***@127.0.0.1:1');
    expect(r.stdout + r.stderr).not.toContain('s3cret');
  });

  const bad: [string[], RegExp][] = [
    [['--prefix', 'a b'], /^mm run: option "--prefix": expected letters, digits, _ \. : -$/],
    [['--metrics-port', '70000'], /^mm run: option "--metrics-port": .*65535/],
    [
      ['--metrics-port', 'x'],
      /^mm run: option "--metrics-port": expected an integer port .*got "x"$/,
    ],
    [['--redis', ''], /^mm run: option "--redis": /],
  ];
  for (const [flags, message] of bad)
    it(`mm run ${flags.join(' ')}: exit 2 naming the option, nothing started`, async ({
      expect,
    }) => {
      const cfg = env.fastConfig();
      const r = await env.run(['run', '--config', cfg.path, ...flags]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
    });
});

describe('Ctrl-C under pnpm start', { timeout: 180_000 }, () => {
  it('stops cleanly and looks clean: exit 0, no ELIFECYCLE, 0 orders left open', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    // `pnpm start` as a user runs it, in its own process group: a terminal's Ctrl-C signals the
    // whole group (pnpm, and mm, which pnpm also forwards the signal to).
    const child = spawn(
      'pnpm',
      [
        'start',
        '--no-optimizer',
        '--config',
        cfg.path,
        '--metrics-port',
        '0',
        '--status-every',
        '0.5',
      ],
      {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LOG_LEVEL: 'warn' },
      },
    );
    const p = new MmProcess(child);
    await p.waitFor('the start line', () => p.stdout.includes('Ctrl-C stops'), 150_000);
    await p.waitFor('a status table', () => /\n {2}BTC /.test(p.stdout), 30_000);
    process.kill(-child.pid!, 'SIGINT');
    const r = await p.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('ELIFECYCLE');
    expect(r.stdout).toMatch(
      /mm start: stopped \(SIGINT\); \d+ fills recorded, 0 orders left open\n$/,
    );
  });
});

/** util-linux `script` gives a command a pseudo-terminal (stdout and stderr one TTY). */
const SCRIPT = '/usr/bin/script';

describe('logs and the status table', { timeout: ENGINE_TEST_TIMEOUT_MS }, () => {
  const noScript = existsSync(SCRIPT)
    ? null
    : `skipped: ${SCRIPT} not found (Debian's util-linux provides it)`;
  if (noScript) console.warn(`logs and the status table on a terminal: ${noScript}`);

  it('on a terminal, logs go to a file under ledger.dir (said at start), never between the tables', async ({
    expect,
    skip,
  }) => {
    if (noScript) skip(noScript);
    const cfg = env.fastConfig();
    const command = [
      process.execPath,
      main,
      'run',
      '--config',
      cfg.path,
      '--duration',
      '2',
      '--status-every',
      '0.5',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const p = new MmProcess(
      spawn(SCRIPT, ['-qefc', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    const r = await p.exited;
    expect(r.code, r.stdout).toBe(0);
    const file = join(cfg.ledgerDir, 'mm-run.log');
    const lines = r.stdout.split(/\r?\n/);
    expect(lines[1]).toBe(`mm run: logs (JSON lines) in ${file}`);
    expect(lines.filter((l) => l.trimStart().startsWith('{'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('transport redis')).length).toBeGreaterThanOrEqual(2);
    const logs = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['engine started', 'engine stopped']),
    );
  });

  it('off a terminal, logs are on stderr (said at start); --log-file moves them to a file', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    const base = ['run', '--config', cfg.path, '--duration', '1', '--status-every', '0'];
    const file = join(env.tempDir(), 'sub', 'engine.log');
    const [plain, toFile] = await Promise.all([
      env.run(base),
      env.run([...base, '--log-file', file]),
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout.split('\n')[1]).toBe('mm run: logs (JSON lines) on stderr');
    expect(plain.stderr).toContain('"msg":"engine started"');
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(toFile.stdout.split('\n')[1]).toBe(`mm run: logs (JSON lines) in ${file}`);
    expect(toFile.stderr).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('"msg":"engine stopped"');
  });
});
