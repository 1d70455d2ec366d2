import { JOB_TYPES, type JobType } from '@mm/config';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, jobIdFor } from '../src/jobs/jobId.js';
import { JobDataError, MAX_CANDIDATES, MAX_PATHS, parseJobData } from '../src/jobs/jobSchemas.js';
import { JobContextError, runJob } from '../src/processors/index.js';
import { throttleProgress } from '../src/processors/progress.js';

const gridSearch = {
  market: { sigma: 2, A: 1.5, k: 1.5, midPrice: 100 },
  objective: { gamma: 0.1 },
};
const solve = {
  assets: [{ asset: 'BTC', sigma: 6, A: 0.5, k: 0.111, gamma: 0.002, qMax: 10 }],
};
const calibrate = { sinceMs: 1_000, untilMs: 2_000 };
const backtest = {
  market: { s0: 100, sigma: 2, A: 140, k: 1.5 },
  run: { dt: 0.005, T: 1, paths: 10 },
  objective: { gamma: 0.1 },
  policies: [{ type: 'exact' }, { type: 'avellanedaStoikov' }],
};
const VALID: Record<JobType, unknown> = {
  'grid-search': gridSearch,
  solve,
  calibrate,
  backtest,
};

function fieldOf(type: JobType, data: unknown): string {
  const r = parseJobData(type, data);
  if (r.ok) throw new Error(`expected ${JSON.stringify(data)} to be rejected`);
  return r.field;
}

describe('parseJobData: valid data', () => {
  it.each(JOB_TYPES)('%s: the minimal example parses', (type) => {
    const r = parseJobData(type, VALID[type]);
    expect(r.ok).toBe(true);
  });

  it('grid-search: defaults are applied (horizon, dt, paths, seed, the default grid)', () => {
    const r = parseJobData('grid-search', gridSearch);
    if (!r.ok) throw new Error(r.message);
    expect(r.data).toMatchObject({
      qMaxLots: 10,
      horizonSec: 300,
      dtSec: 0.1,
      paths: 100,
      seed: 1,
      exactHorizon: 'finite',
      candidates: { kind: 'grid', policies: ['heuristic'] },
      market: { drift: 0, makerFeeBps: 0, takerFeeBps: 0, fillsAfterMidMove: false },
      objective: { alpha: 0 },
    });
  });

  it('solve and calibrate: defaults', () => {
    const s = parseJobData('solve', solve);
    if (!s.ok) throw new Error(s.message);
    expect(s.data.validForSec).toBe(300);
    expect(s.data.assets[0]!.quoteSizeLots).toBe(1);
    const c = parseJobData('calibrate', {});
    if (!c.ok) throw new Error(c.message);
    expect(c.data).toMatchObject({
      lookbackSec: 3600,
      depthBins: 40,
      minIncrements: 30,
      minFills: 30,
      regimes: { enabled: true, minIncrements: 500, maxIterations: 300 },
    });
  });
});

describe('parseJobData: bad data names the field', () => {
  const cases: [JobType, unknown, string][] = [
    [
      'grid-search',
      { ...gridSearch, market: { ...gridSearch.market, sigma: -1 } },
      'data.market.sigma',
    ],
    [
      'grid-search',
      { ...gridSearch, market: { ...gridSearch.market, sigma: 'x' } },
      'data.market.sigma',
    ],
    ['grid-search', { objective: gridSearch.objective }, 'data.market'],
    ['grid-search', { ...gridSearch, market: { ...gridSearch.market, foo: 1 } }, 'data.market.foo'],
    ['grid-search', { ...gridSearch, bar: 1 }, 'data.bar'],
    ['grid-search', { ...gridSearch, paths: MAX_PATHS + 1 }, 'data.paths'],
    ['grid-search', { ...gridSearch, paths: 2.5 }, 'data.paths'],
    ['grid-search', { ...gridSearch, dtSec: 0.7 }, 'data.dtSec'],
    ['grid-search', { ...gridSearch, horizonSec: 1e5, dtSec: 0.01 }, 'data.horizonSec'],
    [
      'grid-search',
      {
        ...gridSearch,
        candidates: {
          kind: 'grid',
          policies: ['heuristic', 'grid'],
          baseHalfSpreadBps: Array.from({ length: 100 }, (_, i) => i + 1),
          driftScalePerSec: Array.from({ length: 100 }, (_, i) => i + 1),
        },
      },
      'data.candidates',
    ],
    [
      'grid-search',
      { ...gridSearch, candidates: { kind: 'list', list: [{ type: 'exact' }] } },
      'data.candidates.list[0].type',
    ],
    ['grid-search', { ...gridSearch, paths: 10_000, horizonSec: 3600, dtSec: 0.01 }, 'data.paths'],
    ['solve', { assets: [] }, 'data.assets'],
    ['solve', { assets: [{ ...solve.assets[0], A: 0 }] }, 'data.assets[0].A'],
    ['solve', { assets: [{ ...solve.assets[0], qMax: 0 }] }, 'data.assets[0].qMax'],
    [
      'solve',
      {
        assets: [solve.assets[0], { ...solve.assets[0], asset: 'ETH' }],
        portfolio: {
          correlation: [
            [1, 2],
            [2, 1],
          ],
        },
      },
      'data.portfolio.correlation[0][1]',
    ],
    ['solve', { assets: [solve.assets[0], solve.assets[0]] }, 'data.assets[1].asset'],
    [
      'solve',
      {
        assets: [solve.assets[0], { ...solve.assets[0], asset: 'ETH', gamma: 0.1 }],
        portfolio: {
          correlation: [
            [1, 0],
            [0, 1],
          ],
        },
      },
      'data.portfolio.gamma',
    ],
    ['calibrate', { sinceMs: 5, untilMs: 1 }, 'data.sinceMs'],
    ['calibrate', { prefix: 'a b' }, 'data.prefix'],
    ['calibrate', { regimes: { minIncrements: 3 } }, 'data.regimes.minIncrements'],
    ['backtest', { ...backtest, objective: {} }, 'data.objective.gamma'],
    ['backtest', { ...backtest, run: { ...backtest.run, paths: 0 } }, 'data.run.paths'],
    [
      'backtest',
      { ...backtest, policies: [{ type: 'exact' }, { type: 'nope' }] },
      'data.policies[1].type',
    ],
    [
      'backtest',
      { ...backtest, policies: [{ type: 'exact' }, { type: 'exact' }] },
      'data.policies[1].name',
    ],
    ['backtest', { ...backtest, run: { ...backtest.run, dt: 0.3 } }, 'data.run.dt'],
  ];
  it.each(cases)('%s %j -> %s', (type, data, field) => {
    expect(fieldOf(type, data)).toBe(field);
  });

  it('the message says what was expected and what was got', () => {
    const r = parseJobData('grid-search', {
      ...gridSearch,
      market: { ...gridSearch.market, sigma: 'x' },
    });
    expect(r).toEqual({
      ok: false,
      field: 'data.market.sigma',
      message: 'expected a finite number in (0, 1000000], got "x"',
    });
    const missing = parseJobData('solve', { assets: [{ asset: 'BTC' }] });
    expect(missing.ok === false && missing.message).toMatch(/^missing/);
  });

  it('data that is not an object is named `data`; an unknown type is named `type`', () => {
    for (const type of JOB_TYPES) {
      expect(fieldOf(type, null)).toBe('data');
      expect(fieldOf(type, 'text')).toBe('data');
      expect(fieldOf(type, [])).toBe('data');
    }
    const r = parseJobData('optimize' as JobType, {});
    expect(r.ok === false && r.field).toBe('type');
  });

  it('never throws, whatever the data (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...JOB_TYPES, 'nope'), fc.anything(), (type, data) => {
        const r = parseJobData(type, data);
        if (!r.ok) {
          expect(r.field).toMatch(/^(data|type)/);
          expect(r.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('candidates are bounded at MAX_CANDIDATES', () => {
    const list = Array.from({ length: MAX_CANDIDATES + 1 }, () => ({ type: 'heuristic' }));
    expect(fieldOf('grid-search', { ...gridSearch, candidates: { kind: 'list', list } })).toBe(
      'data.candidates.list',
    );
  });
});

describe('jobIdFor', () => {
  const parsed = (type: JobType, data: unknown) => {
    const r = parseJobData(type, data);
    if (!r.ok) throw new Error(r.message);
    return r.data;
  };

  it('type, a dot and 24 hex digits; no colon (BullMQ rejects custom ids with one)', () => {
    for (const type of JOB_TYPES) {
      const id = jobIdFor(type, parsed(type, VALID[type]));
      expect(id).toMatch(new RegExp(`^${type}\\.[0-9a-f]{24}$`));
      expect(id).not.toContain(':');
    }
  });

  it('stable, and independent of key order and of defaults written out', () => {
    const a = jobIdFor('grid-search', parsed('grid-search', gridSearch));
    expect(jobIdFor('grid-search', parsed('grid-search', gridSearch))).toBe(a);
    const reordered = {
      objective: { gamma: 0.1 },
      market: { midPrice: 100, k: 1.5, A: 1.5, sigma: 2 },
    };
    expect(jobIdFor('grid-search', parsed('grid-search', reordered))).toBe(a);
    const explicit = {
      ...gridSearch,
      paths: 100,
      seed: 1,
      dtSec: 0.1,
      candidates: { kind: 'grid' },
    };
    expect(jobIdFor('grid-search', parsed('grid-search', explicit))).toBe(a);
    expect(jobIdFor('grid-search', parsed('grid-search', { ...gridSearch, seed: 2 }))).not.toBe(a);
    // raw data gives the id of its parsed form
    expect(jobIdFor('grid-search', reordered)).toBe(a);
    expect(jobIdFor('grid-search', explicit)).toBe(a);
    for (const type of JOB_TYPES)
      expect(jobIdFor(type, VALID[type])).toBe(jobIdFor(type, parsed(type, VALID[type])));
    // the type is part of the id
    expect(jobIdFor('calibrate', {})).not.toBe(jobIdFor('calibrate', { lookbackSec: 60 }));
    // array order matters
    const two = { ...gridSearch, candidates: { kind: 'grid', policies: ['heuristic', 'grid'] } };
    const owt = { ...gridSearch, candidates: { kind: 'grid', policies: ['grid', 'heuristic'] } };
    expect(jobIdFor('grid-search', parsed('grid-search', two))).not.toBe(
      jobIdFor('grid-search', parsed('grid-search', owt)),
    );
  });

  it('canonical JSON sorts keys at every level (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('throttleProgress', () => {
  it('forwards the first report, then at most every 1% and 250 ms, and always the final 1', async () => {
    let t = 0;
    const got: number[] = [];
    const p = throttleProgress((f) => void got.push(f), { nowMs: () => t });
    for (let i = 0; i <= 1000; i++) {
      t = i * 10; // 10 ms per report of 0.1%
      await p(i / 1000);
    }
    expect(got[0]).toBe(0);
    expect(got.at(-1)).toBe(1);
    for (let i = 1; i < got.length - 1; i++)
      expect(got[i]! - got[i - 1]!).toBeGreaterThanOrEqual(0.01);
    // 250 ms at 10 ms per report: every 25th report at most
    expect(got.length).toBeLessThanOrEqual(1000 / 25 + 2);
  });

  it('never goes backwards, clamps to [0, 1] and drops non-finite fractions', async () => {
    const got: number[] = [];
    const p = throttleProgress((f) => void got.push(f), { minIntervalMs: 0, minStep: 0 });
    for (const f of [0.5, 0.2, Number.NaN, 2, 0.9]) await p(f);
    expect(got).toEqual([0.5, 0.5, 1]);
  });
});

describe('runJob', () => {
  it('bad data throws a JobDataError naming the field', async () => {
    const ctx = { progress: () => {}, nowMs: 0 };
    const err = await runJob('solve', { assets: [{ ...solve.assets[0], sigma: -1 }] }, ctx).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JobDataError);
    expect((err as JobDataError).field).toBe('data.assets[0].sigma');
    expect((err as JobDataError).code).toBe('JOB_DATA_INVALID');
    expect((err as JobDataError).name).toBe('JobDataError');
  });

  it('dispatches on the type; calibrate without Redis is a context error', async () => {
    const progress: number[] = [];
    const result = await runJob('solve', solve, {
      progress: (f) => void progress.push(f),
      nowMs: 1_700_000_000_000,
    });
    expect(result.paramsValid).toBe(true);
    expect(result.params.validUntil).toBe(1_700_000_000_000 + 300_000);
    expect(progress.at(-1)).toBe(1);
    await expect(
      runJob('calibrate', { prefix: 'x' }, { progress: () => {}, nowMs: 0 }),
    ).rejects.toBeInstanceOf(JobContextError);
    await expect(runJob('calibrate', {}, { progress: () => {}, nowMs: 0 })).rejects.toMatchObject({
      field: 'data.prefix',
    });
  });
});
