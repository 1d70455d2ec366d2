import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main, useBuiltCli } from './support/builtCli.js';

useBuiltCli();

describe('mm quotes', () => {
  const r = () => spawnSync('node', [main, 'quotes'], { encoding: 'utf8' });

  it('exits 0 and prints a header and the quote table, without colours on a pipe', () => {
    const { status, stdout, stderr } = r();
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).not.toContain('\u001b[');
    expect(stdout).toMatch(/default\s+model/);
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
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThanOrEqual(25);
    const qs = rows.map((c) => Number(c[0]));
    expect(qs).toEqual([...qs].sort((a, b) => a - b));
    expect(qs).toContain(0);
    expect(qs[0]).toBe(-qs.at(-1)!);
    const zero = rows[qs.indexOf(0)]!;
    // At q = 0 every policy quotes both sides at a positive distance (bps).
    for (const group of zero.slice(1)) {
      const [bid, ask] = group.split(/\s+/).map(Number);
      expect(bid).toBeGreaterThan(0);
      expect(ask).toBeGreaterThan(0);
    }
  });
});
