import { writeReport } from '@mm/backtest';
import {
  comparePortfolioPolicies,
  type PortfolioBacktestConfig,
  type PortfolioComparison,
  type PortfolioComparisonRun,
  portfolioReport,
} from '@mm/backtest/run';
import cliProgress from 'cli-progress';

/** The `--json` answer of a multi-asset backtest. */
export interface PortfolioBacktestAnswer {
  title: string;
  paths: number;
  seed: number;
  dtSec: number;
  horizonSec: number;
  /** Risk aversion of the objective, per unit of quote currency. */
  gamma: number;
  symbols: string[];
  comparison: PortfolioComparison;
}

function fmt(x: number, digits = 3): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** A readable table of a portfolio comparison. */
export function portfolioTextTable(run: PortfolioComparisonRun): string {
  const first = run.comparison.policies[0]!.name;
  const head = [
    'policy',
    'objective [95% CI]',
    `vs ${first} (paired) [95% CI]`,
    'pnl (std)',
    "mean q'Sigma q",
    'fills',
    'taker',
    'final q',
  ];
  const rows = run.comparison.policies.map((p) => {
    const d = p.objectiveVsFirst;
    return [
      p.name,
      `${fmt(p.objective.mean)} [${fmt(p.objective.ci.lower)}, ${fmt(p.objective.ci.upper)}]`,
      d ? `${fmt(d.mean)} [${fmt(d.ci.lower)}, ${fmt(d.ci.upper)}]` : '-',
      `${fmt(p.pnl.mean)} (${fmt(p.pnl.std)})`,
      fmt(p.portfolioRisk.mean, 4),
      fmt(p.fills.mean, 1),
      fmt(p.takerVolume.mean, 1),
      p.assets.map((a) => `${a.symbol} ${fmt(a.finalInventory.mean, 2)}`).join(', '),
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

/** `mm backtest` on a multi-asset config (`market.assets`). */
export async function runPortfolioBacktest(
  c: PortfolioBacktestConfig,
  flags: { paths: number; seed: number; json?: boolean; report?: string },
): Promise<void> {
  const { paths, seed } = flags;
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
  let run: PortfolioComparisonRun;
  try {
    bar?.start(paths * c.policies.length, 0);
    run = comparePortfolioPolicies({
      config: c,
      paths,
      seed,
      ...(bar ? { onProgress: (done: number) => bar.update(done) } : {}),
    });
  } finally {
    bar?.stop();
  }
  const names = run.comparison.policies.map((p) => p.name);
  const title = c.title ?? `Portfolio backtest: ${names.join(' vs ')}`;
  const subtitle =
    `${paths} paths per policy (seeds ${seed}..${seed + paths - 1}, paired), dt ${c.run.dt} s, T ${c.run.T} s, ` +
    `assets ${run.symbols.join(', ')}, gamma ${c.objective.gamma} per quote currency`;
  if (flags.report !== undefined)
    await writeReport(flags.report, portfolioReport(run, { title, subtitle }));
  if (flags.json) {
    const answer: PortfolioBacktestAnswer = {
      title,
      paths,
      seed,
      dtSec: c.run.dt,
      horizonSec: c.run.T,
      gamma: c.objective.gamma,
      symbols: run.symbols,
      comparison: run.comparison,
    };
    process.stdout.write(`${JSON.stringify(answer)}\n`);
  } else {
    process.stdout.write(
      `${title}\n${subtitle}\nobjective: P&L - (gamma/2) int q'Sigma q dt; paired against ${names[0]}\n\n${portfolioTextTable(run)}\n`,
    );
    if (flags.report !== undefined) process.stdout.write(`\nreport: ${flags.report}\n`);
  }
}
