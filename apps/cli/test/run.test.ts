import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';
import {
  ENGINE_TEST_TIMEOUT_MS,
  type Finished,
  jsonLines,
  parseStatusBlocks,
  REDIS_URL,
  scanKeys,
  TestEnv,
  UNREACHABLE_REDIS_URL,
} from './fixtures/engine/engineHarness.js';
import { useBuiltCli } from './support/builtCli.js';

// `mm run` / `mm start` spawned as built. Every running engine uses its own `test:<uuid>` prefix,
// a free metrics port and a temp ledger dir (see fixtures/engine); never the defaults.

const env = new TestEnv();
useBuiltCli();
afterAll(() => env.cleanup(), 30_000);

const ASSETS = ['BTC', 'ETH', 'SOL'];
const startLine = (command: string, transport: string) =>
  new RegExp(
    `^mm ${command}: (\\d+) assets on (\\d+) venues, transport ${transport}, metrics http://127\\.0\\.0\\.1:(\\d+)/metrics\\. Ctrl-C stops`,
  );
const FINAL_LINE = /^mm run: stopped \((.+)\); (\d+) fills recorded, 0 orders left open$/;

/** The last stdout line, parsed: stop reason and fills recorded. */
function finalLine(r: Finished): { reason: string; fills: number } {
  const last = r.stdout.trimEnd().split('\n').at(-1) ?? '';
  const m = FINAL_LINE.exec(last);
  if (!m)
    throw new Error(`final line: ${last}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
  return { reason: m[1]!, fills: Number(m[2]) };
}

/** A small valid JSON engine config (one asset, one simulated venue); `edit` changes it. */
// biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary JSON
function jsonConfig(edit: (c: Record<string, any>) => void = () => {}): string {
  const dir = env.tempDir();
  // biome-ignore lint/suspicious/noExplicitAny: tests edit arbitrary JSON
  const config: Record<string, any> = {
    assets: [
      {
        symbol: 'BTC',
        lotSizeBase: 0.001,
        tickSize: 0.5,
        qMaxLots: 10,
        policy: 'exact',
        model: { sigma: 6, A: 8, k: 0.111, gamma: 0.002 },
      },
    ],
    venues: [{ name: 'sim', kind: 'sim', bookIntervalMs: 20, initialMidPrice: { BTC: 60000 } }],
    risk: {
      positionLimitLots: 10,
      portfolioNotionalLimit: 100000,
      maxOrdersPerSec: 200,
      staleDataTimeoutMs: 2000,
      priceBandBps: 50,
    },
    redis: { url: REDIS_URL, prefix: env.prefix() },
    metrics: { port: 0 },
    ledger: { dir: join(dir, 'ledger') },
  };
  edit(config);
  return env.file('engine.json', `${JSON.stringify(config, null, 2)}\n`);
}

/** Exit 2, nothing on stdout, one line on stderr (no stack trace) matching `message`. */
function expectUsageError(expect: typeof import('vitest').expect, r: Finished, message: RegExp) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe.concurrent('mm run on a running engine', { timeout: ENGINE_TEST_TIMEOUT_MS }, () => {
  it('--duration 2: start line, status tables of the three assets, 0 orders left open, JSON logs', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    const json = jsonConfig();
    const [r, j] = await Promise.all([
      env.run(['run', '--config', cfg.path, '--duration', '2', '--status-every', '0.5']),
      env.run(['run', '--config', json, '--duration', '1', '--status-every', '0.5']),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const start = startLine('run', 'redis').exec(lines[0]!);
    expect(start, lines[0]).not.toBeNull();
    expect(start!.slice(1, 3)).toEqual(['3', '2']);
    expect(Number(start![3])).not.toBe(9464); // metrics.port 0: a free port
    const blocks = parseStatusBlocks(r.stdout);
    expect(blocks.length).toBeGreaterThanOrEqual(2); // ~3 periodic (fewer on a loaded machine) + the final one
    for (const b of blocks) {
      expect(b.rows.map((row) => row.asset)).toEqual(ASSETS);
      expect(b.transport).toBe('redis');
    }
    const running = blocks.slice(0, -1);
    for (const asset of ASSETS) {
      // every asset is quoted while running (one side may be pulled at the position limit)
      const rows = running.flatMap((b) => b.rows.filter((row) => row.asset === asset));
      expect(rows.some((row) => row.bid !== null || row.ask !== null)).toBe(true);
      expect(rows.every((row) => row.bid === null || row.ask === null || row.bid < row.ask)).toBe(
        true,
      );
    }
    // the final table: shutdown holds the kill switch and no quote is left
    const last = blocks.at(-1)!;
    expect(last.head).toContain('KILLED (shutdown: duration 2s)');
    expect(last.rows.every((row) => row.bid === null && row.ask === null)).toBe(true);
    const final = finalLine(r);
    expect(final.reason).toBe('duration 2s');
    expect(final.fills).toBeGreaterThan(0); // A = 8/s per quote: fills within a second
    expect(final.fills).toBe(last.fills);

    const logs = jsonLines(r.stderr); // throws on a non-JSON line
    const msgs = logs.map((l) => l.msg);
    expect(msgs).toContain('engine started');
    expect(msgs.some((m) => m.includes('embedded mode'))).toBe(false);
    const transport = logs.find((l) => l.msg === 'Redis transport');
    expect(transport?.prefix).toBe(cfg.prefix);
    const stopped = logs.find((l) => l.msg === 'engine stopped');
    expect(stopped).toMatchObject({ leftoverOrders: 0, fillsRecorded: final.fills });

    // the fills went to Redis under the test prefix
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.xlen(`mm:${cfg.prefix}:fills`)).toBe(final.fills);
    } finally {
      redis.disconnect();
    }

    // a JSON config runs the same way
    expect(j.code, j.stderr).toBe(0);
    expect(startLine('run', 'redis').exec(j.stdout)?.slice(1, 3)).toEqual(['1', '1']);
    expect(finalLine(j).reason).toBe('duration 1s');
    expect(() => jsonLines(j.stderr)).not.toThrow();
  });

  for (const [signal, logLevel] of [
    ['SIGTERM', 'info'],
    ['SIGINT', 'warn'],
  ] as const) {
    it(`without --duration, ${signal} stops it gracefully: exit 0, 0 orders left open`, async ({
      expect,
    }) => {
      const cfg = env.fastConfig();
      const p = env.spawn([
        'run',
        '--config',
        cfg.path,
        '--status-every',
        '0.25',
        '--log-level',
        logLevel,
      ]);
      // running, quoting and filling before the signal
      await p.waitFor('a status table with fills and quotes', () =>
        p
          .statusBlocks()
          .some((b) => b.fills > 0 && b.rows.some((row) => row.bid !== null || row.ask !== null)),
      );
      expect(p.child.kill(signal)).toBe(true);
      const r = await p.exited;
      expect(r.signal).toBeNull();
      expect(r.code, r.stderr).toBe(0);
      expect(finalLine(r).reason).toBe(signal);
      const last = parseStatusBlocks(r.stdout).at(-1)!;
      expect(last.head).toContain(`KILLED (shutdown: ${signal})`);
      const logs = jsonLines(r.stderr);
      expect(logs.find((l) => l.msg.startsWith('shutting down'))?.reason).toBe(signal);
      if (logLevel === 'warn') {
        expect(logs.every((l) => l.level >= 40)).toBe(true);
        expect(logs.some((l) => l.msg === 'engine started')).toBe(false);
      } else {
        expect(logs.find((l) => l.msg === 'engine stopped')).toMatchObject({ leftoverOrders: 0 });
      }
    });
  }

  it('Redis unreachable: embedded mode (said once), fills in the file ledger under ledger.dir', async ({
    expect,
  }) => {
    // A `test-<uuid>` prefix: `test:<uuid>` trips the file-ledger bug tested below.
    const cfg = env.fastConfig({
      redisUrl: UNREACHABLE_REDIS_URL,
      prefix: env.prefix('-'),
      redisRequired: false,
    });
    const r = await env.run([
      'run',
      '--config',
      cfg.path,
      '--duration',
      '1.5',
      '--status-every',
      '0.5',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(startLine('run', 'in-process'));
    const blocks = parseStatusBlocks(r.stdout);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    expect(blocks.every((b) => b.transport === 'in-process')).toBe(true);
    const logs = jsonLines(r.stderr);
    const embedded = logs.filter((l) => l.msg.includes('embedded mode'));
    expect(embedded).toHaveLength(1);
    expect(embedded[0]!.level).toBe(40);
    expect(String(embedded[0]!.reason)).toContain(UNREACHABLE_REDIS_URL);
    const { fills } = finalLine(r);
    expect(fills).toBeGreaterThan(0);
    const ledger = join(cfg.ledgerDir, `fills-${cfg.prefix}.jsonl`);
    expect(existsSync(ledger)).toBe(true);
    const records = jsonLines(readFileSync(ledger, 'utf8'));
    expect(records).toHaveLength(fills);
    for (const rec of records) {
      expect(['sim-a', 'sim-b']).toContain(rec.venue);
      expect(ASSETS).toContain(rec.asset);
    }
    // nothing under the prefix in the (real) Redis
    const redis = new Redis(REDIS_URL);
    try {
      expect(await scanKeys(redis, `mm:${cfg.prefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  // `redis.prefix` may hold ':' (`test:<uuid>`); the embedded ledger's file name escapes it.
  it('Redis unreachable with a `test:<uuid>` prefix: embedded mode still starts', async ({
    expect,
  }) => {
    const cfg = env.fastConfig({ redisUrl: UNREACHABLE_REDIS_URL, redisRequired: false });
    const r = await env.run(['run', '--config', cfg.path, '--duration', '0.5']);
    expect(r.code, r.stderr).toBe(0);
    expect(finalLine(r).reason).toBe('duration 0.5s');
  });

  it('an explicit redis section that does not answer: exit 1 with one clear line, password redacted, no fallback', async ({
    expect,
  }) => {
    const url = 'redis://app:hunter2-secret@127.0.0.1:1';
    const cfg = env.fastConfig({ redisUrl: url });
    const r = await env.run(['run', '--config', cfg.path, '--duration', '5']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const last = r.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(
      /^mm run: engine did not start: Redis at redis:\/\/app:\*\*\*@127\.0\.0\.1:1 unreachable \(/,
    );
    expect(r.stderr).not.toContain('hunter2');
    expect(r.stderr).not.toContain('embedded mode');
  });
});

describe.concurrent('mm run with a bad config: exit 2, one line naming the file or field', {
  timeout: ENGINE_TEST_TIMEOUT_MS,
}, () => {
  it('a missing config file', async ({ expect }) => {
    const missing = join(env.tempDir(), 'missing.yaml');
    const r = await env.run(['run', '--config', missing]);
    expectUsageError(expect, r, /^mm run: .*missing\.yaml: cannot read config file \(ENOENT\)$/m);
    expect(r.stderr.split(missing)).toHaveLength(2); // the path once
  });

  it('invalid YAML and invalid JSON', async ({ expect }) => {
    const yaml = env.file('broken.yaml', 'assets: [\n  - oops: : :\n');
    const json = env.file('broken.json', '{"assets": ');
    const [y, j] = await Promise.all([
      env.run(['run', '--config', yaml]),
      env.run(['run', '--config', json]),
    ]);
    expectUsageError(expect, y, /^mm run: .*broken\.yaml: not valid YAML\/JSON: /);
    expect(y.stderr.split(yaml)).toHaveLength(2);
    expectUsageError(expect, j, /^mm run: .*broken\.json: not valid YAML\/JSON: /);
    expect(j.stderr.split(json)).toHaveLength(2);
  });

  it('an invalid field in YAML names its path', async ({ expect }) => {
    const cfg = env.fastConfig();
    const text = readFileSync(cfg.path, 'utf8').replace('lotSizeBase: 0.001', 'lotSizeBase: -1');
    const file = env.file('bad-field.yaml', text);
    const r = await env.run(['run', '--config', file]);
    expectUsageError(
      expect,
      r,
      /^mm run: .*bad-field\.yaml: config\.assets\[0\]\.lotSizeBase: expected a number > 0$/,
    );
  });

  it('invalid fields in JSON name their paths (wrong type, unknown key, bad venue)', async ({
    expect,
  }) => {
    const wrongType = jsonConfig((c) => {
      c.risk.maxOrdersPerSec = 'fast';
    });
    const unknown = jsonConfig((c) => {
      c.assets[0].lotsize = 1;
    });
    const badVenue = jsonConfig((c) => {
      c.venues[0].assets = ['DOGE'];
    });
    const [a, b, c] = await Promise.all(
      [wrongType, unknown, badVenue].map((f) => env.run(['run', '--config', f])),
    );
    expectUsageError(expect, a!, /config\.risk\.maxOrdersPerSec: expected a number > 0$/);
    expectUsageError(expect, b!, /config\.assets\[0\]: Unrecognized key: "lotsize"$/);
    expectUsageError(expect, c!, /config\.venues\[0\]\.assets\[0\]: unknown asset 'DOGE'$/);
  });

  it('secrets: a live ccxt venue without credentials fails naming config.venues[0].credentials; inline keys are refused and not echoed', async ({
    expect,
  }) => {
    const ccxt = { name: 'hl', kind: 'ccxt', exchange: 'hyperliquid', mode: 'live' };
    const symbols = { BTC: 'BTC/USDC:USDC' };
    const noCredentials = jsonConfig((c) => {
      c.venues = [{ ...ccxt, symbols }];
    });
    const inline = jsonConfig((c) => {
      c.venues = [{ ...ccxt, symbols, apiKey: 'SECRET-123', secret: 'SECRET-456' }];
    });
    const [r, i] = await Promise.all([
      env.run(['run', '--config', noCredentials]),
      env.run(['run', '--config', inline]),
    ]);
    expectUsageError(
      expect,
      r,
      /^mm run: .*engine\.json: config\.venues\[0\]\.credentials: live mode needs credentials/,
    );
    expectUsageError(expect, i, /config\.venues\[0\]: Unrecognized keys?: "apiKey"/);
    expect(i.stderr).toMatch(/config\.venues\[0\]\.credentials: live mode needs credentials/);
    expect(i.stderr).not.toContain('SECRET');
  });
});

describe.concurrent('mm start and mm run flags (checked before anything starts)', {
  timeout: ENGINE_TEST_TIMEOUT_MS,
}, () => {
  it('mm start --help lists the options', async ({ expect }) => {
    const r = await env.run(['start', '--help']);
    expect(r.code).toBe(0);
    for (const option of ['--config <file>', '--duration <seconds>', '--status-every <seconds>'])
      expect(r.stdout).toContain(option);
    expect(r.stdout).toContain('--log-level <level>');
    expect(r.stdout).toMatch(/config[/\\]default\.yaml/);
  });

  const startFlags: [string[], RegExp][] = [
    [['--duration', '-1'], /^mm start: option "--duration": expected a number > 0 .*got "-1"$/],
    [['--duration=0'], /^mm start: option "--duration": .*got "0"$/],
    [['--duration', 'soon'], /^mm start: option "--duration": .*got "soon"$/],
    [['--log-level', 'nope'], /^mm start: option "--log-level": expected one of .*got "nope"$/],
    [['--status-every', '-1'], /^mm start: option "--status-every": expected a number >= 0/],
  ];
  for (const [args, message] of startFlags)
    it(`mm start ${args.join(' ')}: exit 2 naming the option`, async ({ expect }) => {
      expectUsageError(expect, await env.run(['start', ...args]), message);
    });

  it('timer spans Node cannot hold (> 2^31 ms) are refused rather than firing at once', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    const [d, s] = await Promise.all([
      env.run(['run', '--config', cfg.path, '--duration', '3000000']),
      env.run(['run', '--config', cfg.path, '--duration', '1', '--status-every', '3000000']),
    ]);
    expectUsageError(expect, d, /^mm run: option "--duration": .*at most 2147483, got "3000000"$/);
    expectUsageError(expect, s, /^mm run: option "--status-every": .*at most 2147483/);
  });

  it('mm run without --config, and LOG_LEVEL overriding --log-level, exit 2', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    const noConfig = await env.run(['run']);
    expectUsageError(expect, noConfig, /^mm: required option '--config <file>' not specified$/);
    const p = env.spawn(['run', '--config', cfg.path, '--log-level', 'info'], {
      LOG_LEVEL: 'nope',
    });
    const timer = setTimeout(() => p.child.kill('SIGKILL'), 45_000);
    const r = await p.exited;
    clearTimeout(timer);
    expectUsageError(expect, r, /^mm run: option "--log-level": .*got "nope"$/);
  });
});
