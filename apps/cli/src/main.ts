#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addBacktestCommand } from './commands/backtest.js';
import { addCalibrateCommand } from './commands/calibrate.js';
import { addDataCommand } from './commands/data.js';
import { addJobsCommand } from './commands/jobs.js';
import { addKillCommands } from './commands/kill.js';
import { addOptimizeCommand } from './commands/optimize.js';
import { addOptimizerCommand } from './commands/optimizer.js';
import { addQuotesCommand } from './commands/quotes.js';
import { addRunCommand, addStartEngineCommand } from './commands/run.js';
import { addSolveCommand, EXIT_BAD_INPUT } from './commands/solve.js';

/** This package's version (`apps/cli/package.json`, next to `dist/`). */
function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}

/** The `mm` program. Usage errors: exit code 2 and one line on stderr. */
function buildProgram(): Command {
  const program = new Command('mm')
    .description('Portfolio market making with optimal control (HJB)')
    .version(
      `mm ${cliVersion()} (node ${process.versions.node})`,
      '-V, --version',
      'print the version and exit',
    )
    .exitOverride()
    .configureOutput({ outputError: () => {} }); // errors are printed once, as one line, below
  addSolveCommand(program);
  addStartEngineCommand(program);
  addRunCommand(program);
  addKillCommands(program);
  addQuotesCommand(program);
  addBacktestCommand(program);
  addOptimizerCommand(program);
  addOptimizeCommand(program);
  addJobsCommand(program);
  addDataCommand(program);
  addCalibrateCommand(program);
  return program;
}

async function main(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  if (argv.length <= 2) {
    process.stderr.write(`mm: missing command (${commandNames(program)}; see mm --help)\n`);
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.exitCode === 0) return; // --help, help, --version
    if (err.code === 'commander.help') {
      process.exitCode = EXIT_BAD_INPUT; // help already printed on stderr
      return;
    }
    const message = err.message
      .replace(/^error: /, '')
      .replace(/\s+/g, ' ')
      .trim();
    process.stderr.write(`mm: ${message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  }
}

function commandNames(program: Command): string {
  return program.commands.map((c) => c.name()).join(', ');
}

// A reader that stops early (`mm solve | head`) is not an error of ours.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`mm: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 1;
});
