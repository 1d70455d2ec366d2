import { describe, expect, it } from 'vitest';
import { binomialMid, exponentialFills, type SimulationConfig, simulate } from '../src/index.js';
import { avellanedaStoikovPolicy } from './support/policies.js';
import { mean, std } from './support/stats.js';

/**
 * Avellaneda and Stoikov (2008), section 4: s = 100, T = 1, sigma = 2, dt = 0.005, A = 140,
 * k = 1.5, q0 = 0, 1000 paths. The mid moves +-sigma sqrt(dt) with probability 1/2 each; a quote
 * at distance d fills with probability A e^(-k d) dt per step; profit = cash + q_T S_T. The
 * symmetric strategy quotes the inventory strategy's spread around the mid.
 *
 * Step order: with fills judged against the mid the quotes were set at (`fillsAfterMidMove:
 * false`) the inventory strategy earns 64.9 (gamma 0.1) and 68.4 (gamma 0.01) over 10,000 paths,
 * well above the paper's 62.94 and 66.78 (an independent replication,
 * QuantCodeAutomata/qca-primary-monte-carlo-replication-of-avellaneda-stoi, reports 64.80 and
 * 68.45 with that order). Judging the step's fills against the moved mid, quotes and fill prices
 * unchanged (`fillsAfterMidMove: true`: quotes stale by one move, i.e. adverse selection of
 * about sigma sqrt(dt) tanh(k sigma sqrt(dt)) = 0.03 per fill) lowers every profit by 1.3-1.6
 * and matches both tables within sampling error; that is the order asserted here.
 *
 * Measured (seeds 1..1000; mean / std; in SE: (ours - paper) / standard error of the difference):
 *   gamma 0.1   inventory  profit 63.39 / 6.61  (+1.6 SE)  q 0.08 / 2.97   paper 62.94 / 5.89, 0.10 / 2.80
 *               symmetric  profit 65.75 / 13.57 (-2.4 SE)  q 0.12 / 8.62   paper 67.21 / 13.43, -0.018 / 8.66
 *   gamma 0.01  inventory  profit 66.54 / 9.03  (-0.6 SE)  q 0.08 / 5.27   paper 66.78 / 8.76, -0.02 / 4.70
 *               symmetric  profit 66.26 / 13.87 (-1.8 SE)  q 0.11 / 8.80   paper 67.36 / 13.40, -0.31 / 8.65
 * With 4000 other paths (seeds 1000..4999) the symmetric profits are 66.97 and 67.13: these seeds'
 * symmetric figures are on the low side by chance. The fills-first order on seeds 1..1000:
 * inventory 64.89 / 6.81 (+7 SE) and 67.95 / 9.17 (+2.9 SE); symmetric 67.23 and 67.79.
 *
 * Tolerances: the paper's figures are themselves means over 1000 paths, so a mean may differ by
 * 3 standard errors of the difference, 3 sqrt(s_ours^2 + s_paper^2) / sqrt(1000); a standard
 * deviation by 15% (its sampling error alone is 2.2% per sample; the largest gap is the
 * inventory strategy's final-q std at gamma 0.01, +12%, the same in both step orders).
 */
const PATHS = 1000;

interface Row {
  gamma: number;
  strategy: 'inventory' | 'symmetric';
  profit: [number, number];
  finalQ: [number, number];
}

const PAPER: Row[] = [
  { gamma: 0.1, strategy: 'inventory', profit: [62.94, 5.89], finalQ: [0.1, 2.8] },
  { gamma: 0.1, strategy: 'symmetric', profit: [67.21, 13.43], finalQ: [-0.018, 8.66] },
  { gamma: 0.01, strategy: 'inventory', profit: [66.78, 8.76], finalQ: [-0.02, 4.7] },
  { gamma: 0.01, strategy: 'symmetric', profit: [67.36, 13.4], finalQ: [-0.31, 8.65] },
];

const cache = new Map<string, { profit: Float64Array; finalQ: Float64Array }>();

/** Profit and final inventory of the 1000 paths (seeds 1..1000), memoised per case. */
function paths(gamma: number, strategy: Row['strategy'], fillsAfterMidMove = true) {
  const key = `${gamma} ${strategy} ${fillsAfterMidMove}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const config: Omit<SimulationConfig, 'seed'> = {
    initialMidPrice: 100,
    midModel: binomialMid({ sigmaPerSqrtSec: 2 }),
    fillModel: exponentialFills({ aPerSec: 140, kPerPrice: 1.5 }),
    fillProbability: 'firstOrder',
    policy: avellanedaStoikovPolicy(
      { sigmaPerSqrtSec: 2, gamma, kPerPrice: 1.5, horizonSec: 1 },
      strategy,
    ),
    dtSec: 0.005,
    horizonSec: 1,
    recordEverySteps: 0,
    recordFills: false,
    fillsAfterMidMove,
  };
  const profit = new Float64Array(PATHS);
  const finalQ = new Float64Array(PATHS);
  for (let i = 0; i < PATHS; i++) {
    const r = simulate({ ...config, seed: i + 1 });
    profit[i] = r.pnlQuote;
    finalQ[i] = r.inventoryLots;
  }
  const out = { profit, finalQ };
  cache.set(key, out);
  return out;
}

const fmt = (xs: Float64Array) => `${mean(xs).toFixed(2)} (std ${std(xs).toFixed(2)})`;

describe('Avellaneda-Stoikov (2008) Tables 1 (gamma 0.1) and 2 (gamma 0.01), 1000 paths', () => {
  // simulated at collection so that the measured figures appear in the test names
  const cases = PAPER.map((row) => {
    const sim = paths(row.gamma, row.strategy);
    const name =
      `gamma ${row.gamma} ${row.strategy}: profit ${fmt(sim.profit)} vs paper ${row.profit[0]} ` +
      `(std ${row.profit[1]}); final q ${fmt(sim.finalQ)} vs paper ${row.finalQ[0]} (std ${row.finalQ[1]})`;
    return { name, row, sim };
  });

  for (const { name, row, sim } of cases)
    it(name, () => {
      for (const [xs, [paperMean, paperStd]] of [
        [sim.profit, row.profit],
        [sim.finalQ, row.finalQ],
      ] as const) {
        const m = mean(xs);
        const s = std(xs);
        const se = Math.sqrt((s * s + paperStd * paperStd) / PATHS);
        expect(Math.abs(m - paperMean), `mean ${m.toFixed(2)} vs ${paperMean}`).toBeLessThan(
          3 * se,
        );
        expect(Math.abs(s / paperStd - 1), `std ${s.toFixed(2)} vs ${paperStd}`).toBeLessThan(0.15);
      }
    });

  it('the inventory strategy trades profit for much less dispersion than the symmetric one', () => {
    const inv = paths(0.1, 'inventory');
    const sym = paths(0.1, 'symmetric');
    expect(std(inv.profit)).toBeLessThan(0.6 * std(sym.profit));
    expect(std(inv.finalQ)).toBeLessThan(0.4 * std(sym.finalQ));
  });

  it('judging fills before the mid moves removes the adverse selection: about 1.5 more profit', () => {
    // common random numbers: the same seeds drive the mid and the fill draws in both orders
    const after = mean(paths(0.1, 'inventory', true).profit);
    const before = mean(paths(0.1, 'inventory', false).profit);
    expect(before - after).toBeGreaterThan(1);
    expect(before - after).toBeLessThan(2.2);
  });
});
