import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main, useBuiltCli } from './support/builtCli.js';

useBuiltCli();

interface Quote {
  bid: number;
  ask: number;
}

interface MultiAnswer {
  quotes: Quote[];
  Gamma?: number[][];
  A?: number[][];
  hedge: number[];
}

/** Run the built `mm solve` with `input` on stdin. */
function solve(input: unknown) {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const r = spawnSync('node', [main, 'solve'], { input: text, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function answerOf(input: unknown): MultiAnswer {
  const r = solve(input);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(r.stdout) as MultiAnswer;
}

function expectClose(a: number, b: number, rel = 1e-12) {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
}

// hftbacktest's GLFT tutorial parameters (ticks as price units).
const hft = { sigma: 10.69, A: 2.986162360812285, k: 0.04235741115084049 };

/** Two like assets (c1 = 1 price unit), correlation `rho`, risk aversion 0.1. */
function pair(rho: number, q: [number, number], extra: Record<string, unknown> = {}) {
  const asset = { sigma: 0.3, A: 1, k: 1 };
  return {
    model: 'multi',
    assets: [asset, asset],
    corr: [
      [1, rho],
      [rho, 1],
    ],
    gamma: 0.1,
    q,
    ...extra,
  };
}

describe('mm solve, model multi: valid problems', () => {
  const taker = { sigma: 0.3, A: 1, k: 1, psi: 0.01, eta: 1 };
  const withTakers = (q: [number, number], extra: Record<string, unknown> = {}) => ({
    ...pair(0.5, q, extra),
    assets: [taker, taker],
  });

  it.each([
    ['model A (xi = gamma)', {}],
    ['model B (xi = 0)', { xi: 0 }],
  ])(
    'one asset reproduces glft-approx at the same q, %s',
    (_, xi) => {
      const qMax = 4;
      const approx = JSON.parse(
        solve({ model: 'glft-approx', ...hft, gamma: 0.05, qMax, ...xi }).stdout,
      ) as { quotes: { q: number; bid: number | null; ask: number | null }[] };
      for (const row of approx.quotes) {
        if (row.bid === null || row.ask === null) continue; // the closed form has no bounds
        const multi = answerOf({
          model: 'multi',
          assets: [{ ...hft, Delta: 1 }],
          corr: [[1]],
          gamma: 0.05,
          q: [row.q],
          ...xi,
        });
        expectClose(multi.quotes[0]!.bid, row.bid);
        expectClose(multi.quotes[0]!.ask, row.ask);
      }
    },
    60_000,
  ); // ten process spawns: generous on a loaded machine

  it('two positively correlated assets, long asset 1: asset 2 quotes a wider bid than ask', () => {
    const { quotes, Gamma } = answerOf(pair(0.5, [1, 0]));
    expect(Gamma![0]![1]!).toBeGreaterThan(0);
    expect(quotes[1]!.bid).toBeGreaterThan(quotes[1]!.ask);
    expect(quotes[0]!.bid).toBeGreaterThan(quotes[0]!.ask);
    // Negative correlation mirrors asset 2's skew.
    const mirrored = answerOf(pair(-0.5, [1, 0])).quotes;
    expectClose(mirrored[1]!.bid, quotes[1]!.ask);
    expectClose(mirrored[1]!.ask, quotes[1]!.bid);
  });

  it('a numerically computed correlation (diagonal 1.0000000000000002) is accepted as 1', () => {
    const exact = answerOf(pair(0.5, [1, -2]));
    const computed = answerOf(
      pair(0.5, [1, -2], {
        corr: [
          [1.0000000000000002, 0.5],
          [0.5, 0.9999999999999998],
        ],
      }),
    );
    expect(computed).toEqual(exact);
  });

  it('stationary answers carry Gamma, finite-horizon answers A (and never both)', () => {
    const stationary = answerOf(pair(0.5, [1, -2]));
    expect(Object.keys(stationary)).toEqual(['quotes', 'Gamma', 'hedge']);
    const finite = answerOf(pair(0.5, [1, -2], { tau: 30 }));
    expect(Object.keys(finite)).toEqual(['quotes', 'A', 'hedge']);
    for (const m of [stationary.Gamma!, finite.A!]) {
      expect(m).toHaveLength(2);
      expect(m[0]![1]).toBe(m[1]![0]);
    }
  });

  it('a long time to go tends to the stationary quotes, and A to Gamma/2', () => {
    const stationary = answerOf(pair(0.5, [3, -1]));
    const short = answerOf(pair(0.5, [3, -1], { tau: 1 }));
    const long = answerOf(pair(0.5, [3, -1], { tau: 1e4 }));
    for (let i = 0; i < 2; i++) {
      expectClose(long.quotes[i]!.bid, stationary.quotes[i]!.bid, 1e-9);
      expectClose(long.quotes[i]!.ask, stationary.quotes[i]!.ask, 1e-9);
      for (let j = 0; j < 2; j++) expectClose(long.A![i]![j]!, stationary.Gamma![i]![j]! / 2, 1e-9);
    }
    // With little time to go the inventory matters less: the skew of asset 1 is smaller.
    const skew = (a: MultiAnswer) => a.quotes[0]!.bid - a.quotes[0]!.ask;
    expect(skew(short)).toBeLessThan(skew(stationary));
    expect(skew(short)).toBeGreaterThan(0);
  });

  it('phi and Phi give the penalty directly', () => {
    const base = answerOf(pair(0, [2, 1]));
    // Uncorrelated like assets: Phi = (gamma/2) sigma^2 I.
    const phi = 0.05 * 0.3 ** 2;
    const { corr: _, ...noCorr } = pair(0, [2, 1]);
    const byPhi = answerOf({ ...noCorr, phi });
    const byMatrix = answerOf({
      ...noCorr,
      Phi: [
        [phi, 0],
        [0, phi],
      ],
    });
    for (const other of [byPhi, byMatrix])
      for (let i = 0; i < 2; i++) {
        expectClose(other.quotes[i]!.bid, base.quotes[i]!.bid);
        expectClose(other.quotes[i]!.ask, base.quotes[i]!.ask);
      }
  });

  it('hedge is 0 for assets without psi/eta', () => {
    expect(answerOf(pair(0.5, [5, -3])).hedge).toEqual([0, 0]);
    const one = answerOf({ ...pair(0.5, [5, 0]), assets: [{ sigma: 0.3, A: 1, k: 1 }, taker] });
    expect(one.hedge[0]).toBe(0);
    expect(one.hedge[1]).toBeLessThan(0); // asset 2 sells to hedge the long asset 1
  });

  it('hedge rates reduce the position: sell when long, buy when short, 0 in the dead zone', () => {
    const long = answerOf(withTakers([4, 0])).hedge;
    expect(long[0]).toBeLessThan(0);
    expect(long[1]).toBeLessThan(0); // positive correlation: asset 2 hedges asset 1 too
    expect(Math.abs(long[0]!)).toBeGreaterThan(Math.abs(long[1]!));
    const short = answerOf(withTakers([-4, 0])).hedge;
    expect(short[0]).toBeGreaterThan(0);
    expectClose(short[0]!, -long[0]!);
    const flat = answerOf(withTakers([0, 0])).hedge;
    expect(flat).toEqual([0, 0]);
    const costly = answerOf({
      ...withTakers([4, 0]),
      assets: [
        { ...taker, psi: 100 },
        { ...taker, psi: 100 },
      ],
    }).hedge;
    expect(costly).toEqual([0, 0]);
  });

  it('hedgeMode bestSingle trades one leg only', () => {
    const hedge = answerOf(withTakers([4, 0], { hedgeMode: 'bestSingle' })).hedge;
    expect(hedge[0]).toBeLessThan(0);
    expect(hedge[1]).toBe(0);
    const perAsset = answerOf(withTakers([4, 0], { hedgeMode: 'perAsset' })).hedge;
    expect(perAsset).toEqual(answerOf(withTakers([4, 0])).hedge);
  });

  it('accepts real-valued inventories and a lot size', () => {
    const { quotes } = answerOf({
      ...pair(0.3, [0.5, -1.25]),
      assets: [
        { sigma: 0.3, A: 1, k: 1, Delta: 0.5 },
        { sigma: 0.6, A: 3, k: 2 },
      ],
    });
    for (const q of quotes) expect(Number.isFinite(q.bid) && Number.isFinite(q.ask)).toBe(true);
  });
});

describe('mm solve, model multi: bad input exits 2 with one line naming the field', () => {
  const three = {
    model: 'multi',
    assets: [0, 1, 2].map(() => ({ sigma: 0.3, A: 1, k: 1 })),
    gamma: 0.1,
    q: [0, 0, 0],
  };
  const { corr: _, ...noCorr } = pair(0.5, [0, 0]);
  const cases: [string, unknown, string][] = [
    [
      'corr not symmetric',
      pair(0.5, [1, 0], {
        corr: [
          [1, 0.5],
          [0.4, 1],
        ],
      }),
      'field "corr": corr is not symmetric',
    ],
    [
      'corr not PSD',
      {
        ...three,
        corr: [
          [1, 0.9, 0.9],
          [0.9, 1, -0.9],
          [0.9, -0.9, 1],
        ],
      },
      'field "corr": corr is not positive semi-definite',
    ],
    ['corr with fewer rows than assets', { ...three, corr: [[1]] }, 'field "corr"'],
    [
      'corr row too short',
      pair(0.5, [1, 0], {
        corr: [[1, 0.5], [0.5]],
      }),
      'field "corr[1]"',
    ],
    [
      'corr diagonal not 1',
      pair(0.5, [1, 0], {
        corr: [
          [1, 0.5],
          [0.5, 0.9],
        ],
      }),
      'field "corr[1][1]"',
    ],
    [
      'corr entry beyond 1',
      pair(0.5, [1, 0], {
        corr: [
          [1, 1.5],
          [1.5, 1],
        ],
      }),
      'field "corr[0][1]"',
    ],
    ['corr missing without phi/Phi', noCorr, 'field "corr": missing'],
    ['q length mismatch', pair(0.5, [1, 0], { q: [1] }), 'field "q"'],
    ['q entry not a number', pair(0.5, [1, 0], { q: [1, 'x'] }), 'field "q[1]"'],
    [
      'both phi and Phi',
      pair(0.5, [1, 0], {
        phi: 0.1,
        Phi: [
          [0.1, 0],
          [0, 0.1],
        ],
      }),
      'field "Phi"',
    ],
    [
      'Phi not PSD',
      {
        ...noCorr,
        Phi: [
          [1, 2],
          [2, 1],
        ],
      },
      'field "Phi": Phi is not positive semi-definite',
    ],
    ['Phi wrong size', { ...noCorr, Phi: [[1]] }, 'field "Phi"'],
    ['negative phi', { ...noCorr, phi: -1 }, 'field "phi"'],
    [
      'negative A',
      {
        ...pair(0.5, [1, 0]),
        assets: [
          { sigma: 0.3, A: 1, k: 1 },
          { sigma: 0.3, A: -1, k: 1 },
        ],
      },
      'field "assets[1].A": expected a finite number > 0',
    ],
    [
      'zero k',
      {
        ...pair(0.5, [1, 0]),
        assets: [
          { sigma: 0.3, A: 1, k: 0 },
          { sigma: 0.3, A: 1, k: 1 },
        ],
      },
      'field "assets[0].k"',
    ],
    [
      'psi without eta',
      {
        ...pair(0.5, [1, 0]),
        assets: [
          { sigma: 0.3, A: 1, k: 1, psi: 0.1 },
          { sigma: 0.3, A: 1, k: 1 },
        ],
      },
      'field "assets[0].eta"',
    ],
    [
      'negative psi',
      {
        ...pair(0.5, [1, 0]),
        assets: [
          { sigma: 0.3, A: 1, k: 1, psi: -0.1, eta: 1 },
          { sigma: 0.3, A: 1, k: 1 },
        ],
      },
      'field "assets[0].psi"',
    ],
    [
      'unknown asset field',
      {
        ...pair(0.5, [1, 0]),
        assets: [
          { sigma: 0.3, A: 1, k: 1, B: 1 },
          { sigma: 0.3, A: 1, k: 1 },
        ],
      },
      '"assets[0].B"',
    ],
    ['no assets', { ...three, assets: [], q: [], corr: [] }, 'field "assets"'],
    ['tau = 0', pair(0.5, [1, 0], { tau: 0 }), 'field "tau"'],
    ['negative tau', pair(0.5, [1, 0], { tau: -5 }), 'field "tau"'],
    ['unknown hedgeMode', pair(0.5, [1, 0], { hedgeMode: 'all' }), 'field "hedgeMode"'],
    ['missing gamma', { ...pair(0.5, [1, 0]), gamma: undefined }, 'field "gamma"'],
  ];
  it.each(cases)('%s', (_, input, expected) => {
    const r = solve(input);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mm solve: field/);
    expect(lines[0]).toContain(expected);
  });
});
