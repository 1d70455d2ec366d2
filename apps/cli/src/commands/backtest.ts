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
import { tryReplayBacktest } from './backtestReplay.js';
import { runPortfolioBacktest } from './portfolioBacktest.js';
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
export function costRefusal(
  policies: number,
  paths: number,
  steps: number,
  assets = 1,
): string | null {
  const work = policies * paths * steps * assets;
  if (work <= MAX_SIMULATED_STEPS) return null;
  const what = assets > 1 ? 'policies x paths x steps x assets' : 'policies x paths x steps';
  const factors = [policies, paths, steps, ...(assets > 1 ? [assets] : [])].join(' x ');
  return (
    `run.paths: ${what} = ${factors} = ${work.toExponential(2)} simulated steps, ` +
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

/** `mean [lower, upper]` of an interval. */
function withCi(mean: number, lower: number, upper: number, digits: number): string {
  return `${fmt(mean, digits)} [${fmt(lower, digits)}, ${fmt(upper, digits)}]`;
}

/**
 * A readable table of the comparison: one row per measure with its unit, one column per policy;
 * means over paths with their interval (level of the comparison, e.g. 95%) in brackets.
 */
export function textTable(run: PolicyComparisonRun): string {
  const { policies, level } = run.comparison;
  const pct = `${Math.round(level * 100)}%`;
  const ci = (m: { mean: number; ci: { lower: number; upper: number } }, digits = 2) =>
    withCi(m.mean, m.ci.lower, m.ci.upper, digits);
  const rows: [string, string, (i: number) => string][] = [
    ['objective: P&L - phi int q^2 dt', 'quote ccy', (i) => ci(policies[i]!.objective)],
    ['P&L, mean', 'quote ccy', (i) => ci(policies[i]!.pnl)],
    ['P&L, std over paths', 'quote ccy', (i) => fmt(policies[i]!.pnl.std, 2)],
    [
      'Sharpe: mean/std of P&L',
      'per path',
      (i) => {
        const s = policies[i]!.sharpe;
        return withCi(s.estimate, s.lower, s.upper, 3);
      },
    ],
    ['mean |q| (time-weighted)', 'lots', (i) => ci(policies[i]!.meanAbsInventory)],
    ['max |q|', 'lots', (i) => ci(policies[i]!.maxAbsInventory)],
    [
      'final q, mean (std)',
      'lots',
      (i) =>
        `${fmt(run.extras[i]!.finalInventory.mean, 2)} (${fmt(run.extras[i]!.finalInventory.std, 2)})`,
    ],
    ['maker fills', 'per path', (i) => ci(policies[i]!.fills, 1)],
    ['taker volume', 'lots per path', (i) => ci(policies[i]!.takerVolume, 1)],
    [
      `objective / ${run.comparison.reference}'s`,
      'ratio',
      (i) => {
        const share = policies[i]!.shareOfReference;
        return share ? withCi(share.estimate, share.lower, share.upper, 3) : '-';
      },
    ],
  ];
  const head = [`measure (mean [${pct} interval])`, 'unit', ...policies.map((p) => p.name)];
  const body = rows.map(([name, unit, cell]) => [name, unit, ...policies.map((_, i) => cell(i))]);
  const all = [head, ...body];
  const widths = head.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function runBacktest(flags: BacktestFlags): Promise<void> {
  if (await tryReplayBacktest(flags)) return;
  const loaded = await loadBacktestConfig(flags.config);
  if (!loaded.ok) return fail(loaded.message);
  let paths = loaded.config.run.paths;
  let seed = loaded.config.run.seed ?? 1;
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
  if (flags.report !== undefined) {
    const problem = await reportPathProblem(flags.report);
    if (problem !== null) return fail(problem);
  }
  const settings = loaded.config.run;
  const refusal = costRefusal(
    loaded.config.policies.length,
    paths,
    Math.round(settings.T / settings.dt),
    loaded.kind === 'portfolio' ? loaded.config.market.assets.length : 1,
  );
  if (refusal !== null && !flags.force) return fail(refusal);
  if (loaded.kind === 'portfolio') {
    try {
      return await runPortfolioBacktest(loaded.config, { ...flags, paths, seed });
    } catch (err) {
      // A config the schema accepts but the model rejects (e.g. a non-PSD correlation).
      if (err instanceof RangeError) return fail(err.message);
      throw err;
    }
  }
  const c = loaded.config;
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
        'config: YAML or JSON with market (one asset, or assets + correlation), run, objective, policies',
    )
    .requiredOption('--config <file>', 'backtest config, YAML (.yaml/.yml) or JSON')
    .option('--json', 'write the summary as JSON on stdout')
    .option('--report <path>', 'write an HTML report')
    .option('--paths <n>', 'paths per policy (overrides run.paths)')
    .option('--seed <s>', 'first seed (overrides run.seed)')
    .option('--force', `run even above ${MAX_SIMULATED_STEPS.toExponential(0)} simulated steps`)
    .action(async (flags: BacktestFlags) => {
      await runBacktest(flags);
    });
}
