/**
 * The measured error of the multi-asset closed form (Gueant 2017, eqs. 5.17-5.20) against the
 * exact grid solution: the table in src/multi/README.md. Each row's numbers are checked here to
 * 1% (golden values); `MULTI_GRID_TABLE=1 npx vitest run packages/hjb-core/test/multiGridErrors`
 * prints the table afresh.
 */
import { describe, expect, it } from 'vitest';
import { compareGridWithClosedForm } from '../src/multi/compareQuotes.js';
import { solveMultiAssetGrid } from '../src/multi/multiAssetGrid.js';
import type { AssetSpec, MultiAssetProblem } from '../src/multi/multiAssetProblem.js';
import { solveMultiAssetStationary } from '../src/multi/multiAssetRiccati.js';
import { covarianceFromCorrelation } from '../src/multi/penalty.js';

interface Case {
  name: string;
  problem: MultiAssetProblem;
  maxLots: number[];
  /** Golden values: near max, near mean, core max, grid max (price units). */
  golden: [number, number, number, number];
}

// Base asset: lot 1 unit, A = 1 fill/s, k = 1 per price unit (c1 = 1/k = 1), sigma = 0.3.
const base: AssetSpec = { lotSize: 1, venues: [{ aPerSec: 1, kPerPrice: 1 }] };

function covariance(sigmas: number[], rho: number[][], gamma: number) {
  return {
    kind: 'covariance' as const,
    gamma,
    covariancePerSec: covarianceFromCorrelation(sigmas, rho),
  };
}
const pair = (r: number) => [
  [1, r],
  [r, 1],
];

const cases: Case[] = [
  ...(
    [
      [0, [0.003355, 0.001906, 0.005666, 0.08502]],
      [0.5, [0.00372, 0.001777, 0.005743, 0.1898]],
      [0.8, [0.003616, 0.001575, 0.007537, 0.3186]],
      [-0.5, [0.00372, 0.001777, 0.005743, 0.1898]],
      [-0.8, [0.003616, 0.001575, 0.007537, 0.3186]],
    ] as const
  ).map(
    ([rho, golden]): Case => ({
      name: `2 assets, rho = ${rho}`,
      problem: { assets: [base, base], penalty: covariance([0.3, 0.3], pair(rho), 0.1) },
      maxLots: [10, 10],
      golden: [...golden],
    }),
  ),
  {
    name: '2 assets, rho = 0.5, unlike assets',
    problem: {
      assets: [base, { lotSize: 0.5, venues: [{ aPerSec: 3, kPerPrice: 2 }] }],
      penalty: covariance([0.3, 0.6], pair(0.5), 0.1),
    },
    maxLots: [10, 10],
    golden: [0.003193, 0.001433, 0.006179, 0.1486],
  },
  {
    name: '2 assets, rho = 0.5, gamma = 1',
    problem: { assets: [base, base], penalty: covariance([0.3, 0.3], pair(0.5), 1) },
    maxLots: [10, 10],
    golden: [0.03193, 0.01708, 0.2592, 1.118],
  },
  {
    name: '2 assets, rho = 0.5, model A (xi = gamma)',
    problem: { assets: [base, base], penalty: covariance([0.3, 0.3], pair(0.5), 0.1), xi: 0.1 },
    maxLots: [10, 10],
    golden: [0.003899, 0.001863, 0.005936, 0.183],
  },
  {
    name: '3 assets, rho = 0.5 each pair',
    problem: {
      assets: [base, base, base],
      penalty: covariance(
        [0.3, 0.3, 0.3],
        [
          [1, 0.5, 0.5],
          [0.5, 1, 0.5],
          [0.5, 0.5, 1],
        ],
        0.1,
      ),
    },
    maxLots: [8, 8, 8],
    golden: [0.004248, 0.001948, 0.01496, 0.339],
  },
  {
    name: '3 assets, rho12 = 0.6, rho13 = -0.3, rho23 = -0.4',
    problem: {
      assets: [base, base, base],
      penalty: covariance(
        [0.3, 0.3, 0.3],
        [
          [1, 0.6, -0.3],
          [0.6, 1, -0.4],
          [-0.3, -0.4, 1],
        ],
        0.1,
      ),
    },
    maxLots: [8, 8, 8],
    golden: [0.004269, 0.001968, 0.01677, 0.3588],
  },
];

const fmt = (x: number) => x.toPrecision(3);

describe('closed form vs exact grid: the README error table', () => {
  const rows: string[] = [];
  for (const c of cases) {
    it(c.name, () => {
      const grid = solveMultiAssetGrid(c.problem, { maxLots: c.maxLots });
      const sol = solveMultiAssetStationary(c.problem);
      const near = compareGridWithClosedForm(grid, sol, 1);
      const core = compareGridWithClosedForm(grid, sol, Math.floor(c.maxLots[0]! / 2));
      const measured = [
        near.nearMaxAbsDiffPrice,
        near.nearMeanAbsDiffPrice,
        core.nearMaxAbsDiffPrice,
        near.maxAbsDiffPrice,
      ];
      const n = sol.assetCount;
      rows.push(
        `| ${c.name} | ${c.maxLots.map((b) => 2 * b + 1).join('x')} | ${fmt(sol.gammaMatrix[0]!)} | ${n > 1 ? fmt(sol.gammaMatrix[1]!) : '-'} | ` +
          `${measured.map(fmt).join(' | ')} | ${fmt(near.meanAbsDiffPrice)} | ${grid.iterations} |`,
      );
      if (process.env.MULTI_GRID_TABLE) {
        console.log(c.name, JSON.stringify(measured));
        return;
      }
      measured.forEach((m, i) => {
        expect(Math.abs(m - c.golden[i]!)).toBeLessThanOrEqual(0.01 * c.golden[i]!);
      });
    }, 60_000);
  }
  // Printing is for regenerating the README table by hand: skipped (reported as such) unless asked.
  it.skipIf(!process.env.MULTI_GRID_TABLE)(
    'prints the table (only with MULTI_GRID_TABLE=1)',
    () => {
      expect(rows).toHaveLength(cases.length);
      console.log(
        [
          '| case | grid | Gamma_11 | Gamma_12 | near max | near mean | core max | grid max | grid mean | Newton its |',
          '|---|---|---|---|---|---|---|---|---|---|',
          ...rows,
        ].join('\n'),
      );
    },
  );
});
