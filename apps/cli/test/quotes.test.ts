import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, root, useBuiltCli } from './support/builtCli.js';

useBuiltCli();

const mm = (...args: string[]) =>
  spawnSync('node', [main, 'quotes', ...args], { encoding: 'utf8' });

/** Rows of the per-asset table: `[asset, policy, q, mid, bid, ask, dBid, dAsk, bpsBid, bpsAsk, take?]`. */
function assetRows(stdout: string): string[][] {
  const lines = stdout.split('\n');
  const rule = lines.findIndex((l) => /^-+\+-/.test(l));
  expect(rule).toBeGreaterThan(0);
  return lines
    .slice(rule + 1)
    .filter((l) => l.trim() !== '')
    .map((l) =>
      l
        .split('|')
        .flatMap((c) => c.trim().split(/\s+/))
        .filter((c) => c !== ''),
    );
}

/**
 * Gueant (2017) eqs. 4.6/4.7 half spread at q = 0 for one lot, written out here:
 * `c1 + c2/2`, `c1 = ln(1 + xi/k)/xi`, `c2 = sqrt(gamma sigma^2/(2 A k) (1 + xi/k)^(k/xi + 1))`,
 * xi = gamma. The exact stationary solution is within about 1% of it for these models.
 */
function gueantHalfSpread(sigma: number, A: number, k: number, gamma: number): number {
  const c1 = Math.log(1 + gamma / k) / gamma;
  const c2 = Math.sqrt(((gamma * sigma ** 2) / (2 * A * k)) * (1 + gamma / k) ** (k / gamma + 1));
  return c1 + c2 / 2;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'mm-quotes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Spawns of the CLI on a loaded machine: generous. */
const SPAWN_TIMEOUT_MS = 60_000;

describe('mm quotes', { timeout: SPAWN_TIMEOUT_MS }, () => {
  it('quotes every asset of config/default.yaml with its own model, prices consistent with the distances', () => {
    const { status, stdout, stderr } = mm();
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).not.toContain('\u001b[');
    const rows = assetRows(stdout);
    expect(rows.map((r) => r[0])).toEqual(['BTC', 'ETH', 'SOL']);
    // config/default.yaml: BTC sigma 6, A 2, k 0.111 at 60000; ETH 0.3, 2, 2.2; each asset's gamma
    // is portfolio.gamma 0.5 x lotSizeBase (BTC 0.001, ETH 0.01).
    const models = { BTC: [6, 2, 0.111, 0.0005], ETH: [0.3, 2, 2.2, 0.005] } as const;
    for (const [asset, [sigma, A, k, gamma]] of Object.entries(models)) {
      const r = rows.find((x) => x[0] === asset)!;
      const [mid, bid, ask, dBid, dAsk] = r.slice(3, 8).map(Number) as [
        number,
        number,
        number,
        number,
        number,
      ];
      expect(r[1]).toBe('exact');
      expect(r[2]).toBe('0');
      expect(dBid).toBeCloseTo(dAsk, 10); // q = 0: symmetric
      expect(Math.abs(dBid / gueantHalfSpread(sigma, A, k, gamma) - 1)).toBeLessThan(0.01);
      expect(bid).toBeCloseTo(mid - dBid, 1);
      expect(ask).toBeCloseTo(mid + dAsk, 1);
      expect(Number(r[8])).toBeCloseTo((dBid / mid) * 1e4, 1);
    }
  });

  it('skews with --inventory: long widens the bid and tightens the ask; by name or in config order', () => {
    const byName = assetRows(mm('--inventory', 'BTC=5,SOL=-3').stdout);
    const byOrder = assetRows(mm('--inventory', '5,0,-3').stdout);
    expect(byOrder).toEqual(byName);
    const btc = byName.find((r) => r[0] === 'BTC')!;
    const sol = byName.find((r) => r[0] === 'SOL')!;
    expect(btc[2]).toBe('5');
    expect(Number(btc[6])).toBeGreaterThan(Number(btc[7]));
    expect(Number(sol[6])).toBeLessThan(Number(sol[7]));
  });

  it('reads --config: another model gives other quotes', () => {
    const text = readFileSync(path.join(root, 'config/default.yaml'), 'utf8').replace(
      'model: { sigma: 6, A: 2, k: 0.111 }',
      'model: { sigma: 12, A: 2, k: 0.111 }',
    );
    const file = path.join(tmp, 'wider.yaml');
    writeFileSync(file, text);
    const base = assetRows(mm().stdout).find((r) => r[0] === 'BTC')!;
    const wider = assetRows(mm('--config', file).stdout).find((r) => r[0] === 'BTC')!;
    expect(Number(wider[6])).toBeGreaterThan(Number(base[6]));
    expect(Math.abs(Number(wider[6]) / gueantHalfSpread(12, 2, 0.111, 0.0005) - 1)).toBeLessThan(
      0.01,
    );
  });

  it.each([
    [['--inventory', '1,2'], '"--inventory": expected 3 values (BTC, ETH, SOL), got 2'],
    [['--inventory', 'DOGE=1'], `"--inventory": 'DOGE' is not an asset of this config`],
    [['--inventory', 'BTC=x'], '"--inventory": BTC: expected a finite number of lots, got "x"'],
    [['--mid', 'BTC=-1'], '"--mid": BTC: expected a price > 0, got "-1"'],
    [['--asset', 'DOGE'], `"--asset": 'DOGE' is not an asset of this config`],
    [['--config', 'nope.yaml'], 'nope.yaml'],
  ])('%j exits 2 naming the option', (args, message) => {
    const { status, stdout, stderr } = mm(...args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  describe('--asset BTC: every policy per inventory level', () => {
    const r = () => mm('--asset', 'BTC');

    it('prints the header and the comparison, without colours on a pipe', () => {
      const { status, stdout, stderr } = r();
      expect(stderr).toBe('');
      expect(status).toBe(0);
      expect(stdout).not.toContain('\u001b[');
      expect(stdout).toContain('BTC as configured');
      for (const title of [
        'exact stationary',
        'exact T=',
        'Gueant approx',
        'seed grid search',
        'seed heuristic',
      ])
        expect(stdout).toContain(title);
    });

    it('has one row per shown level, q = -qMax..qMax, with bid/ask in bps', () => {
      const lines = r().stdout.split('\n');
      const names = lines.findIndex((l) => /^\s*q \|/.test(l));
      expect(names).toBeGreaterThan(0);
      expect(lines[names]).toMatch(/bid\s+ask\s+take/);
      const rows = lines
        .slice(names + 2)
        .filter((l) => l.trim() !== '')
        .map((l) => l.split('|').map((c) => c.trim()));
      const qs = rows.map((c) => Number(c[0]));
      // config/default.yaml: BTC qMaxLots 10, one lot per quote.
      expect(qs).toEqual([
        -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      const zero = rows[qs.indexOf(0)]!;
      for (const group of zero.slice(1)) {
        const [bid, ask] = group.split(/\s+/).map(Number);
        expect(bid).toBeGreaterThan(0);
        expect(ask).toBeGreaterThan(0);
      }
    });
  });
});
