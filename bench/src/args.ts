/** Command-line options of `run.ts`. */
export interface BenchArgs {
  output: 'table' | 'json' | 'markdown';
  /** Run only cases whose `group name` contains this (case-insensitive). */
  filter?: string;
  quick: boolean;
  help: boolean;
  /** Markdown file whose bench block (between the bench markers) is replaced by the results. */
  updatePath?: string;
  /** A previous `--json` output: print new/old median ratios per case id after the run. */
  comparePath?: string;
}

export const USAGE = `usage: node bench/dist/run.js [--quick] [--filter <substring>] [--json | --markdown]
  --quick               fewer samples and shorter time budgets (CI smoke)
  --filter <substring>  run only cases whose "group case" contains the substring (case-insensitive)
  --json                print JSON instead of the table
  --markdown            print the markdown block kept in BENCHMARKS.md
  --update <file>       also replace the block between <!-- bench:begin/end --> in <file>
  --compare <old.json>  after the run, print new/old median ratios per case id (a --json output)
  --help                this text`;

/** Parse `process.argv.slice(2)`; throws an Error naming the bad argument. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { output: 'table', quick: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json' || a === '--markdown') {
      const output = a === '--json' ? 'json' : 'markdown';
      if (args.output !== 'table' && args.output !== output)
        throw new Error('--json and --markdown are exclusive');
      args.output = output;
    } else if (a === '--quick') args.quick = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--filter') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--'))
        throw new Error('--filter needs a substring');
      args.filter = value;
    } else if (a.startsWith('--filter=')) args.filter = a.slice('--filter='.length);
    else if (a === '--update') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) throw new Error('--update needs a file');
      args.updatePath = value;
    } else if (a === '--compare') {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--'))
        throw new Error('--compare needs a file (a previous --json output)');
      args.comparePath = value;
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}
