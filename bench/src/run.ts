import { parseArgs, USAGE } from './args.js';
import { engineCases } from './cases/engine.js';
import { engineFullCases } from './cases/engineFull.js';
import { exactSpeedCases } from './cases/exactSpeed.js';
import { marketDataCases } from './cases/marketData.js';
import { multiAssetCases } from './cases/multiAsset.js';
import { optimizerCases } from './cases/optimizer.js';
import { policyDecisionCases } from './cases/policyDecision.js';
import { portfolioCases } from './cases/portfolio.js';
import { portfolioEngineCases } from './cases/portfolioEngine.js';
import { regimeCases } from './cases/regime.js';
import { simulationCases } from './cases/simulation.js';
import { solveTimeCases } from './cases/solveTimes.js';
import { compareLines, readBaseline } from './compare.js';
import { locateBlock, updateMarkdownBlock } from './docUpdate.js';
import { header, markdown, targetLines, textTable } from './format.js';
import { type BenchCase, type CaseResult, runCase, sinkValue } from './harness.js';
import { machineInfo } from './machine.js';

const CASES: BenchCase[] = [
  ...policyDecisionCases,
  ...solveTimeCases,
  ...exactSpeedCases,
  ...multiAssetCases,
  ...portfolioCases,
  ...regimeCases,
  ...simulationCases,
  ...marketDataCases,
  ...engineCases,
  ...engineFullCases,
  ...portfolioEngineCases,
  ...optimizerCases,
];

function main(argv: readonly string[]): number {
  let args: ReturnType<typeof parseArgs>;
  let baseline: Map<string, number> | undefined;
  try {
    args = parseArgs(argv);
    if (args.comparePath) baseline = readBaseline(args.comparePath); // fail before the run
    if (args.updatePath) {
      if (args.filter !== undefined)
        throw new Error('--update records the full run: drop --filter');
      locateBlock(args.updatePath); // fail before the run, not after it
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const needle = args.filter?.toLowerCase();
  const selected = needle
    ? CASES.filter((c) => `${c.group} ${c.name}`.toLowerCase().includes(needle))
    : CASES;
  if (selected.length === 0) {
    process.stderr.write(`no case matches --filter ${args.filter}\n`);
    return 2;
  }

  const machine = machineInfo();
  const progress = args.output === 'table' && process.stderr.isTTY;
  const results: CaseResult[] = [];
  for (const [i, c] of selected.entries()) {
    if (progress) process.stderr.write(`[${i + 1}/${selected.length}] ${c.group}: ${c.name}\n`);
    results.push(runCase(c, { quick: args.quick }));
  }
  if (!Number.isFinite(sinkValue())) process.stderr.write('note: a checksum was not finite\n');

  if (args.output === 'json') {
    process.stdout.write(`${JSON.stringify({ machine, quick: args.quick, results }, null, 2)}\n`);
  } else if (args.output === 'markdown') {
    process.stdout.write(`${markdown(machine, args.quick, results)}\n`);
  } else {
    const targets = targetLines(results);
    const text = [...header(machine, args.quick), '', textTable(results), '', ...targets];
    process.stdout.write(`${text.join('\n')}\n`);
  }
  if (baseline) {
    const lines = compareLines(results, baseline);
    // With --json the table goes to stderr so stdout stays one JSON document.
    const out = args.output === 'json' ? process.stderr : process.stdout;
    out.write(`\nnew / old median, by case id (${args.comparePath}):\n${lines.join('\n')}\n`);
  }
  if (args.updatePath) {
    updateMarkdownBlock(args.updatePath, markdown(machine, args.quick, results));
    process.stderr.write(`updated ${args.updatePath}\n`);
  }
  return results.some((r) => r.warning) ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
