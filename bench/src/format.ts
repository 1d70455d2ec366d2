import type { CaseResult } from './harness.js';
import type { MachineInfo } from './machine.js';

/** A duration in ns as 3 significant figures in ns, us, ms or s. */
export function formatNs(ns: number): string {
  const units: [number, string][] = [
    [1e9, 's'],
    [1e6, 'ms'],
    [1e3, 'us'],
  ];
  for (const [scale, unit] of units) if (ns >= scale) return `${sig3(ns / scale)} ${unit}`;
  return `${sig3(ns)} ns`;
}

/** A rate or count as 3 significant figures with k or M, e.g. `152k`. */
export function formatCount(x: number): string {
  if (x >= 1e6) return `${sig3(x / 1e6)}M`;
  if (x >= 1e3) return `${sig3(x / 1e3)}k`;
  return sig3(x);
}

function sig3(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

const COLUMNS = ['group', 'case', 'median', 'p99', 'mean', 'samples', 'target', 'met', 'notes'];

function row(r: CaseResult): string[] {
  return [
    r.group,
    r.name,
    formatNs(r.medianNs),
    formatNs(r.p99Ns),
    formatNs(r.meanNs),
    String(r.samples),
    r.target ?? '-',
    r.met === undefined ? '-' : r.met ? 'yes' : 'NO',
    notes(r),
  ];
}

function notes(r: CaseResult): string {
  const parts = [
    r.collected
      ? 'each call timed by the case'
      : r.batch > 1
        ? `per call, batches of ${r.batch}`
        : 'single call',
  ];
  if (r.p999Ns !== undefined) parts.push(`p99.9 ${formatNs(r.p999Ns)}`);
  if (r.throughputPerSec !== undefined)
    parts.push(`${formatCount(r.throughputPerSec)} ${r.throughputUnit ?? 'calls/s'} (1 / mean)`);
  if (r.note) parts.push(r.note);
  if (r.reference) parts.push(r.reference);
  if (r.warning) parts.push(`WARNING: ${r.warning}`);
  return parts.join('; ');
}

export function header(m: MachineInfo, quick: boolean): string[] {
  return [
    `machine: ${m.cpuModel}, ${m.cores} cores`,
    `node: ${m.node}`,
    `date: ${m.date}${quick ? ' (--quick: fewer samples)' : ''}`,
  ];
}

/** Fixed-width text table for the terminal. */
export function textTable(results: CaseResult[]): string {
  const rows = [COLUMNS, ...results.map(row)];
  const widths = COLUMNS.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (j >= 2 && j <= 5 ? c.padStart(widths[j]!) : c.padEnd(widths[j]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(COLUMNS), rule, ...rows.slice(1).map(line)].join('\n');
}

/** The markdown block pasted into BENCHMARKS.md: machine, table, one line per target. */
export function markdown(m: MachineInfo, quick: boolean, results: CaseResult[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const targets = targetLines(results);
  const align = ['---', '---', '---:', '---:', '---:', '---:', '---', '---', '---'];
  const lines = [
    ...header(m, quick).map((h) => `- ${h}`),
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${align.join('|')}|`,
    ...results.map((r) => `| ${row(r).map(esc).join(' | ')} |`),
    '',
    'Targets:',
    '',
    ...(targets.length > 0 ? targets.map((t) => `- ${t}`) : ['- (no target in this selection)']),
  ];
  return lines.join('\n');
}

/** One line per case with a target: met or not met, with the measured median. */
export function targetLines(results: CaseResult[]): string[] {
  return results
    .filter((r) => r.target !== undefined)
    .map(
      (r) =>
        `${r.group} / ${r.name}: target ${r.target}: ${r.met ? 'met' : 'NOT met'} (` +
        (r.targetOn === 'p99' ? `p99 ${formatNs(r.p99Ns)})` : `median ${formatNs(r.medianNs)})`),
    );
}
