import { describe, expect, it } from 'vitest';
import { type GridSearchJobData, JobDataError, parseJobData } from '../src/jobs/jobSchemas.js';
import { runGridSearch } from '../src/processors/gridSearch.js';

// A small market (price units, seconds): A 1.2 fills/s, k 1.5 per price unit, sigma 0.3.
const base = {
  market: { sigma: 0.3, A: 1.2, k: 1.5, midPrice: 1_000, drift: 0.002 },
  objective: { gamma: 0.5, alpha: 0.05 },
  qMaxLots: 4,
  horizonSec: 30,
  dtSec: 0.1,
  paths: 40,
  seed: 3,
  candidates: { kind: 'grid', policies: ['heuristic'], baseHalfSpreadBps: [4, 6.667, 10] },
};

function parse(data: unknown): GridSearchJobData {
  const r = parseJobData('grid-search', data);
  if (!r.ok) throw new Error(`${r.field}: ${r.message}`);
  return r.data;
}

const quiet = () => undefined;

describe('grid search scored exactly (DESIGN 3.9)', () => {
  it('is the default for stationary candidates on a plain market, and says so', async () => {
    const r = await runGridSearch(parse(base), quiet);
    expect(r.scoring).toBe('exact');
    expect(r.scoringReason).toMatch(/^exact:/);
    expect(r.simulatedSteps).toBe(0);
    for (const c of r.candidates) {
      expect(c.objective.std).toBe(0);
      expect(c.exactRatePerSec).not.toBeNull();
      expect(Number.isFinite(c.exactRatePerSec!)).toBe(true);
    }
    // Noise-free: the optimum is the optimum, so no heuristic beats it (no fees here).
    expect(r.heuristicGap).not.toBeNull();
    expect(r.heuristicGap!).toBeGreaterThanOrEqual(0);
    expect(r.heuristicGap!).toBeLessThan(1);
    // No seed in it.
    const other = await runGridSearch(parse({ ...base, seed: 99 }), quiet);
    expect(other.candidates.map((c) => c.objective.mean)).toEqual(
      r.candidates.map((c) => c.objective.mean),
    );
  });

  it('agrees with Monte Carlo on the same job within its confidence intervals', async () => {
    // A fine time step keeps the simulator's one-fill-per-step cap negligible (~lambda dt / 2).
    const job = { ...base, dtSec: 0.01, paths: 400 };
    const exact = await runGridSearch(parse(job), quiet);
    const mc = await runGridSearch(parse({ ...job, scoring: 'montecarlo' }), quiet);
    expect(mc.scoring).toBe('montecarlo');
    expect(mc.scoringReason).toBe('montecarlo: asked for');
    for (const [i, c] of mc.candidates.entries()) {
      const e = exact.candidates[i]!.objective.mean;
      // The 95% half-width is 1.96 standard errors; allow 3.3 (99.9%) for the three candidates.
      const se = (c.objective.upper - c.objective.lower) / (2 * 1.96);
      expect(Math.abs(e - c.objective.mean)).toBeLessThan(3.3 * se);
    }
    const se = (mc.exact.objective.upper - mc.exact.objective.lower) / (2 * 1.96);
    expect(Math.abs(exact.exact.objective.mean - mc.exact.objective.mean)).toBeLessThan(3.3 * se);
  }, 120_000);

  it('keeps Monte Carlo for time-dependent candidates and tick grids, and refuses exact there', async () => {
    const grid = parse({ ...base, candidates: { kind: 'grid', policies: ['heuristic', 'grid'] } });
    const r = await runGridSearch({ ...grid, paths: 2 }, quiet);
    expect(r.scoring).toBe('montecarlo');
    expect(r.scoringReason).toMatch(/time to go/);
    const ticked = parse({ ...base, paths: 2, market: { ...base.market, tickSize: 0.01 } });
    expect((await runGridSearch(ticked, quiet)).scoring).toBe('montecarlo');
    await expect(runGridSearch({ ...ticked, scoring: 'exact' }, quiet)).rejects.toSatisfy(
      (e: unknown) => e instanceof JobDataError && e.field === 'data.scoring',
    );
  });

  it('rejects an unknown scoring by name', () => {
    const r = parseJobData('grid-search', { ...base, scoring: 'exactly' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.field).toBe('data.scoring');
  });
});
