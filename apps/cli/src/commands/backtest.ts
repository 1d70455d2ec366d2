import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeReport } from '@mm/backtest';
import {
  comparePolicies,
  comparisonReport,
  type PolicyComparisonRun,
  policyFactory,
} from '@mm/backtest/run';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  loadBacktestConfig,
  MAX_PATHS,
  marketSpecOf,
  phiOf,
  policySpecsOf,
} from '../backtestConfig.js';
import { EXIT_BAD_INPUT } from './solve.js';

interface BacktestFlags {
  config: string;
  json?: boolean;
  report?: string;
  paths?: string;
  seed?: string;
  force?: boolean;
}

/**
 * Most simulated steps (policies x paths x steps per path) of one run without `--force`: about
 * two minutes of one core at the simulator's ~2 us per step (bench/), instead of hours.
 */
export const MAX_SIMULATED_STEPS = 50_000_000;

/** Refusal of a run above {@link MAX_SIMULATED_STEPS}, naming the fields; null when within. */
export function costRefusal(policies: number, paths: number, steps: number): string | null {
  const work = policies * paths * steps;
  if (work <= MAX_SIMULATED_STEPS) return null;
  return (
    `run.paths: policies x paths x steps = ${policies} x ${paths} x ${steps} = ${work.toExponential(2)} simulated steps, ` +
    `above the limit ${MAX_SIMULATED_STEPS.toExponential(0)} (about ${Math.round((work * 2e-6) / 60)} min of CPU); ` +
    'lower run.paths (or --paths) or run.T / run.dt, or add --force'
  );
}

/** Opens `path` for writing now (before the run) so a bad `--report` fails at once; null if fine. */
async function reportPathProblem(path: string): Promise<string | null> {
  try {
    await mkdir(dirname(path), { recursive: true }); // as writeReport does
    const handle = await open(path, 'w');
    await handle.close();
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EISDIR'
        ? 'is a directory'
        : code === 'ENOTDIR' || code === 'EEXIST'
          ? 'a parent is not a directory'
          : (code ?? String(err));
    return `option "--report": cannot write ${path} (${why})`;
  }
}

/** The `--json` answer: the run's settings, per-policy extras and the comparison. */
export interface BacktestAnswer {
  title: string;
  paths: number;
  seed: number;
  dtSec: number;
  horizonSec: number;
  phiPerLot2Sec: number;
  policies: {
    name: string;
    finalInventory: { mean: number; std: number };
    pnl: { mean: number; std: number };
  }[];
  comparison: PolicyComparisonRun['comparison'];
}

function fail(message: string): void {
  process.stderr.write(`mm backtest: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = EXIT_BAD_INPUT;
}

function parseIntFlag(flag: string, text: string, min: number, max: number): number | string {
  const v = Number(text);
  return /^\s*-?\d+\s*$/.test(text) && Number.isSafeInteger(v) && v >= min && v <= max
    ? v
    : `option "${flag}": expected an integer in [${min}, ${max}], got ${JSON.stringify(text)}`;
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** A readable table of the comparison. */
export function textTable(run: PolicyComparisonRun): string {
  const head = [
    'policy',
    'objective [95% CI]',
    'pnl (std)',
    'final q (std)',
    'mean|q|',
    'fills',
    'taker',
    'share of ref',
  ];
  const rows = run.comparison.policies.map((p, i) => {
    const x = run.extras[i]!;
    const share = p.shareOfReference;
    return [
      p.name,
      `${fmt(p.objective.mean)} [${fmt(p.objective.ci.lower)}, ${fmt(p.objective.ci.upper)}]`,
      `${fmt(p.pnl.mean)} (${fmt(p.pnl.std)})`,
      `${fmt(x.finalInventory.mean, 2)} (${fmt(x.finalInventory.std, 2)})`,
      fmt(p.meanAbsInventory.mean, 2),
      fmt(p.fills.mean, 1),
      fmt(p.takerVolume.mean, 1),
      share ? `${fmt(share.estimate)} [${fmt(share.lower)}, ${fmt(share.upper)}]` : '-',
    ];
  });
  const all = [head, ...rows];
  const widths = head.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  return all
    .map((r) =>
      r
        .map((c, j) => c.padEnd(widths[j]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function runBacktest(flags: BacktestFlags): Promise<void> {
  const loaded = await loadBacktestConfig(flags.config);
  if (!loaded.ok) return fail(loaded.message);
  const c = loaded.config;
  let paths = c.run.paths;
  let seed = c.run.seed ?? 1;
  if (flags.paths !== undefined) {
    const v = parseIntFlag('--paths', flags.paths, 2, MAX_PATHS);
    if (typeof v === 'string') return fail(v);
    paths = v;
  }
  if (flags.seed !== undefined) {
    const v = parseIntFlag('--seed', flags.seed, 0, 2 ** 31 - 1);
    if (typeof v === 'string') return fail(v);
    seed = v;
  }
  const refusal = costRefusal(c.policies.length, paths, Math.round(c.run.T / c.run.dt));
  if (refusal !== null && !flags.force) return fail(refusal);
  if (flags.report !== undefined) {
    const problem = await reportPathProblem(flags.report);
    if (problem !== null) return fail(problem);
  }
  const market = marketSpecOf(c);
  const phiPerLot2Sec = phiOf(c);
  const ctx = {
    market,
    horizonSec: c.run.T,
    phiPerLot2Sec,
    ...(c.objective.gamma === undefined ? {} : { gamma: c.objective.gamma }),
    ...(c.objective.alpha === undefined ? {} : { alphaPerLot2: c.objective.alpha }),
  };
  const specs = policySpecsOf(c);
  let factories: ReturnType<typeof policyFactory>[];
  try {
    factories = specs.map((s) => policyFactory(s, ctx));
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }

  const tty = process.stderr.isTTY === true && process.stdout.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'backtest [{bar}] {percentage}% | {value}/{total} paths | eta {eta}s',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const reference = specs.some((s) => (s.name ?? s.type) === 'exact')
    ? 'exact'
    : factories[0]!.name;
  let run: PolicyComparisonRun;
  try {
    bar?.start(paths * factories.length, 0);
    run = comparePolicies({
      market,
      dtSec: c.run.dt,
      horizonSec: c.run.T,
      paths,
      seed,
      objective: {
        phiPerLot2Sec,
        ...(c.objective.alpha === undefined ? {} : { alphaPerLot2: c.objective.alpha }),
      },
      policies: factories,
      reference,
      ...(bar ? { onProgress: (done: number) => bar.update(done) } : {}),
    });
  } finally {
    bar?.stop();
  }
  const title = c.title ?? `Backtest: ${factories.map((f) => f.name).join(' vs ')}`;
  const subtitle =
    `${paths} paths per policy (seeds ${seed}..${seed + paths - 1}, paired), dt ${c.run.dt} s, T ${c.run.T} s, ` +
    `sigma ${c.market.sigma}, A ${c.market.A}, k ${c.market.k}, phi ${fmt(phiPerLot2Sec, 6)}`;
  if (flags.report !== undefined) {
    await writeReport(flags.report, comparisonReport(run, { title, subtitle }));
  }
  if (flags.json) {
    const answer: BacktestAnswer = {
      title,
      paths,
      seed,
      dtSec: c.run.dt,
      horizonSec: c.run.T,
      phiPerLot2Sec,
      policies: run.extras,
      comparison: run.comparison,
    };
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  } else {
    process.stdout.write(
      `${title}\n${subtitle}\nreference: ${run.comparison.reference}\n\n${textTable(run)}\n`,
    );
    if (flags.report !== undefined) process.stdout.write(`\nreport: ${flags.report}\n`);
  }
}

/** Register `mm backtest` on the program. */
export function addBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description(
      'simulate seeded paths of several policies on one market (paired) and compare them; ' +
        'config: JSON with market, run, objective, policies',
    )
    .requiredOption('--config <file>', 'backtest config (JSON)')
    .option('--json', 'write the summary as JSON on stdout')
    .option('--report <path>', 'write an HTML report')
    .option('--paths <n>', 'paths per policy (overrides run.paths)')
    .option('--seed <s>', 'first seed (overrides run.seed)')
    .option('--force', `run even above ${MAX_SIMULATED_STEPS.toExponential(0)} simulated steps`)
    .action(async (flags: BacktestFlags) => {
      await runBacktest(flags);
    });
}
