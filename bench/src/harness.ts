/**
 * A small timing harness: warm up (JIT), then take individually timed samples with
 * `process.hrtime.bigint()`. Sub-microsecond operations are timed in batches of `batch` calls and
 * the figure is the batch time divided by `batch` (per call).
 */

/** A timed operation: performs `calls` calls and returns a checksum (kept, so nothing is elided). */
export type Operation = (calls: number) => number;

/** What a case's setup hands back: the operation, and an optional check of what was measured. */
export interface Prepared {
  run: Operation;
  /** Called after sampling; returns a message when the run did not measure what the case says. */
  verify?: () => string | undefined;
}

/**
 * Samples a case collected itself instead of a timed operation (e.g. latencies of a real-time
 * load run in a child process), ns per call; the harness only summarises them.
 */
export interface Collected {
  samplesNs: number[];
  /** Returns a message when the run did not measure what the case says. */
  verify?: () => string | undefined;
  /** What was measured and under which conditions, shown in the notes. */
  note?: string;
}

/** A latency target on the median (e.g. `<= 1 us median`), or on the p99 (`maxP99Ns`). */
export interface Target {
  label: string;
  maxMedianNs?: number;
  maxP99Ns?: number;
}

export interface BenchCase {
  /**
   * Stable id in `--json` (e.g. `finite.glft.q100.t600`), kept across commits so figures can be
   * compared (`--compare`); derived from group and name when omitted.
   */
  id?: string;
  group: string;
  name: string;
  /** Calls per timed sample (default 1); use > 1 for sub-microsecond operations. */
  batch?: number;
  /** Samples wanted (default 1000); the time budget may stop earlier. */
  samples?: number;
  target?: Target;
  /** A figure to compare with, e.g. the seed's native timing. */
  reference?: string;
  /** Show `1e9 / mean` calls per second in the notes with this unit (e.g. `updates/s`). */
  throughputUnit?: string;
  /**
   * Builds the state (solves, warm caches) outside the timing; called only if the case runs.
   * May instead hand back samples it collected itself (`Collected`).
   */
  setup(options: RunOptions): Prepared | Collected;
}

export interface RunOptions {
  /** Fewer samples and shorter budgets (CI smoke). */
  quick: boolean;
}

export interface CaseResult {
  /** The case's stable id (see `BenchCase.id`). */
  id: string;
  group: string;
  name: string;
  batch: number;
  samples: number;
  medianNs: number;
  p99Ns: number;
  meanNs: number;
  minNs: number;
  maxNs: number;
  target?: string;
  met?: boolean;
  reference?: string;
  /** Set when `verify` reported a problem with the measurement. */
  warning?: string;
  /** The statistic the target is on (absent: the median). */
  targetOn?: 'median' | 'p99';
  /** Set for `Collected` samples: they were timed by the case, one per call. */
  collected?: boolean;
  /** Nearest-rank p99.9 (`Collected` samples only). */
  p999Ns?: number;
  /** The case's own note (`Collected`). */
  note?: string;
  /** `1e9 / meanNs` calls per second, with `throughputUnit`. */
  throughputPerSec?: number;
  throughputUnit?: string;
}

const WARMUP_MS = 300;
const BUDGET_MS = 1500;
const MIN_SAMPLES = 5;
const QUICK_DIVISOR = 10;
/** Warm-up is cut less under --quick: too short a warm-up times the interpreter, not the JIT. */
const QUICK_WARMUP_DIVISOR = 3;

let sink = 0;

/** The accumulated checksums (read it so the operations' results stay observable). */
export function sinkValue(): number {
  return sink;
}

/** Warm up, sample and summarise one case. */
export function runCase(c: BenchCase, options: RunOptions): CaseResult {
  const batch = c.batch ?? 1;
  const div = options.quick ? QUICK_DIVISOR : 1;
  const wanted = Math.max(MIN_SAMPLES, Math.ceil((c.samples ?? 1000) / div));
  const warmupNs = BigInt(
    Math.round((WARMUP_MS / (options.quick ? QUICK_WARMUP_DIVISOR : 1)) * 1e6),
  );
  const budgetNs = BigInt(Math.round((BUDGET_MS / div) * 1e6));
  const prepared = c.setup(options);
  if ('samplesNs' in prepared) return collectedResult(c, prepared);
  const run = prepared.run;

  const warmStart = process.hrtime.bigint();
  do sink += run(batch);
  while (process.hrtime.bigint() - warmStart < warmupNs);

  const perCallNs: number[] = [];
  const start = process.hrtime.bigint();
  while (perCallNs.length < wanted) {
    const t0 = process.hrtime.bigint();
    sink += run(batch);
    const t1 = process.hrtime.bigint();
    perCallNs.push(Number(t1 - t0) / batch);
    if (perCallNs.length >= MIN_SAMPLES && t1 - start > budgetNs) break;
  }

  const stats = summarise(perCallNs);
  const result: CaseResult = { id: caseId(c), group: c.group, name: c.name, batch, ...stats };
  finish(c, result);
  const warning = prepared.verify?.();
  if (warning) result.warning = warning;
  return result;
}

/** Summarise samples a case collected itself (no warm-up or sampling by the harness). */
function collectedResult(c: BenchCase, collected: Collected): CaseResult {
  const xs = collected.samplesNs.length > 0 ? collected.samplesNs : [Number.NaN];
  const stats = summarise(xs);
  const sorted = Float64Array.from(xs).sort();
  const result: CaseResult = {
    id: caseId(c),
    group: c.group,
    name: c.name,
    batch: 1,
    ...stats,
    samples: collected.samplesNs.length,
    collected: true,
    p999Ns: sorted[Math.max(0, Math.ceil(0.999 * sorted.length) - 1)]!,
  };
  if (collected.note) result.note = collected.note;
  finish(c, result);
  const warning =
    collected.samplesNs.length === 0
      ? (collected.verify?.() ?? 'no samples collected')
      : collected.verify?.();
  if (warning) result.warning = warning;
  return result;
}

/** Target, reference and throughput of a result. */
function finish(c: BenchCase, result: CaseResult): void {
  const t = c.target;
  if (t) {
    result.target = t.label;
    result.met =
      (t.maxMedianNs === undefined || result.medianNs <= t.maxMedianNs) &&
      (t.maxP99Ns === undefined || result.p99Ns <= t.maxP99Ns);
    if (t.maxMedianNs === undefined && t.maxP99Ns !== undefined) result.targetOn = 'p99';
  }
  if (c.reference) result.reference = c.reference;
  if (c.throughputUnit) {
    result.throughputPerSec = 1e9 / result.meanNs;
    result.throughputUnit = c.throughputUnit;
  }
}

interface Stats {
  samples: number;
  medianNs: number;
  p99Ns: number;
  meanNs: number;
  minNs: number;
  maxNs: number;
}

/** Median (mean of the middle two for an even count), nearest-rank p99, mean, extremes. */
export function summarise(xs: number[]): Stats {
  const s = Float64Array.from(xs).sort();
  const n = s.length;
  const mid = n >> 1;
  const medianNs = n % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  const p99Ns = s[Math.max(0, Math.ceil(0.99 * n) - 1)]!;
  let sum = 0;
  for (const x of s) sum += x;
  return { samples: n, medianNs, p99Ns, meanNs: sum / n, minNs: s[0]!, maxNs: s[n - 1]! };
}

/** The case's id, or a slug of `group.name` (lower case, runs of other characters as `-`). */
export function caseId(c: Pick<BenchCase, 'id' | 'group' | 'name'>): string {
  if (c.id !== undefined) return c.id;
  const slug = (x: string) =>
    x
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return `${slug(c.group)}.${slug(c.name)}`;
}
