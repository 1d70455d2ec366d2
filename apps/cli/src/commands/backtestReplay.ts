import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { writeReport } from '@mm/backtest';
import { comparisonReport } from '@mm/backtest/run';
import {
  DataFormatError,
  isReplayConfig,
  type ReplayComparisonRun,
  replayConfigSchema,
  runReplayBacktest,
} from '@mm/marketdata';
import { describeIssue } from '../backtestConfig.js';
import { type BacktestAnswer, textTable } from './backtest.js';
import { EXIT_BAD_INPUT } from './solve.js';

interface ReplayFlags {
  config: string;
  json?: boolean;
  report?: string;
}

const sig = (x: number) => String(Number(x.toPrecision(4)));

function fail(message: string): true {
  process.stderr.write(`mm backtest: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = EXIT_BAD_INPUT;
  return true;
}

/** The `--json` answer of a replay: the synthetic answer (blocks as paths) plus the files. */
export interface ReplayAnswer extends BacktestAnswer {
  replay: {
    blockSec: number;
    files: ReplayComparisonRun['files'];
  };
}

/**
 * `mm backtest --config` for a replay config (`"market": {"data": ...}`). Returns false when the
 * config is not a replay (the synthetic path then reads it), true when it was handled.
 */
export async function tryReplayBacktest(flags: ReplayFlags): Promise<boolean> {
  let input: unknown;
  try {
    input = JSON.parse(await readFile(flags.config, 'utf8'));
  } catch {
    return false; // unreadable or not JSON: the synthetic path reports it
  }
  if (!isReplayConfig(input)) return false;
  const parsed = replayConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(issue ? describeIssue(issue, input) : 'invalid config');
  }
  // data and calibration paths are relative to the config file
  const here = dirname(flags.config);
  const at = (p: string) => resolve(here, p);
  const c = {
    ...parsed.data,
    market: {
      ...parsed.data.market,
      data:
        typeof parsed.data.market.data === 'string'
          ? at(parsed.data.market.data)
          : parsed.data.market.data.map(at),
    },
    model: typeof parsed.data.model === 'string' ? at(parsed.data.model) : parsed.data.model,
  };
  let run: ReplayComparisonRun;
  try {
    run = runReplayBacktest(c);
  } catch (err) {
    if (err instanceof DataFormatError || err instanceof RangeError) return fail(err.message);
    throw err;
  }
  const title = c.title ?? `Replay: ${run.extras.map((x) => x.name).join(' vs ')}`;
  const files = run.files
    .map(
      (f) =>
        `${basename(f.file)} (${(f.endSec - f.startSec).toFixed(0)} s, ${f.events} events; sigma ${sig(f.model.sigma)}, A ${sig(f.model.A)}, k ${sig(f.model.k)})`,
    )
    .join('; ');
  const subtitle = `replay of ${files}; ${run.paths} blocks of ${run.blockSec} s (paired, block bootstrap), decisions every ${run.decisionIntervalSec} s`;
  if (flags.report !== undefined)
    await writeReport(flags.report, comparisonReport(run, { title, subtitle }));
  if (flags.json) {
    const answer: ReplayAnswer = {
      title,
      paths: run.paths,
      seed: run.seed,
      dtSec: run.decisionIntervalSec,
      horizonSec: run.blockSec,
      phiPerLot2Sec: run.phiPerLot2Sec,
      policies: run.extras,
      comparison: run.comparison,
      replay: { blockSec: run.blockSec, files: run.files },
    };
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  } else {
    const marks = run.extras
      .map((x) => {
        const h = Object.entries(x.markouts.horizons)
          .map(
            ([k, s]) =>
              `${k} ${s.mean.toFixed(4)} [${s.ci.lower.toFixed(4)}, ${s.ci.upper.toFixed(4)}]`,
          )
          .join(', ');
        return `  ${x.name}: ${h || 'no fills'}`;
      })
      .join('\n');
    process.stdout.write(
      `${title}\n${subtitle}\nreference: ${run.comparison.reference}\n\n${textTable(run)}\n\nmarkouts (quote per unit of base):\n${marks}\n`,
    );
    if (flags.report !== undefined) process.stdout.write(`\nreport: ${flags.report}\n`);
  }
  return true;
}
