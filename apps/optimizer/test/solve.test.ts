import { fileURLToPath } from 'node:url';
import { makeParamsPayloadSchema, type ParamsMessage } from '@mm/contracts';
import { checkParamsUpdate, loadEngineConfig } from '@mm/engine';
import { glftProblem, gueantQuote, solveStationaryExponential } from '@mm/hjb-core';
import { describe, expect, it } from 'vitest';
import { parseJobData, type SolveJobData, type SolveResult } from '../src/jobs/jobSchemas.js';
import { runSolve } from '../src/processors/solve.js';

const NOW_MS = 1_700_000_000_000;

function parse(data: unknown): SolveJobData {
  const r = parseJobData('solve', data);
  if (!r.ok) throw new Error(`${r.field}: ${r.message}`);
  return r.data;
}

const rel = (a: number, b: number) => Math.abs(a / b - 1);

// hftbacktest's GLFT tutorial (ETHUSDT, ticks as price units): `mm solve`'s golden case
// (packages/hjb-core/test/closedForm.test.ts, apps/cli/test/solve.test.ts).
const hft = {
  asset: 'ETH',
  sigma: 10.69,
  A: 2.986162360812285,
  k: 0.04235741115084049,
  gamma: 0.05,
};
const HALF_SPREAD = 20.47208533844371;
const SKEW = 9.76326865029227;

describe('runSolve: one asset', () => {
  it("reproduces mm solve's GLFT golden values (closed form) and the exact solution agrees", async () => {
    const progress: number[] = [];
    const r = await runSolve(
      parse({ assets: [{ ...hft, qMax: 5 }] }),
      (f) => void progress.push(f),
      NOW_MS,
    );
    const m = r.models[0]!;
    expect(m.valid).toBe(true);
    expect(m.issues).toEqual([]);
    expect(rel(m.closedForm!.halfSpread, HALF_SPREAD)).toBeLessThan(1e-9);
    expect(rel(m.closedForm!.skewPerLot, SKEW)).toBeLessThan(1e-9);
    // exact vs the closed form at q = 0: within 5%, as `mm solve`'s own test requires (qMax 20)
    const e = m.exact!;
    expect(e.bidDelta).toBe(e.askDelta); // symmetric model
    expect(rel(e.halfSpread, HALF_SPREAD)).toBeLessThan(0.05);
    expect(rel(e.skewPerLot, SKEW)).toBeLessThan(0.1);
    // the reduced HJB's quote: d*(0) = static delta + h(0) - h(+1)
    const staticDelta = Math.log1p(hft.gamma / hft.k) / hft.gamma;
    expect(e.bidDelta).toBeCloseTo(staticDelta + e.hDiffUp, 9);
    expect(e.askDelta).toBeCloseTo(staticDelta + e.hDiffDown, 9);
    expect(m.phiPerLot2Sec).toBeCloseTo((0.05 * 10.69 ** 2) / 2, 12);
    expect(e.table.map((row) => row.q)).toEqual([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]);
    expect(e.table.at(-1)!.bid).toBeNull();
    expect(e.table[0]!.ask).toBeNull();
    expect(progress.at(-1)).toBe(1);
  });

  it('the exact solution matches the independent Perron-eigenvector solver to 1e-10', async () => {
    const r = await runSolve(parse({ assets: [{ ...hft, qMax: 20 }] }), () => {}, NOW_MS);
    const e = r.models[0]!.exact!;
    const perron = solveStationaryExponential(
      glftProblem({
        sigmaPerSqrtSec: hft.sigma,
        aPerSec: hft.A,
        kPerPrice: hft.k,
        gamma: hft.gamma,
        qMax: 20,
      }),
    ).table;
    expect(rel(e.bidDelta, perron.bidDelta[20]!)).toBeLessThan(1e-10);
    expect(rel(e.hDiffUp, perron.h[20]! - perron.h[21]!)).toBeLessThan(1e-9);
    // and at qMax 20 the exact half spread is within 5% of the closed form (`mm solve`'s test)
    expect(rel(e.halfSpread, HALF_SPREAD)).toBeLessThan(0.05);
  });

  it('a quote size of several lots: inventory in clips, phi per clip', async () => {
    const r = await runSolve(
      parse({ assets: [{ ...hft, qMax: 10, quoteSizeLots: 2 }] }),
      () => {},
      NOW_MS,
    );
    const m = r.models[0]!;
    expect(m.qMaxClips).toBe(5);
    expect(m.phiPerLot2Sec).toBeCloseTo((0.05 * 10.69 ** 2 * 2) / 2, 12);
    expect(m.params.qMax).toBe(10);
    expect(r.params.assets[0]!.qMax).toBe(10);
  });
});

describe('runSolve: several assets', () => {
  it('one asset with a correlation equals the single-asset closed form', async () => {
    for (const q of [0, 2, -3]) {
      const r = await runSolve(
        parse({
          assets: [{ ...hft, qMax: 5 }],
          portfolio: { correlation: [[1]], inventoryLots: [q] },
        }),
        () => {},
        NOW_MS,
      );
      const single = gueantQuote(
        {
          sigmaPerSqrtSec: hft.sigma,
          aPerSec: hft.A,
          kPerPrice: hft.k,
          gamma: hft.gamma,
          xi: hft.gamma,
          lotSize: 1,
        },
        q,
      );
      const multi = r.multi!.quotes[0]!;
      expect(rel(multi.bid, single.bidDeltaPrice)).toBeLessThan(1e-12);
      expect(rel(multi.ask, single.askDeltaPrice)).toBeLessThan(1e-12);
      expect(rel(r.multi!.gammaMatrix[0]![0]!, SKEW)).toBeLessThan(1e-9);
    }
  });

  it('two correlated assets: long one asset widens the other bid (positive correlation)', async () => {
    const assets = [
      { asset: 'BTC', sigma: 6, A: 0.5, k: 0.111, gamma: 0.002, qMax: 10 },
      { asset: 'ETH', sigma: 0.3, A: 0.5, k: 2.2, gamma: 0.002, qMax: 10 },
    ];
    const flat = await runSolve(
      parse({
        assets,
        portfolio: {
          correlation: [
            [1, 0.8],
            [0.8, 1],
          ],
        },
      }),
      () => {},
      NOW_MS,
    );
    const longEth = await runSolve(
      parse({
        assets,
        portfolio: {
          correlation: [
            [1, 0.8],
            [0.8, 1],
          ],
          inventoryLots: [0, 3],
        },
      }),
      () => {},
      NOW_MS,
    );
    expect(flat.multi!.gammaMatrix[0]![1]!).toBeGreaterThan(0);
    expect(flat.multi!.gammaMatrix[0]![1]).toBe(flat.multi!.gammaMatrix[1]![0]);
    expect(longEth.multi!.quotes[0]!.bid).toBeGreaterThan(flat.multi!.quotes[0]!.bid);
    expect(longEth.multi!.quotes[0]!.ask).toBeLessThan(flat.multi!.quotes[0]!.ask);
    expect(flat.models.map((m) => m.valid)).toEqual([true, true]);
    expect(flat.issues).toEqual([]);
  });

  it('a correlation that is not positive semi-definite is reported, not thrown', async () => {
    const base = { sigma: 1, A: 1, k: 1, gamma: 0.1, qMax: 3 };
    const r = await runSolve(
      parse({
        assets: ['A', 'B', 'C'].map((asset) => ({ ...base, asset })),
        portfolio: {
          correlation: [
            [1, 0.9, -0.9],
            [0.9, 1, 0.9],
            [-0.9, 0.9, 1],
          ],
        },
      }),
      () => {},
      NOW_MS,
    );
    expect(r.multi).toBeNull();
    expect(r.issues[0]).toMatch(/multi-asset closed form failed/);
    expect(r.models.every((m) => m.valid)).toBe(true);
  });
});

describe('runSolve: the params payload', () => {
  const defaultConfig = fileURLToPath(new URL('../../../config/default.yaml', import.meta.url));

  it('passes the contract schema; validUntil = nowMs + validForSec s; no phi', async () => {
    const r = await runSolve(
      parse({ assets: [{ ...hft, qMax: 5 }], validForSec: 60 }),
      () => {},
      NOW_MS,
    );
    expect(r.params).toEqual({
      assets: [{ asset: 'ETH', sigma: 10.69, A: hft.A, k: hft.k, gamma: 0.05, qMax: 5 }],
      validUntil: NOW_MS + 60_000,
    });
    expect(r.paramsValid).toBe(true);
    expect(r.paramsIssue).toBeNull();
    expect(makeParamsPayloadSchema().safeParse(r.params).success).toBe(true);
  });

  it('regimes: one entry per regime, named, each solved', async () => {
    const r = await runSolve(
      parse({
        assets: [
          {
            ...hft,
            qMax: 5,
            regimes: [
              { name: 'calm', sigma: 5, A: hft.A, k: hft.k },
              { name: 'storm', sigma: 20, A: hft.A, k: hft.k, gamma: 0.1 },
            ],
          },
        ],
      }),
      () => {},
      NOW_MS,
    );
    expect(r.models.map((m) => [m.regime, m.params.sigma, m.params.gamma])).toEqual([
      ['calm', 5, 0.05],
      ['storm', 20, 0.1],
    ]);
    expect(r.models[1]!.exact!.halfSpread).toBeGreaterThan(r.models[0]!.exact!.halfSpread);
    expect(r.params.assets.map((a) => a.regime)).toEqual(['calm', 'storm']);
    expect(r.paramsValid).toBe(true);
  });

  it("the engine's update check accepts the payload built from its default config", async () => {
    const config = await loadEngineConfig(defaultConfig);
    const assets = config.assets.map((a) => ({
      asset: a.symbol,
      ...a.model,
      qMax: a.qMaxLots,
      quoteSizeLots: a.quoteSizeLots,
    }));
    const r: SolveResult = await runSolve(parse({ assets }), () => {}, NOW_MS);
    expect(r.models.every((m) => m.valid)).toBe(true);
    const message: ParamsMessage = {
      v: 2,
      type: 'params',
      ts: NOW_MS,
      source: 'optimizer',
      payload: r.params,
    };
    const check = checkParamsUpdate(message, {
      assets: config.assets,
      positionLimitLots: (a) => a.positionLimitLots ?? config.risk.positionLimitLots,
      maxChangeFactor: 10,
      nowMs: NOW_MS + 1,
    });
    expect(check.ok).toBe(true);
  });

  it('rejects nowMs that is not integer epoch ms', async () => {
    await expect(
      runSolve(parse({ assets: [{ ...hft, qMax: 5 }] }), () => {}, Number.NaN),
    ).rejects.toThrow(/nowMs/);
  });
});
