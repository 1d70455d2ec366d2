// Quick throughput figures for the README (build first: pnpm turbo run build).
// Usage: node scripts/measureSpeed.mjs   (takes about a minute; writes a temporary file)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { avellanedaStoikovQuote } from '@mm/hjb-core';
import {
  arithmeticBrownian,
  bookAwareFills,
  constantLatency,
  exponentialFills,
  generateSyntheticL2,
  readL2Events,
  replayL2,
  replayL2Async,
  SAMPLE_L2_CONFIG,
  simulate,
  simulateMultiAsset,
  syntheticBook,
  writeL2File,
} from '../dist/index.js';

const control = (b, a) => ({
  bidDeltaPrice: b,
  askDeltaPrice: a,
  bidDeltaBps: b * 100,
  askDeltaBps: a * 100,
  take: null,
  takerBuyRatePerSec: 0,
  takerSellRatePerSec: 0,
});
const constant = { decide: () => control(0.4, 0.4) };
const asPolicy = {
  decide: (s) => {
    const q = avellanedaStoikovQuote(
      { midPrice: s.midPrice, sigmaPerSqrtSec: 0.5, gamma: 0.1, kPerPrice: 1.5, horizonSec: 3600 },
      s.inventoryLots,
      s.tSec,
    );
    return control(q.bidDeltaPrice, q.askDeltaPrice);
  },
};
const touch = { decide: (s) => control(s.marketSpreadPrice / 2, s.marketSpreadPrice / 2) };

/** Best of `reps` runs of `fn`, which returns how many events it processed. */
async function rate(label, reps, fn) {
  let best = 0;
  let events = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    events = await fn();
    const sec = (performance.now() - t0) / 1e3;
    best = Math.max(best, events / sec);
  }
  process.stdout.write(
    `${label.padEnd(72)} ${(best / 1e6).toFixed(2).padStart(6)} M events/s  (${events.toLocaleString('en')} events)\n`,
  );
}

const market = {
  initialMidPrice: 100,
  midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0.5 }),
  fillModel: exponentialFills({ aPerSec: 2, kPerPrice: 1.5 }),
};
const run = { dtSec: 0.001, horizonSec: 2000, seed: 1, recordEverySteps: 0, recordFills: false };

process.stdout.write(
  `node ${process.version}, ${process.platform} ${process.arch}\n\nsynthetic (1 event = one asset step: decision, fills, mid and book move)\n`,
);
await rate(
  'single asset, constant quotes, flat book, exponential fills',
  5,
  () => simulate({ ...market, ...run, policy: constant }).steps,
);
await rate(
  'single asset, Avellaneda-Stoikov policy each step',
  5,
  () => simulate({ ...market, ...run, policy: asPolicy }).steps,
);
await rate(
  'single asset, decide every 10 steps',
  5,
  () => simulate({ ...market, ...run, decideEverySteps: 10, policy: constant }).steps,
);
await rate(
  'single asset, synthetic 5-level book, book-aware fills, 5 ms latency',
  5,
  () =>
    simulate({
      ...market,
      ...run,
      bookModel: syntheticBook({ tickPrice: 0.01, levels: 5, meanSizeBase: 3 }),
      fillModel: bookAwareFills({ lambda0PerSec: 1, betaPerPrice: 10 }),
      latencyModel: constantLatency(0.005),
      policy: touch,
    }).steps,
);
await rate(
  'single asset, path recorded every step',
  5,
  () => simulate({ ...market, ...run, recordEverySteps: 1, policy: constant }).steps,
);
await rate('3 correlated assets, per-asset policies', 5, () => {
  const r = simulateMultiAsset({
    ...run,
    horizonSec: 700,
    assets: [market, market, market],
    correlation: [
      [1, 0.5, 0.2],
      [0.5, 1, 0.3],
      [0.2, 0.3, 1],
    ],
    policies: [constant, constant, constant],
  });
  return r.assets.reduce((s, a) => s + a.steps, 0);
});

// replay: ~1M events streamed from a file first (bounded memory), then the same in memory
const big = { ...SAMPLE_L2_CONFIG, durationSec: 60000, bookIntervalSec: 0.1, tradeRatePerSec: 7 };
const dir = mkdtempSync(join(tmpdir(), 'mm-sim-speed-'));
try {
  const path = join(dir, 'big.jsonl');
  const lines = await writeL2File(path, generateSyntheticL2(big));
  const mb = statSync(path).size / 1e6;
  process.stdout.write(
    `\nreplay (1 event = one book snapshot or trade; ${lines.toLocaleString('en')} events, 5 levels a side)\n`,
  );
  await rate(`from a ${mb.toFixed(0)} MB file: readline + parse + checks + engine`, 3, async () => {
    const r = await replayL2Async(readL2Events(path), {
      policy: touch,
      seed: 1,
      decisionIntervalSec: 1,
      recordFills: false,
    });
    return r.events;
  });
  const heapMb = process.memoryUsage().heapUsed / 1e6;
  await rate('from the file: read and parse only', 3, async () => {
    let n = 0;
    for await (const _ of readL2Events(path)) n++;
    return n;
  });
  process.stdout.write(`${''.padEnd(72)} (heap after streaming: ${heapMb.toFixed(0)} MB)\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const events = [...generateSyntheticL2(big)];
await rate(
  'in memory, decide every 1 s of event time',
  5,
  () =>
    replayL2(events, { policy: touch, seed: 1, decisionIntervalSec: 1, recordFills: false }).events,
);
await rate(
  'in memory, decide on every book event',
  5,
  () => replayL2(events, { policy: touch, seed: 1, recordFills: false }).events,
);
