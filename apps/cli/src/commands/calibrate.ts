import { type Calibration, calibrateFiles, DataFormatError } from '@mm/marketdata';
import type { Command } from 'commander';
import { EXIT_BAD_INPUT } from './solve.js';

interface CalibrateFlags {
  data: string[];
  json?: boolean;
  sampleSec?: string;
  sweepGapSec?: string;
}

function fail(message: string): undefined {
  process.stderr.write(`mm calibrate: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = EXIT_BAD_INPUT;
  return undefined;
}

/** `x` to `digits` significant digits, or `-`. */
function sig(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined || !Number.isFinite(x)
    ? '-'
    : String(Number(x.toPrecision(digits)));
}

function pm(x: number | null | undefined, se: number | null | undefined): string {
  return `${sig(x)} ± ${sig(se, 2)}`;
}

/** The readable answer: a table per asset, the correlation, a `model:` snippet. */
export function calibrationText(c: Calibration): string {
  const head = [
    'asset',
    'sigma/sqrt(s)',
    'tick',
    'mean spread',
    'orders',
    'at touch',
    'fit',
    'A /s',
    'k /price',
    'chi2/dof',
  ];
  const rows: string[][] = [];
  const noFit: string[] = [];
  c.json.assets.forEach((a, i) => {
    const d = c.details[i]!;
    const fits = [
      ['all', d.all],
      ['beyond touch', d.beyondTouch],
    ] as const;
    fits.forEach(([name, f], j) => {
      const ok = typeof f !== 'string';
      if (!ok) noFit.push(`${a.symbol} ${name}: no fit (${f})`);
      rows.push([
        j === 0 ? a.symbol : '',
        j === 0 ? `${pm(a.sigmaPerSqrtSec, a.sigmaSe)} (${a.sampleSec} s)` : '',
        j === 0 ? sig(a.tickSize) : '',
        j === 0 ? sig(a.meanSpread) : '',
        j === 0 ? String(d.record.orders.length) : '',
        j === 0 ? `${sig(100 * d.atTouchShare, 3)}%` : '',
        name,
        ok ? pm(f.aPerSec, f.aStdError) : 'no fit',
        ok ? pm(f.kPerPrice, f.kStdError) : '',
        ok ? sig(f.chi2PerDof, 3) : '',
      ]);
    });
  });
  const all = [head, ...rows];
  const widths = head.map((_, j) => Math.max(...all.map((r) => r[j]!.length)));
  const table = all
    .map((r) =>
      r
        .map((x, j) => x.padEnd(widths[j]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  const corr = c.json.correlation
    ? `correlation of ${c.json.assets[0]!.sampleSec} s mid increments (${c.correlationIncrements} common):\n${c.json.correlation
        .map(
          (row, i) => `  ${c.json.assets[i]!.symbol}: ${row.map((x) => x.toFixed(3)).join('  ')}`,
        )
        .join('\n')}`
    : `correlation: none (${c.correlationNote})`;
  const snippet = c.json.assets.map((a, i) => {
    const d = c.details[i]!;
    const f =
      typeof d.beyondTouch !== 'string' ? d.beyondTouch : typeof d.all !== 'string' ? d.all : null;
    const which = f === d.beyondTouch ? 'beyond-touch fit' : 'all-depths fit';
    return [
      `  - symbol: ${a.symbol}`,
      `    tickSize: ${sig(a.tickSize, 6)}`,
      '    model:',
      `      sigma: ${sig(a.sigmaPerSqrtSec)}  # price units per sqrt(s), ${a.sampleSec} s samples`,
      f
        ? `      A: ${sig(f.aPerSec)}  # market orders per s reaching the mid (${which})`
        : '      # A: no fit',
      f ? `      k: ${sig(f.kPerPrice)}  # per price unit of depth` : '      # k: no fit',
      '      # gamma: <your risk aversion, per (price unit x lot)>',
    ].join('\n');
  });
  const notes = noFit.length > 0 ? `\n${noFit.join('\n')}` : '';
  return `${table}${notes}\n\n${corr}\n\nassets:\n${snippet.join('\n')}\n`;
}

function positiveFlag(flag: string, text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  return v > 0 && Number.isFinite(v)
    ? v
    : `option "${flag}": expected a number > 0, got ${JSON.stringify(text)}`;
}

function runCalibrate(flags: CalibrateFlags): undefined {
  const sampleSec = positiveFlag('--sample-sec', flags.sampleSec);
  if (typeof sampleSec === 'string') return fail(sampleSec);
  const sweepGapSec = positiveFlag('--sweep-gap-sec', flags.sweepGapSec);
  if (typeof sweepGapSec === 'string') return fail(sweepGapSec);
  let c: Calibration;
  try {
    c = calibrateFiles(flags.data, {
      ...(sampleSec !== undefined ? { sampleSec } : {}),
      ...(sweepGapSec !== undefined ? { sweepGapSec } : {}),
    });
  } catch (err) {
    if (err instanceof DataFormatError) return fail(err.message);
    throw err;
  }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(c.json)}\n`);
    if (c.correlationNote !== null && flags.data.length > 1)
      process.stderr.write(`mm calibrate: correlation null: ${c.correlationNote}\n`);
  } else process.stdout.write(calibrationText(c));
  return undefined;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Register `mm calibrate`. */
export function addCalibrateCommand(program: Command): void {
  program
    .command('calibrate')
    .description(
      'calibrate sigma, fill intensity (A, k), tick and spread per asset from imported data files ' +
        '(.mmb or L2 JSON lines, one asset each; raw recordings go through mm data import first)',
    )
    .requiredOption('--data <file...>', 'imported data files, one per asset', collect)
    .option('--json', 'print the calibration as JSON')
    .option(
      '--sample-sec <s>',
      'sampling interval of the mid for sigma and correlation (default 1)',
    )
    .option(
      '--sweep-gap-sec <s>',
      'same-side prints at most this far apart are one market order (default 0.005)',
    )
    .action((flags: CalibrateFlags) => runCalibrate({ ...flags, data: flags.data.flat() }));
}
