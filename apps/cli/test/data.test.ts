import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, root, useBuiltCli } from './support/builtCli.js';

const dir = mkdtempSync(join(tmpdir(), 'mm-data-'));
const hyperliquid = resolve(root, 'data/real/hyperliquid_btcusd_20250126.gz');

useBuiltCli();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mm(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('node', [main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('mm data', () => {
  it('import --json prints the summary; pack converts .mmb back to the same JSON lines', async () => {
    const mmb = join(dir, 'hl.mmb');
    const r = await mm(
      'data',
      'import',
      '--format',
      'hyperliquid',
      '--input',
      hyperliquid,
      '--output',
      mmb,
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      events: 80,
      bookEvents: 46,
      tradeEvents: 34,
      gaps: 0,
      crossed: 0,
    });
    const jsonl = join(dir, 'hl.jsonl');
    const p = await mm('data', 'pack', '--input', mmb, '--output', jsonl, '--json');
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout)).toMatchObject({ events: 80 });
    const direct = join(dir, 'hl-direct.jsonl');
    await mm(
      'data',
      'import',
      '--format',
      'hyperliquid',
      '--input',
      hyperliquid,
      '--output',
      direct,
    );
    expect(readFileSync(jsonl, 'utf8')).toBe(readFileSync(direct, 'utf8'));
  }, 60_000);

  it('an unreadable line: exit 2 naming file and line, no output left behind', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '1737918843893903000 {"channel":"l2Book","data":\n');
    const out = join(dir, 'bad.mmb');
    const r = await mm(
      'data',
      'import',
      '--format',
      'hyperliquid',
      '--input',
      bad,
      '--output',
      out,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${bad}: line 1: not JSON`));
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('an output that cannot be written: exit 2 naming it', async () => {
    const out = join(dir, 'no-such-dir', 'x.mmb');
    const r = await mm(
      'data',
      'import',
      '--format',
      'hyperliquid',
      '--input',
      hyperliquid,
      '--output',
      out,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${out}: cannot write`);
  }, 60_000);

  it('an unknown format: exit 2 naming the option', async () => {
    const r = await mm(
      'data',
      'import',
      '--format',
      'kraken',
      '--input',
      hyperliquid,
      '--output',
      join(dir, 'x.mmb'),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--format/);
  }, 60_000);

  it('calibrate --json: the fields of the issue per asset; correlation null with a line saying why', async () => {
    const mmb = join(dir, 'hl-cal.mmb');
    await mm('data', 'import', '--format', 'hyperliquid', '--input', hyperliquid, '--output', mmb);
    const jsonl = join(dir, 'hl-cal.jsonl');
    await mm('data', 'pack', '--input', mmb, '--output', jsonl);
    const r = await mm('calibrate', '--data', mmb, '--data', jsonl, '--json');
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as { assets: Record<string, unknown>[]; correlation: unknown };
    expect(c.assets).toHaveLength(2);
    for (const a of c.assets) {
      expect(Object.keys(a).sort()).toEqual([
        'fits',
        'meanSpread',
        'sampleSec',
        'sigmaPerSqrtSec',
        'sigmaSe',
        'symbol',
        'tickSize',
      ]);
      expect(Object.keys(a.fits as object).sort()).toEqual(['all', 'beyondTouch']);
      expect(a.tickSize).toBe(1);
    }
    // 25 s of data: 25 one-second increments in common, fewer than the 30 a correlation needs
    expect(c.correlation).toBeNull();
    expect(r.stderr).toMatch(/correlation null: .*share 25 sampled increments/);
    const bad = await mm('calibrate', '--data', join(dir, 'missing.mmb'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/missing\.mmb/);
  }, 60_000);

  it('calibrate without --json: a table, the correlation and a model snippet with gamma commented', async () => {
    const mmb = join(dir, 'hl-cal.mmb');
    const r = await mm('calibrate', '--data', mmb);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sigma\/sqrt\(s\)/);
    expect(r.stdout).toMatch(/correlation: none \(one asset/);
    expect(r.stdout).toMatch(/model:\n\s+sigma: /);
    expect(r.stdout).toMatch(/# gamma:/);
  }, 60_000);

  it('backtest with "market": {"data": ...}: the synthetic JSON shape, blocks as paths, markouts', async () => {
    const mmb = join(dir, 'hl-replay.mmb');
    await mm('data', 'import', '--format', 'hyperliquid', '--input', hyperliquid, '--output', mmb);
    const config = join(dir, 'replay.json');
    writeFileSync(
      config,
      JSON.stringify({
        market: { data: mmb, lotSizeBase: 0.001 },
        model: { sigma: 5, A: 1, k: 0.1 },
        run: { blockSec: 5 },
        objective: { phi: 0 },
        policies: [
          { type: 'exact', horizon: 'stationary' },
          { type: 'symmetric', halfSpread: 1 },
        ],
      }),
    );
    const report = join(dir, 'replay.html');
    const r = await mm('backtest', '--config', config, '--json', '--report', report);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as Record<string, unknown> & {
      policies: { name: string; markouts: { horizons: object } }[];
    };
    for (const key of [
      'title',
      'paths',
      'seed',
      'dtSec',
      'horizonSec',
      'phiPerLot2Sec',
      'policies',
      'comparison',
    ])
      expect(a).toHaveProperty(key);
    // 25.4 s of data in 5 s blocks: 5 blocks
    expect(a.paths).toBe(5);
    expect(a.policies.map((p) => p.name)).toEqual(['exact', 'symmetric']);
    expect(readFileSync(report, 'utf8')).toContain('id="markouts"');
    writeFileSync(
      config,
      JSON.stringify({
        market: { data: mmb },
        objective: { phi: 0 },
        policies: [{ type: 'exact' }],
      }),
    );
    const bad = await mm('backtest', '--config', config);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/field "model"/);
  }, 60_000);
});
