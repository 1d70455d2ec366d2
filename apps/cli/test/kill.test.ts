import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';
import {
  ENGINE_TEST_TIMEOUT_MS,
  type Finished,
  jsonLines,
  type MmProcess,
  REDIS_URL,
  type StatusBlock,
  TestEnv,
  UNREACHABLE_REDIS_URL,
} from './fixtures/engine/engineHarness.js';
import { useBuiltCli } from './support/builtCli.js';

// `mm kill` / `mm resume` against a built `mm run` on its own `test:<uuid>` prefix (real Redis).

const env = new TestEnv();
useBuiltCli();
afterAll(() => env.cleanup(), 30_000);

const ASSETS = ['BTC', 'ETH', 'SOL'];

const quoted = (b: StatusBlock, asset: string) =>
  b.rows.some((r) => r.asset === asset && (r.bid !== null || r.ask !== null));
const pulled = (b: StatusBlock, asset: string) =>
  b.rows.some((r) => r.asset === asset && r.bid === null && r.ask === null);

/** `mm kill|resume ...args`: exit 0 with its one confirmation line. */
async function control(
  expect: typeof import('vitest').expect,
  args: string[],
  confirmation: RegExp,
): Promise<Finished> {
  const r = await env.run(args);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(confirmation);
  return r;
}

/** Waits for a running engine's first status table with quotes. */
async function quoting(p: MmProcess): Promise<void> {
  await p.waitFor('quotes in a status table', () =>
    p.statusBlocks().some((b) => !b.killed && quoted(b, 'BTC')),
  );
}

/** A status table printed after stdout offset `from` satisfying `check`. */
function statusAfter(p: MmProcess, from: number, what: string, check: (b: StatusBlock) => boolean) {
  return p.waitFor(what, () => p.statusBlocks(from).find(check));
}

async function stopGracefully(expect: typeof import('vitest').expect, p: MmProcess) {
  p.child.kill('SIGTERM');
  const r = await p.exited;
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/stopped \(SIGTERM\); \d+ fills recorded, 0 orders left open\n$/);
  expect(() => jsonLines(r.stderr)).not.toThrow();
}

describe.concurrent('mm kill / mm resume on a running engine', {
  timeout: ENGINE_TEST_TIMEOUT_MS,
}, () => {
  it('kill --prefix pulls every quote (KILLED by the message and the key, logged); resume releases it', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    const p = env.spawn(['run', '--config', cfg.path, '--status-every', '0.25']);
    await quoting(p);
    const redis = new Redis(REDIS_URL);
    try {
      const reason = `kill test ${randomUUID()}`;
      let from = p.stdout.length;
      await control(
        expect,
        ['kill', '--prefix', cfg.prefix, '--reason', reason],
        new RegExp(`^mm kill: every asset on ${REDIS_URL} prefix ${cfg.prefix} \\(quotes pulled`),
      );
      expect(await redis.get(`mm:${cfg.prefix}:kill`)).toBe(reason);
      // KILLED by both sources, and soon every quote is gone
      const killed = await statusAfter(p, from, 'KILLED', (b) => b.killed);
      expect(killed.head).toContain(reason);
      await statusAfter(
        p,
        from,
        'KILLED by the control message and the key, no quote left',
        (b) =>
          b.head.includes(`control: ${reason}`) &&
          b.head.includes(`redis-key: ${reason}`) &&
          ASSETS.every((a) => pulled(b, a)),
      );
      // Held from each source, in the log as in the table. Awaited as events: no wall-clock margin
      // (how fast the switch holds is a figure for bench/, not a test on a loaded machine).
      for (const source of ['control', 'redis-key'])
        await p.waitFor(`'kill switch held' logged with ${source}`, () =>
          p
            .logs()
            .some(
              (l) =>
                l.msg === 'kill switch held' &&
                (l.global as Record<string, string>)[source] === reason,
            ),
        );
      expect(p.logs().find((l) => l.msg === 'control command')).toMatchObject({
        command: 'kill',
        asset: 'all',
        reason,
      });

      from = p.stdout.length;
      await control(
        expect,
        ['resume', '--prefix', cfg.prefix],
        new RegExp(`^mm resume: every asset on ${REDIS_URL} prefix ${cfg.prefix}\\n$`),
      );
      expect(await redis.exists(`mm:${cfg.prefix}:kill`)).toBe(0);
      // released: a table that is not KILLED and quotes again
      await statusAfter(p, from, 'quoting again', (b) => !b.killed && quoted(b, 'BTC'));
      expect(p.logs().some((l) => l.msg === 'control command' && l.command === 'resume')).toBe(
        true,
      );

      // both commands went through the control stream, from the CLI
      const entries = await redis.xrange(`mm:${cfg.prefix}:control`, '-', '+');
      // envelope v2: the message is the signed `body`; the kill is signed too (the CLI has the key)
      const wire = entries.map(
        ([, fields]) => JSON.parse(fields[1]!) as { body: string; sig?: string },
      );
      expect(wire.every((w) => typeof w.sig === 'string')).toBe(true);
      const sent = wire.map((w) => JSON.parse(w.body) as Record<string, unknown>);
      expect(
        sent.map((m) => [m.type, m.source, (m.payload as { command: string }).command]),
      ).toEqual([
        ['control', 'cli', 'kill'],
        ['control', 'cli', 'resume'],
      ]);
    } finally {
      redis.disconnect();
    }
    await stopGracefully(expect, p);
  });

  it('kill --asset BTC (control message only, via --config) pulls BTC alone; resume --asset BTC brings it back', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    const p = env.spawn(['run', '--config', cfg.path, '--status-every', '0.25']);
    await quoting(p);
    const redis = new Redis(REDIS_URL);
    try {
      let from = p.stdout.length;
      await control(
        expect,
        ['kill', '--config', cfg.path, '--asset', 'BTC', '--reason', 'btc only'],
        new RegExp(`^mm kill: BTC on ${REDIS_URL} prefix ${cfg.prefix} \\(quotes pulled`),
      );
      expect(await redis.exists(`mm:${cfg.prefix}:kill`)).toBe(0); // no global key
      await statusAfter(
        p,
        from,
        'BTC pulled while the others quote',
        (b) => !b.killed && pulled(b, 'BTC') && (quoted(b, 'ETH') || quoted(b, 'SOL')),
      );
      // Prometheus: BTC's own kill is engaged, the others' and the global switch are not.
      expect(await killGauges(p)).toEqual({ global: 0, BTC: 1, ETH: 0, SOL: 0 });
      const held = p.logs().filter((l) => l.msg === 'kill switch held');
      expect(held.some((l) => (l.assets as Record<string, string>).BTC === 'btc only')).toBe(true);
      expect(held.every((l) => Object.keys(l.global as object).length === 0)).toBe(true);
      expect(p.logs().find((l) => l.msg === 'control command')).toMatchObject({
        command: 'kill',
        asset: 'BTC',
        reason: 'btc only',
      });

      from = p.stdout.length;
      await control(
        expect,
        ['resume', '--prefix', cfg.prefix, '--asset', 'BTC'],
        /^mm resume: BTC on /,
      );
      await statusAfter(p, from, 'BTC quoted again', (b) => !b.killed && quoted(b, 'BTC'));
      expect(await killGauges(p)).toEqual({ global: 0, BTC: 0, ETH: 0, SOL: 0 });
    } finally {
      redis.disconnect();
    }
    await stopGracefully(expect, p);
  });

  it('the kill key outlives the engine: one started after `mm kill` is KILLED until `mm resume`', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    await control(expect, ['kill', '--config', cfg.path], /^mm kill: every asset on /);
    const p = env.spawn(['run', '--config', cfg.path, '--status-every', '0.25']);
    const killed = await p.waitFor('KILLED by the key', () =>
      p.statusBlocks().find((b) => b.killed),
    );
    expect(killed.head).toMatch(/KILLED \(redis-key: mm kill by /);
    await statusAfter(p, 0, 'no quote left', (b) => b.killed && ASSETS.every((a) => pulled(b, a)));
    const from = p.stdout.length;
    await control(expect, ['resume', '--config', cfg.path], /^mm resume: every asset on /);
    await statusAfter(p, from, 'quoting after resume', (b) => !b.killed && quoted(b, 'BTC'));
    await stopGracefully(expect, p);
  });

  it('an engine without a bus key: an unsigned kill holds; a resume it cannot verify is rejected, and it says once how to set the key', async ({
    expect,
  }) => {
    const cfg = env.fastConfig();
    const noKey = { MM_BUS_KEY: '' };
    const p = env.spawn(['run', '--config', cfg.path, '--status-every', '0.25'], noKey);
    await quoting(p);
    let from = p.stdout.length;
    // anyone may stop quoting: mm kill without a key
    const kill = await env.run(['kill', '--config', cfg.path, '--asset', 'BTC'], undefined, noKey);
    expect(kill.code, kill.stderr).toBe(0);
    await statusAfter(p, from, 'BTC pulled', (b) => pulled(b, 'BTC'));
    // a resume signed with a key this engine does not have (twice): rejected, the hint said once
    for (let i = 0; i < 2; i++) {
      const r = await env.run(['resume', '--config', cfg.path, '--asset', 'BTC']);
      expect(r.code, r.stderr).toBe(0);
    }
    const rejected = () =>
      p
        .logs()
        .filter((l) => l.msg === 'bus message rejected' && String(l.stream).endsWith(':control'));
    await p.waitFor('both resumes rejected', () => rejected().length >= 2);
    expect(
      rejected().every((l) => /BAD_SIGNATURE|does not match the bus key/.test(String(l.err))),
    ).toBe(true);
    const hints = p.logs().filter((l) => String(l.msg).includes('it has no bus key'));
    expect(hints).toHaveLength(1);
    expect(String(hints[0]!.msg)).toMatch(/set MM_BUS_KEY \(or redis\.busKeyFile\)/);
    // still pulled after both were handled
    from = p.stdout.length;
    await statusAfter(p, from, 'a later table', (b) => b.rows.length > 0);
    expect(p.statusBlocks(from).every((b) => pulled(b, 'BTC'))).toBe(true);
    expect(p.logs().some((l) => l.msg === 'control command' && l.command === 'resume')).toBe(false);
    await stopGracefully(expect, p);
  });

  // The engine reads the kill key before its pipelines start (not only at the 250 ms poll).
  it('an engine started while the kill key is set places no order', async ({ expect }) => {
    const cfg = env.fastConfig();
    await control(expect, ['kill', '--config', cfg.path], /^mm kill: every asset on /);
    const p = env.spawn(['run', '--config', cfg.path, '--log-level', 'debug']);
    try {
      await p.waitFor('the kill key read', () =>
        p.logs().some((l) => l.msg === 'kill switch held' && 'redis-key' in (l.global as object)),
      );
      const placed = p.logs().filter((l) => l.msg === 'order sent' && l.op === 'place');
      expect(placed).toEqual([]);
    } finally {
      await stopGracefully(expect, p);
    }
  });
});

/**
 * `mm_kill_switch_state` and each asset's `mm_kill_switch_asset_state{asset}`, scraped from the
 * engine's metrics URL (printed on its start line).
 */
async function killGauges(p: { stdout: string }): Promise<Record<string, number>> {
  const url = /metrics (http:\/\/\S+\/metrics)\./.exec(p.stdout)?.[1];
  if (url === undefined) throw new Error(`no metrics URL in: ${p.stdout.slice(0, 300)}`);
  const text = await (await fetch(url)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^mm_kill_switch_state (\S+)$/gm)) out.global = Number(m[1]);
  for (const m of text.matchAll(/^mm_kill_switch_asset_state\{asset="([^"]+)"\} (\S+)$/gm))
    out[m[1]!] = Number(m[2]);
  return out;
}

describe.concurrent('mm kill / mm resume errors', { timeout: ENGINE_TEST_TIMEOUT_MS }, () => {
  it('Redis unreachable: exit 1 with one clear line', async ({ expect }) => {
    const [k, r] = await Promise.all(
      (['kill', 'resume'] as const).map((command) =>
        env.run([command, '--redis', UNREACHABLE_REDIS_URL, '--prefix', env.prefix()]),
      ),
    );
    for (const [command, x] of [
      ['kill', k!],
      ['resume', r!],
    ] as const) {
      expect(x.code).toBe(1);
      expect(x.stdout).toBe('');
      expect(x.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(x.stderr.trimEnd()).toMatch(
        new RegExp(
          `^mm ${command}: Redis at ${UNREACHABLE_REDIS_URL} unreachable .*Ctrl-C or SIGTERM$`,
        ),
      );
    }
  });

  it('mm resume without a bus key: exit 2 naming MM_BUS_KEY, nothing sent; a short key is refused', async ({
    expect,
  }) => {
    const prefix = env.prefix();
    const [none, short] = await Promise.all([
      env.run(['resume', '--prefix', prefix], undefined, { MM_BUS_KEY: '' }),
      env.run(['resume', '--prefix', prefix], undefined, { MM_BUS_KEY: 'abc' }),
    ]);
    expect(none!.code).toBe(2);
    expect(none!.stderr.trimEnd()).toMatch(
      /^mm resume: a resume must be signed with the bus key: set MM_BUS_KEY \(or redis\.busKeyFile in --config\)/,
    );
    expect(short!.code).toBe(2);
    expect(short!.stderr.trimEnd()).toMatch(
      /^mm resume: MM_BUS_KEY: the bus key must be at least 16 bytes, got 3/,
    );
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.exists(`mm:${prefix}:control`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('credentials in the Redis URL never appear in mm kill output', async ({ expect }) => {
    const r = await env.run([
      'kill',
      '--redis',
      'redis://operator:hunter2-secret@127.0.0.1:1',
      '--prefix',
      env.prefix(),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^mm kill: Redis at redis:\/\/operator:\*\*\*@127\.0\.0\.1:1 unreachable/,
    );
    expect(`${r.stdout}${r.stderr}`).not.toContain('hunter2');
  });

  it('a missing or invalid --config, or a bad prefix: exit 2 naming it', async ({ expect }) => {
    const missing = join(env.tempDir(), 'missing.yaml');
    const bad = env.file('bad.yaml', 'assets: []\n');
    const [m, b, p] = await Promise.all([
      env.run(['kill', '--config', missing]),
      env.run(['resume', '--config', bad]),
      env.run(['kill', '--prefix', 'a b']),
    ]);
    for (const x of [m!, b!, p!]) {
      expect(x.code, x.stderr).toBe(2);
      expect(x.stdout).toBe('');
      expect(x.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(x.stderr).not.toMatch(/\n\s+at /);
    }
    expect(m!.stderr.trimEnd()).toMatch(
      /^mm kill: .*missing\.yaml: cannot read config file \(ENOENT\)$/,
    );
    expect(m!.stderr.split(missing)).toHaveLength(2); // the path once
    expect(b!.stderr).toMatch(
      /^mm resume: .*bad\.yaml: config\.assets: expected at least one asset/,
    );
    expect(p!.stderr).toMatch(/^mm kill: prefix: must be non-empty without whitespace/);
  });
});
