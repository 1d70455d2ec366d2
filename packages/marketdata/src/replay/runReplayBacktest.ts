import { readFileSync } from 'node:fs';
import {
  MarkoutAccumulator,
  midSeriesOf,
  type PathResult,
  type PolicyRuns,
  summarizePolicies,
} from '@mm/backtest';
import {
  type MarketSpec,
  type PathDistribution,
  type PolicyComparisonRun,
  type PolicyContext,
  type PolicyExtras,
  phiOf,
  policyFactory,
  policyName,
  policySpecsOf,
  withInventoryLimit,
} from '@mm/backtest/run';
import { bpsFees, constantLatency, L2ReplayEngine } from '@mm/simulator';
import { DataFormatError } from '../io/DataFormatError.js';
import { readEvents } from '../io/readEvents.js';
import { replayBlocks } from './replayBlocks.js';
import type { ReplayBacktestConfig } from './replayConfig.js';

/** The model of one file: sigma (price/sqrt s), A (/s), k (/price). */
export interface ReplayModel {
  sigma: number;
  A: number;
  k: number;
}

/** What was replayed, per file. */
export interface ReplayFileFacts {
  file: string;
  events: number;
  startSec: number;
  endSec: number;
  blocks: number;
  model: ReplayModel;
  firstMidPrice: number;
}

/** A replay comparison: the synthetic run's shape (blocks in place of paths) and the files. */
export interface ReplayComparisonRun extends PolicyComparisonRun {
  files: ReplayFileFacts[];
  blockSec: number;
  decisionIntervalSec: number;
  phiPerLot2Sec: number;
  seed: number;
}

/** Models per file: the config's `{sigma, A, k}`, or asset i of a `mm calibrate --json` file. */
export function replayModels(
  model: ReplayBacktestConfig['model'],
  files: readonly string[],
): ReplayModel[] {
  if (typeof model !== 'string') return files.map(() => model);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(model, 'utf8'));
  } catch (err) {
    throw new DataFormatError(model, 0, `cannot read a calibration (${(err as Error).message})`);
  }
  const assets = (parsed as { assets?: unknown }).assets;
  if (!Array.isArray(assets) || assets.length < files.length)
    throw new DataFormatError(
      model,
      0,
      `field "assets": expected ${files.length} calibrated assets (one per data file)`,
    );
  return files.map((_, i) => {
    const a = assets[i] as {
      sigmaPerSqrtSec?: unknown;
      fits?: { beyondTouch?: { A?: unknown; k?: unknown }; all?: { A?: unknown; k?: unknown } };
    };
    const fit = typeof a.fits?.beyondTouch?.A === 'number' ? a.fits.beyondTouch : a.fits?.all;
    const m = { sigma: a.sigmaPerSqrtSec, A: fit?.A, k: fit?.k };
    for (const [key, v] of Object.entries(m))
      if (typeof v !== 'number' || !(v > 0))
        throw new DataFormatError(
          model,
          0,
          `field "assets[${i}]": no usable ${key} (got ${String(v)})`,
        );
    return m as ReplayModel;
  });
}

function firstBook(file: string): { t: number; mid: number } {
  for (const e of readEvents(file))
    if (e.type === 'book' && e.bids[0] && e.asks[0])
      return { t: e.t, mid: 0.5 * (e.bids[0][0] + e.asks[0][0]) };
  throw new DataFormatError(file, 0, 'no two-sided book event');
}

const meanStd = (xs: readonly number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) : 0;
  return { mean: m, std: Math.sqrt(v) };
};

/**
 * Replay every policy over every file (one at a time, single-asset policies; each file its own
 * model) with the queue model, latency, fees and the boundary rules of the replay engine, and
 * compare them as a synthetic run is compared, with `blockSec` blocks of time in place of paths
 * (paired: every policy sees the same blocks), so intervals are block-bootstrap intervals.
 * Markouts at 1 s, 5 s, 30 s per policy. The first file's replay of each policy is kept as its
 * representative path for the report.
 */
export function runReplayBacktest(c: ReplayBacktestConfig): ReplayComparisonRun {
  const files = typeof c.market.data === 'string' ? [c.market.data] : c.market.data;
  const models = replayModels(c.model, files);
  const blockSec = c.run?.blockSec ?? 30;
  const dt = c.run?.dt ?? 0.1;
  const seed = c.run?.seed ?? 1;
  const specs = policySpecsOf(c);
  const firsts = files.map(firstBook);
  const fees =
    c.market.makerFeeBps !== undefined || c.market.takerFeeBps !== undefined
      ? bpsFees({ makerBps: c.market.makerFeeBps ?? 0, takerBps: c.market.takerFeeBps ?? 0 })
      : undefined;
  const phi = phiOf({ objective: c.objective, market: { sigma: models[0]!.sigma } });
  const runs: PolicyRuns[] = [];
  const extras: PolicyExtras[] = [];
  const distributions: PathDistribution[] = [];
  const representative: PolicyComparisonRun['representative'] = [];
  const facts: ReplayFileFacts[] = [];
  let steps = 0;
  for (const spec of specs) {
    const blocks: PathResult[] = [];
    const drawdowns: number[] = [];
    const finalQ: number[] = [];
    const markouts = new MarkoutAccumulator(`${blockSec} s block`);
    let blockBase = 0;
    for (let f = 0; f < files.length; f++) {
      const model = models[f]!;
      const market: MarketSpec = {
        initialMidPrice: firsts[f]!.mid,
        midModel: 'arithmetic',
        sigmaPerSqrtSec: model.sigma,
        aPerSec: model.A,
        kPerPrice: model.k,
        ...(c.market.qMax === undefined ? {} : { qMaxLots: c.market.qMax }),
        ...(c.market.makerFeeBps === undefined ? {} : { makerFeeBps: c.market.makerFeeBps }),
        ...(c.market.takerFeeBps === undefined ? {} : { takerFeeBps: c.market.takerFeeBps }),
      };
      const filePhi = phiOf({ objective: c.objective, market: { sigma: model.sigma } });
      // the horizon of a finite-horizon policy: one block (the objective is scored per block)
      const ctx: PolicyContext = {
        market,
        horizonSec: blockSec,
        phiPerLot2Sec: filePhi,
        ...(c.objective.gamma === undefined ? {} : { gamma: c.objective.gamma }),
        ...(c.objective.alpha === undefined ? {} : { alphaPerLot2: c.objective.alpha }),
      };
      const base = policyFactory(spec, ctx).create();
      const policy = c.market.qMax === undefined ? base : withInventoryLimit(base, c.market.qMax);
      const engine = new L2ReplayEngine({
        policy,
        seed,
        lotSizeBase: c.market.lotSizeBase ?? 1,
        ...(fees ? { feeModel: fees } : {}),
        ...(c.market.latencySec ? { latencyModel: constantLatency(c.market.latencySec) } : {}),
        decisionIntervalSec: dt,
        recordEverySec: Math.min(0.05, dt),
        recordFills: true,
        ...(c.market.tickSize === undefined ? {} : { tickSize: c.market.tickSize }),
        ...(c.market.qMax === undefined ? {} : { qMaxLots: c.market.qMax }),
      });
      const midT: number[] = [];
      const midP: number[] = [];
      for (const e of readEvents(files[f]!)) {
        engine.onEvent(e);
        if (e.type === 'book' && e.bids[0] && e.asks[0]) {
          midT.push(e.t);
          midP.push(0.5 * (e.bids[0][0] + e.asks[0][0]));
        }
      }
      const r = engine.result();
      steps += r.events;
      const path = r.path!;
      const cut = replayBlocks(path, r.fills, r.startSec, r.endSec, blockSec, filePhi);
      const fileBlocks = cut.results;
      blocks.push(...fileBlocks);
      drawdowns.push(...cut.maxDrawdowns);
      const mids = midSeriesOf(midT, midP);
      const byBlock = new Map<number, typeof r.fills>();
      for (const fill of r.fills) {
        const b = Math.floor((fill.tSec - r.startSec) / blockSec);
        if (b >= fileBlocks.length) continue;
        const list = byBlock.get(b) ?? [];
        list.push(fill);
        byBlock.set(b, list);
      }
      for (let b = 0; b < fileBlocks.length; b++)
        markouts.add(blockBase + b, byBlock.get(b) ?? [], mids);
      blockBase += fileBlocks.length;
      finalQ.push(r.inventoryLots);
      if (runs.length === 0)
        facts.push({
          file: files[f]!,
          events: r.events,
          startSec: r.startSec,
          endSec: r.endSec,
          blocks: fileBlocks.length,
          model,
          firstMidPrice: firsts[f]!.mid,
        });
      if (f === 0)
        representative.push({
          name: policyName(spec),
          seed,
          path: {
            tSec: path.tSec.map((t) => t - r.startSec),
            midPrice: path.midPrice,
            inventoryLots: path.inventoryLots,
            cashQuote: path.cashQuote,
            pnlQuote: path.pnlQuote,
            bidPrice: path.bidPrice,
            askPrice: path.askPrice,
            regime: new Int32Array(path.tSec.length),
          },
          fills: r.fills,
        });
    }
    if (blocks.length === 0)
      throw new DataFormatError(
        files[0]!,
        0,
        `shorter than half a block (${blockSec} s): nothing to compare`,
      );
    runs.push({ name: policyName(spec), paths: blocks });
    distributions.push({
      name: policyName(spec),
      pnl: Float64Array.from(blocks, (b) => b.pnl),
      maxDrawdown: Float64Array.from(drawdowns),
    });
    extras.push({
      name: policyName(spec),
      finalInventory: meanStd(finalQ),
      pnl: meanStd(blocks.map((b) => b.pnl)),
      markouts: markouts.summary({ seed }),
    });
  }
  const reference = specs.some((s) => policyName(s) === 'exact') ? 'exact' : policyName(specs[0]!);
  const comparison = summarizePolicies(runs, { paired: true, reference, seed });
  return {
    comparison,
    extras,
    distributions,
    representative,
    calibration: null,
    paths: runs[0]!.paths.length,
    steps,
    files: facts,
    blockSec,
    decisionIntervalSec: dt,
    phiPerLot2Sec: phi,
    seed,
  };
}
