import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Finished,
  jsonLines,
  type MmProcess,
  REDIS_URL,
  TestEnv,
} from './fixtures/engine/engineHarness.js';
import { root, useBuiltCli } from './support/builtCli.js';

// `mm optimizer`, `mm optimize` and `mm jobs` as built, on real Redis: one optimizer runs in the
// background on its own `test:<uuid>` prefix for the whole file; every command targets it.

const env = new TestEnv();
useBuiltCli();

const prefix = env.prefix();
let optimizer: MmProcess;

const START_LINE =
  /^mm optimizer: queues grid-search, solve, calibrate, backtest on redis:\/\/127\.0\.0\.1:6379 prefix (\S+); workers: grid-search 1, solve 1, calibrate 1, backtest 1 \(jobs at once, threads\); schedules: none; metrics http:\/\/127\.0\.0\.1:(\d+)\/metrics\. Ctrl-C stops/;

const SOLVE_JOB = `type: solve
data:
  assets:
    - { asset: BTC, sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 2 }
`;

const GRID_JOB = JSON.stringify({
  type: 'grid-search',
  data: {
    market: { sigma: 0.5, A: 1, k: 2, midPrice: 100 },
    objective: { gamma: 0.1 },
    qMaxLots: 3,
    horizonSec: 10,
    dtSec: 0.1,
    paths: 10,
    candidates: { kind: 'grid', policies: ['heuristic', 'grid'], baseHalfSpreadBps: [25, 50, 100] },
  },
});

/** `mm optimize --prefix <the test prefix> ...args`. */
const optimize = (args: string[], timeoutMs = 60_000) =>
  env.run(['optimize', '--prefix', prefix, ...args], timeoutMs);

/** Exit 2 with one line on stderr (no stack trace) matching `message`, nothing on stdout. */
function expectUsageError(r: Finished, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const JOB_ID = /job ((?:solve|grid-search|backtest|calibrate)\.[0-9a-f]{24}) /;

beforeAll(async () => {
  const config = env.file(
    'optimizer.yaml',
    [
      `redis: { url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)} }`,
      'metrics: { port: 0 }',
      'workers: { shutdownTimeoutMs: 10000 }',
      '',
    ].join('\n'),
  );
  optimizer = env.spawn(['optimizer', '--config', config, '--log-level', 'info']);
  await optimizer.waitFor('the start line', () => START_LINE.test(optimizer.stdout), 60_000);
}, 90_000);
afterAll(() => env.cleanup(), 30_000);

describe.sequential('mm optimizer / optimize / jobs on one Redis prefix', () => {
  it('mm optimizer prints one start line: queues, workers, metrics on a free port', () => {
    const m = START_LINE.exec(optimizer.stdout)!;
    expect(m[1]).toBe(prefix);
    expect(Number(m[2])).not.toBe(9465);
    expect(optimizer.stdout.trimEnd().split('\n')).toHaveLength(1);
    const logs = jsonLines(optimizer.stderr);
    expect(logs.some((l) => l.msg === 'optimizer started')).toBe(true);
    // The optimizer's own logger: every line names the optimizer, never the engine.
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((l) => l.name === 'mm-optimizer')).toBe(true);
  });

  it('mm optimize runs a solve job: new, then existing with the same id and result', async () => {
    const file = env.file('solve.yaml', SOLVE_JOB);
    const first = await optimize(['--config', file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    const lines = first.stdout.split('\n');
    expect(lines[0]).toMatch(/^mm optimize: solve job solve\.[0-9a-f]{24} enqueued \(new\) on /);
    expect(lines[1]).toMatch(/^mm optimize: solve job solve\.[0-9a-f]{24} completed in \d/);
    expect(first.stdout).toMatch(/^BTC\s+-\s+0\.5 \/ 1 \/ 2 \/ 0\.1 \/ 2\s+\d/m);
    expect(first.stdout).toContain('parameters publishable');
    const id = JOB_ID.exec(first.stdout)![1];

    // the same request again (keys reordered, a default written out): the same job, not re-run
    const again = await optimize([
      '--config',
      env.file(
        'solve.json',
        JSON.stringify({
          data: {
            validForSec: 300,
            assets: [{ qMax: 2, gamma: 0.1, k: 2, A: 1, sigma: 0.5, asset: 'BTC' }],
          },
          type: 'solve',
        }),
      ),
      '--json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(
      new RegExp(`^mm optimize: solve job ${id} already exists \\(completed\\) .*not added again`),
    );
    const answer = JSON.parse(again.stdout);
    expect(answer).toMatchObject({ jobId: id, type: 'solve', new: false, state: 'completed' });
    expect(answer.result.models[0]).toMatchObject({ asset: 'BTC', valid: true });
    expect(answer.result.paramsValid).toBe(true);
  });

  it('mm optimize runs a grid search (--json: the full result)', async () => {
    const r = await optimize(['--config', env.file('grid.json', GRID_JOB), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^mm optimize: grid-search job grid-search\.\S+ enqueued \(new\)/);
    const answer = JSON.parse(r.stdout);
    expect(answer).toMatchObject({ type: 'grid-search', new: true, state: 'completed' });
    expect(answer.result.candidates).toHaveLength(6);
    expect(answer.result).toMatchObject({ paths: 10, stepsPerPath: 100, exactSolves: 1 });
    expect(typeof answer.result.heuristicGap).toBe('number');
    expect(answer.durationSec).toBeGreaterThan(0);
  });

  it('the example job files run (grid search, solve, backtest), each summarised', async () => {
    const [grid, solve, backtest] = await Promise.all(
      ['grid-search.yaml', 'solve.yaml', 'backtest.json'].map((f) =>
        optimize(['--config', join(root, 'examples/jobs', f)], 90_000),
      ),
    );
    for (const r of [grid, solve, backtest]) {
      expect(r!.code, r!.stderr).toBe(0);
      expect(r!.stdout).toMatch(/^mm optimize: \S+ job \S+ (enqueued \(new\)|already exists)/);
    }
    expect(grid!.stdout).toMatch(/candidates and the exact policy on 50 paths x 600 steps/);
    expect(grid!.stdout).toMatch(/^heuristic gap -?\d/m);
    expect(solve!.stdout).toMatch(/^multi-asset closed form: BTC bid -\d/m);
    expect(backtest!.stdout).toMatch(/^closedForm\s+\d/m);
  }, 120_000);

  it('bad input exits 2 naming the field or option (a bad job file enqueues nothing)', async () => {
    const bad = env.file(
      'bad.yaml',
      'type: grid-search\ndata:\n  market: { sigma: -1, A: 1, k: 2, midPrice: 100 }\n  objective: { gamma: 0.1 }\n',
    );
    expectUsageError(
      await optimize(['--config', bad]),
      /^mm optimize: \S+bad\.yaml: data\.market\.sigma: expected a finite number/,
    );
    const listed = JSON.parse((await env.run(['jobs', '--prefix', prefix, '--json'])).stdout);
    const grid = listed.queues.find((q: { queue: string }) => q.queue === 'grid-search');
    expect(grid.counts).toMatchObject({ waiting: 0, active: 0, failed: 0, completed: 2 });
    expectUsageError(
      await optimize(['--config', env.file('t.yaml', 'type: optimise\ndata: {}\n')]),
      /^mm optimize: \S+t\.yaml: type: expected one of "grid-search", "solve", "calibrate", "backtest", got "optimise"$/m,
    );
    expectUsageError(
      await optimize(['--config', env.file('solve.yaml', SOLVE_JOB), '--timeout', 'soon']),
      /^mm optimize: option "--timeout": expected a number > 0/,
    );
    expectUsageError(
      await env.run(['optimizer', '--config', env.file('o.yaml', '{}\n'), '--metrics-port', 'x']),
      /^mm optimizer: option "--metrics-port": expected an integer in \[0, 65535\]/,
    );
    expectUsageError(
      await env.run(['optimizer', '--config', env.file('o.yaml', 'workers: { sandbox: fork }\n')]),
      /^mm optimizer: \S+o\.yaml: config\.workers\.sandbox: expected 'threads' \| 'processes'\n$/,
    );
  });

  it('a failed job exits 1 with its failure reason', async () => {
    // calibrate reads the engine's streams: a string key where a stream should be fails it
    const redis = new Redis(REDIS_URL);
    try {
      await redis.set(`mm:${prefix}:broken:snapshots`, 'not a stream');
    } finally {
      redis.disconnect();
    }
    const config = env.file(
      'one-attempt.yaml',
      `redis: { url: ${JSON.stringify(REDIS_URL)}, prefix: ${JSON.stringify(prefix)} }\njobs: { attempts: 1 }\n`,
    );
    const job = env.file(
      'calibrate.yaml',
      `type: calibrate\ndata: { prefix: ${JSON.stringify(`${prefix}:broken`)}, sinceMs: 0, untilMs: 1000 }\n`,
    );
    const r = await env.run(['optimize', '--config', job, '--optimizer-config', config]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/enqueued \(new\)/);
    expect(r.stderr).toMatch(
      /^mm optimize: calibrate job calibrate\.\S+ failed after 1 attempt: WRONGTYPE/,
    );
  });

  it('without a worker, mm optimize gives up after --timeout (the job stays queued)', async () => {
    const lonely = env.prefix();
    const file = env.file('solve.yaml', SOLVE_JOB);
    const r = await env.run(['optimize', '--config', file, '--prefix', lonely, '--timeout', '1']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /^mm optimize: no worker took job solve\.\S+ within 1 s: is an optimizer running \(mm optimizer --config FILE\)/,
    );
    const listed = await env.run(['jobs', '--prefix', lonely, '--json']);
    const solve = JSON.parse(listed.stdout).queues.find(
      (q: { queue: string }) => q.queue === 'solve',
    );
    expect(solve.counts.waiting).toBe(1);
  });

  it('mm jobs lists the queues, their counts and recent jobs', async () => {
    const text = await env.run(['jobs', '--prefix', prefix]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^solve: waiting 0, active 0, delayed 0, completed 2, failed 0/m);
    expect(text.stdout).toMatch(/^ {2}solve\.\S+\s+completed\s+100%\s+\d+\.\d+ s\s+1\s+\S+\s+BTC/m);
    expect(text.stdout).toMatch(/^ {2}calibrate\.\S+\s+failed\s+.*WRONGTYPE/m);

    const json = await env.run(['jobs', '--prefix', prefix, '--json', '--limit', '1']);
    expect(json.code, json.stderr).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer.prefix).toBe(prefix);
    const byQueue = Object.fromEntries(answer.queues.map((q: { queue: string }) => [q.queue, q]));
    expect(Object.keys(byQueue).sort()).toEqual(['backtest', 'calibrate', 'grid-search', 'solve']);
    expect(byQueue['grid-search'].counts.completed).toBe(2);
    expect(byQueue['grid-search'].jobs).toHaveLength(1);
    expect(byQueue['grid-search'].jobs[0]).toMatchObject({
      name: 'grid-search',
      state: 'completed',
      summary: expect.stringMatching(/candidates, best /),
    });

    expectUsageError(
      await env.run(['jobs', '--prefix', prefix, '--limit', '-1']),
      /^mm jobs: option "--limit": expected an integer in \[0, 1000\]/,
    );
  });

  it('SIGTERM stops the optimizer gracefully with exit 0', async () => {
    optimizer.child.kill('SIGTERM');
    const r = await optimizer.exited;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
      'mm optimizer: stopped (SIGTERM); every active job finished',
    );
    const logs = jsonLines(r.stderr);
    expect(logs.at(-1)).toMatchObject({ msg: 'optimizer stopped', timedOut: false });
  });
});
