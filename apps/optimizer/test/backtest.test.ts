import {
  comparePolicies,
  marketSpecOf,
  phiOf,
  policyFactory,
  policySpecsOf,
} from '@mm/backtest/run';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BacktestJobData,
  type BacktestResult,
  JobDataError,
  parseJobData,
} from '../src/jobs/jobSchemas.js';
import { runBacktest } from '../src/processors/backtest.js';
import { runJob } from '../src/processors/index.js';

// examples/default-comparison.json (BTC-like), shortened: 20 paths of 10 s.
const config = {
  title: 'default-style comparison',
  market: {
    s0: 60000,
    midModel: 'arithmetic',
    sigma: 5.87,
    A: 3,
    k: 0.4,
    takerFeeBps: 2,
    qMax: 20,
  },
  run: { dt: 0.1, T: 10, paths: 20, seed: 3 },
  objective: { phi: 0.0043 },
  policies: [
    { type: 'exact' },
    { type: 'closedForm' },
    { type: 'grid' },
    { type: 'heuristic' },
    { type: 'symmetric', name: 'flat', halfSpread: 2.5 },
  ],
};

function parse(data: unknown): BacktestJobData {
  const r = parseJobData('backtest', data);
  if (!r.ok) throw new Error(`${r.field}: ${r.message}`);
  return r.data;
}

describe('runBacktest', () => {
  const data = parse(config);
  let result: BacktestResult;
  const progress: number[] = [];

  beforeAll(async () => {
    result = await runBacktest(data, (f) => void progress.push(f));
  });

  it('equals a direct comparePolicies run on the same config (mm backtest --json)', () => {
    const market = marketSpecOf(data);
    const phiPerLot2Sec = phiOf(data);
    const ctx = { market, horizonSec: data.run.T, phiPerLot2Sec };
    const run = comparePolicies({
      market,
      dtSec: data.run.dt,
      horizonSec: data.run.T,
      paths: data.run.paths,
      seed: data.run.seed!,
      objective: { phiPerLot2Sec },
      policies: policySpecsOf(data).map((s) => policyFactory(s, ctx)),
      reference: 'exact',
    });
    expect(result.comparison).toEqual(run.comparison);
    // the job's result has no markouts (mm backtest's extras do)
    expect(result.policies).toEqual(run.extras.map(({ markouts: _, ...x }) => x));
    expect(result).toMatchObject({
      title: 'default-style comparison',
      paths: 20,
      seed: 3,
      dtSec: 0.1,
      horizonSec: 10,
      phiPerLot2Sec: 0.0043,
    });
  });

  it('per policy: mean, std and 95% interval of P&L and objective, share of exact', () => {
    const names = result.comparison.policies.map((p) => p.name);
    expect(names).toEqual(['exact', 'closedForm', 'grid', 'heuristic', 'flat']);
    for (const p of result.comparison.policies) {
      expect(p.paths).toBe(20);
      for (const m of [p.pnl, p.objective]) {
        expect(m.ci.level).toBe(0.95);
        expect(m.ci.lower).toBeLessThan(m.mean);
        expect(m.ci.upper).toBeGreaterThan(m.mean);
      }
      if (p.name === 'exact') expect(p.shareOfReference).toBeNull();
      else
        expect(p.shareOfReference!.estimate).toBeCloseTo(
          p.objective.mean / result.comparison.policies[0]!.objective.mean,
          12,
        );
    }
  });

  it('is deterministic; as JSON (a BullMQ return value) only bootstrap SEs are null', async () => {
    const again = await runBacktest(data, () => {});
    expect(again).toEqual(result);
    // `@mm/backtest` gives percentile-bootstrap intervals no standard error (NaN), which JSON
    // writes as null, exactly as `mm backtest --json` does; every other figure is finite.
    const nonFinite: string[] = [];
    const walk = (v: unknown, path: string): void => {
      if (typeof v === 'number' && !Number.isFinite(v)) nonFinite.push(path);
      else if (v !== null && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    };
    walk(result, 'result');
    expect(nonFinite.length).toBeGreaterThan(0);
    for (const path of nonFinite)
      expect(path).toMatch(/\.(sharpe|shareOfReference)\.standardError$/);
    expect(
      JSON.parse(JSON.stringify(result)).comparison.policies[1].sharpe.standardError,
    ).toBeNull();
  });

  it('reports progress after every path, monotone, ending at 1', () => {
    expect(progress).toHaveLength(1 + 5 * 20 + 1);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    for (let i = 1; i < progress.length; i++)
      expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
  });

  it('without an exact policy, shares are relative to the first policy', async () => {
    const r = await runBacktest(
      parse({ ...config, run: { ...config.run, paths: 4 }, policies: config.policies.slice(2) }),
      () => {},
    );
    expect(r.comparison.reference).toBe('grid');
  });

  it('through runJob: bad config fails with the field named', async () => {
    const err = await runJob(
      'backtest',
      { ...config, market: { ...config.market, k: -1 } },
      { progress: () => {}, nowMs: 0 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobDataError);
    expect((err as JobDataError).field).toBe('data.market.k');
  });
});
