import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { symmetricPolicy } from '@mm/backtest/run';
import { L2ReplayEngine } from '@mm/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataFormatError,
  importToFile,
  readEvents,
  replayConfigSchema,
  runReplayBacktest,
} from '../src/index.js';
import { BTC } from './paths.js';

const dir = mkdtempSync(join(tmpdir(), 'mm-md-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const btc = join(dir, 'btcusdt.mmb');
beforeAll(async () => {
  await importToFile({ format: 'binance-futures', inputs: [BTC] }, btc);
}, 120_000);

const config = (over: Record<string, unknown> = {}) =>
  replayConfigSchema.parse({
    market: { data: btc, lotSizeBase: 0.001, qMax: 10 },
    model: { sigma: 7.8, A: 1.8, k: 0.2 },
    run: { dt: 0.1, blockSec: 30, seed: 1 },
    objective: { phi: 0 },
    policies: [
      { type: 'exact', horizon: 'stationary' },
      { type: 'symmetric', halfSpread: 0.05 },
    ],
    ...over,
  });

describe('replay backtest on BTCUSDT', () => {
  it('30 s blocks as paths; block P&L adds up to the replay P&L; markouts show adverse selection', () => {
    const run = runReplayBacktest(config());
    // 344.5 s of events: 11 whole blocks, the last 14.5 s (< half a block) left out
    expect(run.paths).toBe(11);
    expect(run.comparison.policies.map((p) => p.name)).toEqual(['exact', 'symmetric']);
    // independent: the same symmetric replay straight through the engine, P&L at 330 s
    const engine = new L2ReplayEngine({
      policy: symmetricPolicy(0.05),
      seed: 1,
      lotSizeBase: 0.001,
      decisionIntervalSec: 0.1,
      recordEverySec: 0.05,
      qMaxLots: 10,
    });
    let start = Number.NaN;
    let pnlAt330 = Number.NaN;
    for (const e of readEvents(btc)) {
      if (Number.isNaN(start)) start = e.t;
      engine.onEvent(e);
    }
    const path = engine.result().path!;
    for (let i = 0; i < path.tSec.length && path.tSec[i]! < start + 330; i++)
      pnlAt330 = path.pnlQuote[i]!;
    const sym = run.extras[1]!;
    expect(sym.pnl.mean * 11).toBeCloseTo(pnlAt330, 9);
    // fills are informative: the mid moves against them (data/real README; issue 11)
    const m1 = sym.markouts.horizons['1s']!;
    expect(m1.fills).toBeGreaterThan(50);
    expect(m1.ci.upper).toBeLessThan(0);
    expect(sym.markouts.blockedBy).toBe('30 s block');
  });

  it('model from a mm calibrate --json file; a file without the asset names the field', () => {
    const cal = join(dir, 'cal.json');
    writeFileSync(
      cal,
      JSON.stringify({
        assets: [
          {
            sigmaPerSqrtSec: 7.8,
            fits: { all: { A: 12, k: 1.7 }, beyondTouch: { A: 1.8, k: 0.2 } },
          },
        ],
        correlation: null,
      }),
    );
    const run = runReplayBacktest(config({ model: cal }));
    expect(run.files[0]!.model).toEqual({ sigma: 7.8, A: 1.8, k: 0.2 });
    writeFileSync(cal, JSON.stringify({ assets: [], correlation: null }));
    expect(() => runReplayBacktest(config({ model: cal }))).toThrow(DataFormatError);
    expect(() => runReplayBacktest(config({ model: cal }))).toThrow(/assets/);
  });
});
