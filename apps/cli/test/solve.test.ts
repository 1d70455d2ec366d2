import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main, useBuiltCli } from './support/builtCli.js';

useBuiltCli();

interface Row {
  q: number;
  bid: number | null;
  ask: number | null;
  h: number;
  take: 'buy' | 'sell' | null;
}

/** Run the built `mm solve` with `input` on stdin. */
function solve(input: unknown) {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const r = spawnSync('node', [main, 'solve'], { input: text, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function quotesOf(input: unknown): Row[] {
  const r = solve(input);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const answer = JSON.parse(r.stdout) as { quotes: Row[] };
  expect(Object.keys(answer)).toEqual(['quotes']);
  return answer.quotes;
}

// hftbacktest's GLFT tutorial parameters (ticks as price units).
const hft = { sigma: 10.69, A: 2.986162360812285, k: 0.04235741115084049, gamma: 0.05 };

const glft = { model: 'glft', sigma: 2, A: 1.5, k: 0.3, gamma: 0.01, qMax: 6 };
const cj = { model: 'cj', kappa: 0.3, lambda: 1.5, phi: 0.01, alpha: 0.1, mu: 0.01, qMax: 5 };
const seed = { model: 'seed', lambda0: 1, beta: 0.1, mid: 100, spreadBps: 5, phi: 0.001, qMax: 4 };

describe('mm solve: valid problems', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['glft stationary', glft],
    ['glft finite, t = 0', { ...glft, T: 30 }],
    ['glft finite, t inside', { ...glft, T: 30, t: 10, xi: 0, Delta: 2 }],
    ['cj stationary', cj],
    ['cj finite', { ...cj, T: 60, t: 0 }],
    ['glft-approx', { ...glft, model: 'glft-approx' }],
    ['seed stationary', seed],
    ['seed finite', { ...seed, imbalance: 0.3, mu: 0.001, alpha: 0.01, T: 20, t: 5 }],
  ];
  it.each(cases)('%s: 2 qMax + 1 rows, q ascending, one side closed at each bound', (_, input) => {
    const qMax = input.qMax as number;
    const quotes = quotesOf(input);
    expect(quotes.map((r) => r.q)).toEqual(
      Array.from({ length: 2 * qMax + 1 }, (_, i) => i - qMax),
    );
    for (const r of quotes) {
      expect(Object.keys(r).sort()).toEqual(['ask', 'bid', 'h', 'q', 'take']);
      expect(Number.isFinite(r.h)).toBe(true);
      expect(r.bid === null).toBe(r.q === qMax);
      expect(r.ask === null).toBe(r.q === -qMax);
      if (input.model !== 'seed') expect(r.take).toBeNull();
    }
  });

  it('glft stationary quotes are symmetric: bid(q) = ask(-q), h(0) = 0', () => {
    const quotes = quotesOf(glft);
    for (const r of quotes) {
      const mirror = quotes.find((m) => m.q === -r.q)!;
      if (r.bid !== null) expect(r.bid).toBeCloseTo(mirror.ask!, 9);
      expect(r.h).toBeCloseTo(mirror.h, 9);
    }
    expect(quotes.find((r) => r.q === 0)!.h).toBe(0);
  });

  it('glft exact and the Gueant closed form agree at q = 0 (hftbacktest parameters)', () => {
    const input = { ...hft, xi: hft.gamma, qMax: 20 };
    const exact = quotesOf({ model: 'glft', ...input }).find((r) => r.q === 0)!;
    const approx = quotesOf({ model: 'glft-approx', ...input }).find((r) => r.q === 0)!;
    expect(Math.abs(exact.bid! / approx.bid! - 1)).toBeLessThan(0.05);
    expect(Math.abs(exact.ask! / approx.ask! - 1)).toBeLessThan(0.05);
  });

  it('glft: a long position quotes a tighter ask and a wider bid', () => {
    const quotes = quotesOf(glft);
    const at = (q: number) => quotes.find((r) => r.q === q)!;
    expect(at(3).ask!).toBeLessThan(at(0).ask!);
    expect(at(3).bid!).toBeGreaterThan(at(0).bid!);
  });

  it('glft with a cheap takerCost trades out of the bounds', () => {
    const quotes = quotesOf({ ...glft, gamma: 1, takerCost: 0.5 });
    expect(quotes.at(-1)!.take).toBe('sell');
    expect(quotes[0]!.take).toBe('buy');
    expect(quotes.find((r) => r.q === 0)!.take).toBeNull();
  });

  it('seed with a small taker fee and a large phi takes near the limit', () => {
    const quotes = quotesOf({ ...seed, spreadBps: 1, takerFeeBps: 0.1, phi: 1, qMax: 10 });
    expect(quotes.at(-1)!.take).toBe('sell');
    expect(quotes.at(-2)!.take).toBe('sell');
    expect(quotes[0]!.take).toBe('buy');
    expect(quotes.find((r) => r.q === 0)!.take).toBeNull();
  });

  it('prints nothing but the answer: one JSON line', () => {
    const r = solve(glft);
    expect(r.stdout.endsWith('\n')).toBe(true);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('mm solve: bad input exits 2 with one line naming the field', () => {
  const { qMax: _, ...noQMax } = glft;
  const { sigma: __, ...noSigma } = glft;
  const cases: [string, unknown, string][] = [
    ['missing sigma', noSigma, '"sigma"'],
    ['missing qMax', noQMax, '"qMax"'],
    ['sigma not a number', { ...glft, sigma: 'x' }, '"sigma"'],
    [
      'sigma infinite (1e999)',
      JSON.stringify(glft).replace('"sigma":2', '"sigma":1e999'),
      '"sigma"',
    ],
    ['phi overflows', { ...glft, sigma: 1e300 }, '"sigma"'],
    ['negative A', { ...glft, A: -1 }, '"A"'],
    ['zero k', { ...glft, k: 0 }, '"k"'],
    ['negative lambda', { ...cj, lambda: -1 }, '"lambda"'],
    ['negative lambda0', { ...seed, lambda0: -1 }, '"lambda0"'],
    ['qMax = 0', { ...glft, qMax: 0 }, '"qMax"'],
    ['qMax not an integer', { ...glft, qMax: 2.5 }, '"qMax"'],
    ['qMax too large', { ...glft, qMax: 10_001 }, '"qMax"'],
    ['imbalance above 1', { ...seed, imbalance: 1.5 }, '"imbalance"'],
    ['T = 0', { ...glft, T: 0 }, '"T"'],
    ['t beyond T', { ...glft, T: 10, t: 11 }, '"t"'],
    ['t without T', { ...glft, t: 1 }, '"t"'],
    ['unknown model', { ...glft, model: 'foo' }, '"model"'],
    ['missing model', { sigma: 1 }, '"model"'],
    ['unknown field', { ...glft, foo: 1 }, '"foo"'],
    [
      'takerCost on the closed form',
      { ...glft, model: 'glft-approx', takerCost: 1 },
      '"takerCost"',
    ],
    ['invalid JSON', '{"model": "glft",', 'JSON'],
    ['empty stdin', '', 'JSON'],
    ['not an object', '[1, 2]', 'object'],
  ];
  it.each(cases)('%s', (_, input, field) => {
    const r = solve(input);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mm solve: /);
    expect(lines[0]).toContain(field);
  });

  it('names the expectation, e.g. for sigma = "x"', () => {
    expect(solve({ ...glft, sigma: 'x' }).stderr).toBe(
      'mm solve: field "sigma": expected a finite number >= 0, got "x"\n',
    );
  });
});

describe('mm usage errors', () => {
  it.each([[['foo']], [[]], [['solve', 'extra']], [['--nope']]])(
    'mm %j: exit 2, one line',
    (args) => {
      const r = spawnSync('node', [main, ...args], { input: '', encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^mm: /);
    },
  );

  it('mm --help exits 0', () => {
    const r = spawnSync('node', [main, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('solve');
  });
});

describe('mm solve: bounded work', () => {
  const big = { ...cj, qMax: 4000, T: 60 };

  it('a finite-horizon exact solve above qMax 1000 is refused at once, naming the field and the limit', () => {
    const r = solve(big);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'mm solve: field "qMax": 4000 is above 1000, the limit of a finite-horizon exact solve (T given; the work grows as qMax^2): omit T for the stationary solution, or add --force\n',
    );
    // the stationary solve of the same size is linear in qMax and runs
    const { T: _T, ...stationary } = big;
    expect(solve({ ...stationary, qMax: 2000 }).code).toBe(0);
  });

  it('--force lifts the bound', () => {
    const r = spawnSync('node', [main, 'solve', '--force'], {
      input: JSON.stringify({ ...cj, qMax: 1001, T: 1 }),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { quotes: unknown[] }).quotes).toHaveLength(2003);
  });

  it('more than 1 MiB on stdin is refused without reading it all', () => {
    const r = solve(`{"model":"cj","pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'mm solve: stdin: more than 1048576 bytes; a problem is one small JSON object\n',
    );
  });

  it('deeply nested JSON: exit 2 naming the field, not a stack overflow', () => {
    const deep = `{"model":"cj","kappa":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const r = solve(deep);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^mm solve: field "kappa": expected a finite number > 0, got an array\n$/,
    );
  });
});
