import {
  createEventWriter,
  DataFormatError,
  IMPORT_FORMATS,
  type ImportFormat,
  type ImportSummary,
  importToFile,
  readEvents,
} from '@mm/marketdata';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { EXIT_BAD_INPUT } from './solve.js';

interface ImportFlags {
  format: string;
  input: string[];
  output: string;
  levels?: string;
  contractSize?: string;
  json?: boolean;
}

interface PackFlags {
  input: string;
  output: string;
  json?: boolean;
}

function fail(command: string, message: string): void {
  process.stderr.write(`mm ${command}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = EXIT_BAD_INPUT;
}

function progressBar(unit: string): cliProgress.SingleBar | null {
  if (process.stderr.isTTY !== true) return null;
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `{task} [{bar}] {percentage}% | {value}/{total} ${unit} | eta {eta}s`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
}

/** The end-of-import report, one fact a line. */
export function importText(s: ImportSummary): string {
  const span =
    s.firstSec !== null && s.lastSec !== null
      ? `${new Date(s.firstSec * 1000).toISOString()} .. ${new Date(s.lastSec * 1000).toISOString()} (${(s.lastSec - s.firstSec).toFixed(1)} s)`
      : '-';
  const skipped = Object.entries(s.skipped)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const top = s.topOfBookChecks
    ? `${s.topOfBookChecks.matched}/${s.topOfBookChecks.checked} matched`
    : '-';
  return [
    `imported ${s.format}: ${s.inputs.join(', ')} -> ${s.output ?? '-'}`,
    `lines read     ${s.lines}`,
    `events written ${s.events} (book ${s.bookEvents}, trade ${s.tradeEvents})`,
    `span           ${span}`,
    `gaps           ${s.gaps}`,
    `out of order   ${s.outOfOrder}`,
    `crossed books  ${s.crossed} (not written)`,
    `skipped        ${skipped || '-'}`,
    `top of book    ${top}`,
  ].join('\n');
}

function intFlag(flag: string, text: string, min: number, max: number): number | string {
  const v = Number(text);
  return /^\s*\d+\s*$/.test(text) && Number.isSafeInteger(v) && v >= min && v <= max
    ? v
    : `option "${flag}": expected an integer in [${min}, ${max}], got ${JSON.stringify(text)}`;
}

async function runImport(flags: ImportFlags): Promise<void> {
  if (!(IMPORT_FORMATS as readonly string[]).includes(flags.format))
    return fail(
      'data import',
      `option "--format": expected one of ${IMPORT_FORMATS.join(', ')}, got ${JSON.stringify(flags.format)}`,
    );
  let levels = 20;
  if (flags.levels !== undefined) {
    const v = intFlag('--levels', flags.levels, 1, 5000);
    if (typeof v === 'string') return fail('data import', v);
    levels = v;
  }
  let contractSizeQuote: number | undefined;
  if (flags.contractSize !== undefined) {
    const v = Number(flags.contractSize);
    if (!(v > 0) || !Number.isFinite(v))
      return fail(
        'data import',
        `option "--contract-size": expected a number > 0, got ${JSON.stringify(flags.contractSize)}`,
      );
    contractSizeQuote = v;
  }
  const bar = progressBar('bytes');
  let summary: ImportSummary;
  try {
    let started = false;
    summary = await importToFile(
      {
        format: flags.format as ImportFormat,
        inputs: flags.input,
        levels,
        ...(contractSizeQuote !== undefined ? { contractSizeQuote } : {}),
        ...(bar
          ? {
              onProgress: (done: number, total: number) => {
                if (!started) {
                  bar.start(total, 0, { task: 'import' });
                  started = true;
                }
                bar.update(done);
              },
            }
          : {}),
      },
      flags.output,
    );
  } catch (err) {
    bar?.stop();
    if (err instanceof DataFormatError || err instanceof RangeError)
      return fail('data import', err.message);
    throw err;
  }
  bar?.stop();
  process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${importText(summary)}\n`);
}

function runPack(flags: PackFlags): void {
  let writer: ReturnType<typeof createEventWriter>;
  try {
    writer = createEventWriter(flags.output);
  } catch (err) {
    if (!(err instanceof DataFormatError)) throw err;
    fail('data pack', err.message);
    return;
  }
  let n = 0;
  try {
    for (const e of readEvents(flags.input)) {
      writer.write(e);
      n++;
    }
    writer.commit();
  } catch (err) {
    writer.abort();
    if (!(err instanceof DataFormatError)) throw err;
    fail('data pack', err.message);
    return;
  }
  const answer = { input: flags.input, output: flags.output, events: n, bytes: writer.bytes };
  process.stdout.write(
    flags.json
      ? `${JSON.stringify(answer)}\n`
      : `packed ${n} events: ${flags.input} -> ${flags.output} (${writer.bytes} bytes)\n`,
  );
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Register `mm data import` and `mm data pack`. */
export function addDataCommand(program: Command): void {
  const data = program
    .command('data')
    .description('market data files: import venue recordings, pack them into .mmb');
  data
    .command('import')
    .description(
      'rebuild the book from venue recordings (sequencing checked) and write events: ' +
        '.mmb binary when --output ends in .mmb, L2 JSON lines otherwise',
    )
    .requiredOption('--format <f>', `input format: ${IMPORT_FORMATS.join(', ')}`)
    .requiredOption('--input <file...>', 'input files (gzip or not), in order', collect)
    .requiredOption('--output <file>', 'output file (.mmb or .jsonl)')
    .option('--levels <n>', 'levels per side in each book event (default 20)')
    .option(
      '--contract-size <quote>',
      'COIN-M contract size in quote currency (default 100 for BTCUSD, 10 otherwise)',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (flags: ImportFlags) => {
      await runImport({ ...flags, input: flags.input.flat() });
    });
  data
    .command('pack')
    .description('convert an event file: .mmb when --output ends in .mmb, L2 JSON lines otherwise')
    .requiredOption('--input <file>', 'L2 JSON lines or .mmb')
    .requiredOption('--output <file>', 'output file')
    .option('--json', 'print the summary as JSON')
    .action((flags: PackFlags) => runPack(flags));
}
