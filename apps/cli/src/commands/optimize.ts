import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { displayUrl, redactSecretsOf } from '@mm/contracts';
import type { JobOutcome, JobType, OptimizerQueues, ProgressView } from '@mm/optimizer';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { withFile } from './run.js';
import { EXIT_BAD_INPUT } from './solve.js';

export const DEFAULT_REDIS = 'redis://127.0.0.1:6379';
export const DEFAULT_PREFIX = 'default';
/** Default of `--timeout`: seconds a new job may wait for a worker to take it. */
const DEFAULT_PICKUP_TIMEOUT_SEC = 30;
/** Node timers fire at once beyond 2^31 - 1 ms, so longer spans are refused. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** Where the queues are: Redis URL, deployment prefix and the job defaults of new jobs. */
export interface QueueTarget {
  url: string;
  prefix: string;
  jobs?: { attempts: number; backoffMs: number; keepCompleted: number; keepFailed: number };
}

export interface TargetFlags {
  redis?: string;
  prefix?: string;
  optimizerConfig?: string;
}

/** A bad-input failure: exit 2, one line. */
export class BadInput extends Error {}

/** One line on stderr, `mm {command}: ...`. */
export function say(command: string, message: string): void {
  process.stderr.write(`mm ${command}: ${message.replace(/\s+/g, ' ').trim()}\n`);
}

/**
 * Redis URL and prefix from the flags, else from `--optimizer-config` (its `redis` and `jobs`),
 * else the defaults. Throws `BadInput` naming the option or the config file's field.
 */
export async function resolveTarget(flags: TargetFlags): Promise<QueueTarget> {
  let target: QueueTarget = { url: DEFAULT_REDIS, prefix: DEFAULT_PREFIX };
  if (flags.optimizerConfig !== undefined) {
    const { loadOptimizerConfig, OptimizerConfigError } = await import('@mm/optimizer');
    try {
      const config = await loadOptimizerConfig(flags.optimizerConfig);
      target = { url: config.redis.url, prefix: config.redis.prefix, jobs: config.jobs };
    } catch (e) {
      if (e instanceof OptimizerConfigError)
        throw new BadInput(withFile(flags.optimizerConfig, e.message));
      throw e;
    }
  }
  if (flags.redis !== undefined) {
    if (!/^rediss?:\/\/\S+$/.test(flags.redis))
      throw new BadInput(
        `option "--redis": expected a redis:// or rediss:// URL, got ${JSON.stringify(flags.redis)}`,
      );
    target.url = flags.redis;
  }
  if (flags.prefix !== undefined) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(flags.prefix))
      throw new BadInput(
        `option "--prefix": expected letters, digits, _ . : -, got ${JSON.stringify(flags.prefix)}`,
      );
    target.prefix = flags.prefix;
  }
  return target;
}

/**
 * Fails (with a message saying so) when no Redis answers at `url` within 2 s. BullMQ retries
 * forever, so the queues are only opened on a Redis known to be up.
 */
export async function checkRedis(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let cause: Error | undefined; // the socket's error says more than the rejected connect
  redis.on('error', (e: Error) => {
    cause ??= e;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    const why = cause?.message ?? (e instanceof Error ? e.message : String(e));
    throw new Error(
      `Redis at ${displayUrl(url)} unreachable (${redactSecretsOf(why, url)}); the optimizer's queues live there`,
    );
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// Job files
// ---------------------------------------------------------------------------------------------

/** A job file: `{ type, data }`. */
export interface JobFile {
  type: JobType;
  data: unknown;
}

/**
 * Read and check a job file (`.yaml`/`.yml` or JSON): `{ type: one of JOB_TYPES, data }`, the
 * data checked against the type's schema. Throws `BadInput` naming the file and the field
 * (`data.market.sigma`).
 */
export async function loadJobFile(path: string): Promise<JobFile> {
  const { JOB_TYPES, parseJobData } = await import('@mm/optimizer');
  const { parse: parseYaml } = await import('yaml');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BadInput(
      `${path}: cannot read job file (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
  let raw: unknown;
  try {
    raw = ['.yaml', '.yml'].includes(extname(path).toLowerCase())
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
    throw new BadInput(`${path}: not valid YAML/JSON: ${first.replace(/:\s*$/, '')}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new BadInput(`${path}: expected an object with "type" and "data"`);
  const file = raw as Record<string, unknown>;
  for (const key of Object.keys(file)) {
    if (key !== 'type' && key !== 'data')
      throw new BadInput(`${path}: ${key}: unknown field (expected "type" and "data")`);
  }
  const type = file.type;
  if (!(JOB_TYPES as readonly unknown[]).includes(type))
    throw new BadInput(
      `${path}: type: ${type === undefined ? 'missing, ' : ''}expected one of ${JOB_TYPES.map((t) => `"${t}"`).join(', ')}${type === undefined ? '' : `, got ${JSON.stringify(type)}`}`,
    );
  if (file.data === undefined) throw new BadInput(`${path}: data: missing (the job's data)`);
  const checked = parseJobData(type as JobType, file.data);
  if (!checked.ok) {
    throw new BadInput(
      `${path}: ${checked.field === '' ? '' : `${checked.field}: `}${checked.message}`,
    );
  }
  return { type: type as JobType, data: file.data };
}

// ---------------------------------------------------------------------------------------------
// Result summaries (results come back through Redis: read defensively)
// ---------------------------------------------------------------------------------------------

interface Mean {
  mean: number;
  lower: number;
  upper: number;
}
interface Ratio {
  estimate: number;
  lower: number;
  upper: number;
}
interface GridCandidate {
  index: number;
  type: string;
  baseHalfSpreadBps: number | null;
  driftScalePerSec: number | null;
  objective: Mean;
  share: Ratio | null;
}
interface GridSearchResult {
  phiPerLot2Sec: number;
  paths: number;
  seed: number;
  stepsPerPath: number;
  simulatedSteps: number;
  exact: GridCandidate;
  candidates: GridCandidate[];
  best: GridCandidate;
  heuristicGap: number | null;
  gaps: Record<
    'heuristic' | 'grid',
    { index: number; gap: number; lower: number; upper: number } | null
  >;
}
interface SolveResult {
  models: {
    asset: string;
    regime: string | null;
    params: { sigma: number; A: number; k: number; gamma: number; qMax: number };
    exact: { halfSpread: number; skewPerLot: number; valuePerSec: number } | null;
    closedForm: { halfSpread: number; skewPerLot: number } | null;
    valid: boolean;
    issues: string[];
  }[];
  multi: { quotes: { asset: string; bid: number; ask: number }[] } | null;
  params: { validUntil: number };
  paramsValid: boolean;
  paramsIssue: string | null;
  issues: string[];
}
interface Estimate {
  value: number | null;
  stdError: number | null;
  usable: boolean;
}
interface CalibrateResult {
  prefix: string;
  sinceMs: number;
  untilMs: number;
  read: { snapshots: number; fills: number; skipped: number; truncated: boolean };
  assets: {
    asset: string;
    sigma: Estimate;
    A: Estimate;
    k: Estimate;
    intensity: { fills: number };
    regimes: { usable: boolean; sigma: number[] };
  }[];
}
interface BacktestResult {
  title: string;
  paths: number;
  seed: number;
  dtSec: number;
  horizonSec: number;
  phiPerLot2Sec: number;
  policies: { name: string; finalInventory: { mean: number; std: number } }[];
  comparison: {
    reference: string;
    policies: {
      name: string;
      objective: { mean: number; ci: { lower: number; upper: number } };
      pnl: { mean: number; std: number };
      shareOfReference: Ratio | null;
    }[];
  };
}

/** A number with `digits` significant digits (plain notation when readable). */
export function num(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return '-';
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e7 ? String(Number(x.toPrecision(digits))) : x.toExponential(digits - 1);
}

const interval = (m: { lower: number; upper: number }) => `[${num(m.lower)}, ${num(m.upper)}]`;

/** Left-aligned columns, two spaces apart. */
export function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, j) => c.padEnd(widths[j] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function candidateName(c: GridCandidate): string {
  if (c.type === 'exact') return 'exact';
  return `#${c.index} ${c.type} b ${num(c.baseHalfSpreadBps)} bps, drift ${num(c.driftScalePerSec)}/s`;
}

function gridSearchSummary(r: GridSearchResult): string {
  const gap = (g: GridSearchResult['gaps']['heuristic']) =>
    g ? `${num(g.gap, 3)} ${interval(g)} (#${g.index})` : '-';
  const top = [...r.candidates]
    .sort((a, b) => b.objective.mean - a.objective.mean)
    .slice(0, 5)
    .map((c) => [
      candidateName(c),
      `${num(c.objective.mean)} ${interval(c.objective)}`,
      c.share ? `${num(c.share.estimate, 3)} ${interval(c.share)}` : '-',
    ]);
  return [
    `${r.candidates.length} candidates and the exact policy on ${r.paths} paths x ${r.stepsPerPath} steps (seed ${r.seed}, ${r.simulatedSteps.toLocaleString('en-US')} simulated steps), phi ${num(r.phiPerLot2Sec)} per lot^2 s`,
    `exact objective ${num(r.exact.objective.mean)} ${interval(r.exact.objective)} per path`,
    `best: ${candidateName(r.best)}, objective ${num(r.best.objective.mean)}`,
    `heuristic gap ${gap(r.gaps.heuristic)}; grid gap ${gap(r.gaps.grid)}`,
    '',
    columns([['candidate (top 5)', 'objective [95% CI]', 'share of exact'], ...top]),
  ].join('\n');
}

function solveSummary(r: SolveResult): string {
  const rows = r.models.map((m) => [
    m.asset,
    m.regime ?? '-',
    `${num(m.params.sigma)} / ${num(m.params.A)} / ${num(m.params.k)} / ${num(m.params.gamma)} / ${m.params.qMax}`,
    num(m.exact?.halfSpread),
    num(m.exact?.skewPerLot),
    num(m.closedForm?.halfSpread),
    num(m.exact?.valuePerSec),
    m.valid ? 'yes' : `no (${m.issues.join('; ')})`,
  ]);
  const lines = [
    columns([
      [
        'asset',
        'regime',
        'sigma / A / k / gamma / qMax',
        'half spread',
        'skew/clip',
        'closed form',
        'value/s',
        'valid',
      ],
      ...rows,
    ]),
  ];
  if (r.multi) {
    lines.push(
      '',
      `multi-asset closed form: ${r.multi.quotes.map((q) => `${q.asset} bid -${num(q.bid)} ask +${num(q.ask)}`).join(', ')}`,
    );
  }
  lines.push(
    '',
    r.paramsValid
      ? `parameters publishable (valid until ${new Date(r.params.validUntil).toISOString()})`
      : `parameters not publishable: ${r.paramsIssue ?? 'invalid'}`,
  );
  if (r.issues.length > 0) lines.push(`issues: ${r.issues.join('; ')}`);
  return lines.join('\n');
}

function calibrateSummary(r: CalibrateResult): string {
  const est = (e: Estimate) =>
    e.value === null ? '-' : `${num(e.value)} (${num(e.stdError, 2)})${e.usable ? '' : '!'}`;
  const rows = r.assets.map((a) => [
    a.asset,
    est(a.sigma),
    est(a.A),
    est(a.k),
    String(a.intensity.fills),
    a.regimes.usable ? a.regimes.sigma.map((s) => num(s)).join(' / ') : '-',
  ]);
  return [
    `prefix ${r.prefix}, ${new Date(r.sinceMs).toISOString()} .. ${new Date(r.untilMs).toISOString()}: ${r.read.snapshots} snapshots, ${r.read.fills} fills read (${r.read.skipped} skipped${r.read.truncated ? ', truncated' : ''})`,
    '',
    columns([['asset', 'sigma (se)', 'A (se)', 'k (se)', 'fills', 'regime sigmas'], ...rows]),
    ...(r.assets.some((a) => !(a.sigma.usable && a.A.usable && a.k.usable))
      ? ['(! not usable: too little data)']
      : []),
  ].join('\n');
}

function backtestSummary(r: BacktestResult): string {
  const rows = r.comparison.policies.map((p, i) => {
    const q = r.policies[i]?.finalInventory;
    return [
      p.name,
      `${num(p.objective.mean)} ${interval(p.objective.ci)}`,
      `${num(p.pnl.mean)} (${num(p.pnl.std)})`,
      q ? `${num(q.mean, 3)} (${num(q.std, 3)})` : '-',
      p.shareOfReference
        ? `${num(p.shareOfReference.estimate, 3)} ${interval(p.shareOfReference)}`
        : '-',
    ];
  });
  return [
    r.title,
    `${r.paths} paths per policy (seed ${r.seed}, paired), dt ${r.dtSec} s, T ${r.horizonSec} s, phi ${num(r.phiPerLot2Sec)}; reference ${r.comparison.reference}`,
    '',
    columns([['policy', 'objective [95% CI]', 'pnl (std)', 'final q (std)', 'share'], ...rows]),
  ].join('\n');
}

/** The human summary of a job's result; falls back to JSON if the result has another shape. */
export function resultSummary(type: string, result: unknown): string {
  try {
    switch (type) {
      case 'grid-search':
        return gridSearchSummary(result as GridSearchResult);
      case 'solve':
        return solveSummary(result as SolveResult);
      case 'calibrate':
        return calibrateSummary(result as CalibrateResult);
      case 'backtest':
        return backtestSummary(result as BacktestResult);
    }
  } catch {
    // an unexpected shape: show it as it is
  }
  return JSON.stringify(result, null, 2);
}

/** One line about a completed job's result (for `mm jobs`). */
export function resultLine(type: string, result: unknown): string {
  try {
    switch (type) {
      case 'grid-search': {
        const r = result as GridSearchResult;
        return `${r.candidates.length} candidates, best ${candidateName(r.best)}; heuristic gap ${num(r.heuristicGap, 3)}`;
      }
      case 'solve': {
        const r = result as SolveResult;
        return `${r.models.map((m) => `${m.asset}${m.regime ? `/${m.regime}` : ''} half spread ${num(m.exact?.halfSpread)}`).join(', ')}; params ${r.paramsValid ? 'publishable' : 'not publishable'}`;
      }
      case 'calibrate': {
        const r = result as CalibrateResult;
        return `${r.read.snapshots} snapshots, ${r.read.fills} fills; ${r.assets.map((a) => `${a.asset} sigma ${num(a.sigma.value)}`).join(', ')}`;
      }
      case 'backtest': {
        const r = result as BacktestResult;
        return r.comparison.policies.map((p) => `${p.name} ${num(p.objective.mean)}`).join(', ');
      }
    }
  } catch {
    // unexpected shape
  }
  return JSON.stringify(result).slice(0, 100);
}

// ---------------------------------------------------------------------------------------------
// mm optimize
// ---------------------------------------------------------------------------------------------

interface OptimizeFlags extends TargetFlags {
  config: string;
  json?: boolean;
  wait: boolean;
  timeout: string;
}

/** The `--json` answer. */
export interface OptimizeAnswer {
  jobId: string;
  type: JobType;
  /** False when the same request was already queued (or done): nothing new was added. */
  new: boolean;
  state: string;
  durationSec?: number | null;
  result?: unknown;
  failedReason?: string;
  attemptsMade?: number;
}

const WAITING_STATES = new Set(['waiting', 'wait', 'prioritized', 'paused', 'waiting-children']);

/**
 * Resolves `'unclaimed'` when the job is still waiting, never started, `timeoutMs` from now;
 * otherwise never resolves (the job is being worked on). `cancel` stops it.
 */
function pickupWatch(
  queues: OptimizerQueues<JobType>,
  type: JobType,
  jobId: string,
  timeoutMs: number,
): { unclaimed: Promise<'unclaimed'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const unclaimed = new Promise<'unclaimed'>((resolve) => {
    timer = setTimeout(async () => {
      try {
        const job = await queues.get(type).getJob(jobId);
        if (!job) return;
        const state = await job.getState();
        if (WAITING_STATES.has(state) && job.processedOn === undefined) resolve('unclaimed');
      } catch {
        // Redis hiccup: keep waiting for the job's own outcome
      }
    }, timeoutMs);
  });
  return { unclaimed, cancel: () => clearTimeout(timer) };
}

function progressBar(jobId: string): {
  update(p: ProgressView): void;
  stop(): void;
} {
  if (process.stderr.isTTY !== true) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${jobId} [{bar}] {percentage}% | {note}`,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { note: 'waiting for a worker' });
  return {
    update: (p) => bar.update(Math.round(p.fraction * 100), { note: p.note ?? 'running' }),
    stop: () => bar.stop(),
  };
}

async function optimize(flags: OptimizeFlags): Promise<void> {
  const command = 'optimize';
  let target: QueueTarget;
  let job: JobFile;
  const timeoutSec = Number(flags.timeout);
  try {
    if (!(Number.isFinite(timeoutSec) && timeoutSec > 0 && timeoutSec <= MAX_TIMER_SECONDS))
      throw new BadInput(
        `option "--timeout": expected a number > 0 of seconds, at most ${MAX_TIMER_SECONDS}, got ${JSON.stringify(flags.timeout)}`,
      );
    target = await resolveTarget(flags);
    job = await loadJobFile(flags.config);
  } catch (e) {
    if (!(e instanceof BadInput)) throw e;
    say(command, e.message);
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  try {
    await checkRedis(target.url);
  } catch (e) {
    say(command, `${(e as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const { createQueues, enqueueJob, waitForJob } = await import('@mm/optimizer');
  const queues = createQueues<JobType>({
    url: target.url,
    prefix: target.prefix,
    types: [job.type],
    ...(target.jobs ? { jobs: target.jobs } : {}),
  });
  // Human lines go to stdout, unless stdout carries the JSON answer.
  const info = (text: string) =>
    (flags.json ? process.stderr : process.stdout).write(`mm ${command}: ${text}\n`);
  try {
    const added = await enqueueJob(queues, job.type, job.data);
    const where = `${displayUrl(target.url)} prefix ${target.prefix}`;
    info(
      added.duplicate
        ? `${job.type} job ${added.jobId} already exists (${added.state}) on ${where}: not added again`
        : `${job.type} job ${added.jobId} enqueued (new) on ${where}`,
    );
    const base = { jobId: added.jobId, type: job.type, new: !added.duplicate };
    if (!flags.wait) {
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...base, state: added.state })}\n`);
      return;
    }
    const bar =
      added.state === 'completed' || added.state === 'failed'
        ? { update() {}, stop() {} }
        : progressBar(added.jobId);
    const watch = pickupWatch(queues, job.type, added.jobId, timeoutSec * 1000);
    let outcome: JobOutcome | 'unclaimed';
    try {
      outcome = await Promise.race([
        waitForJob(queues, job.type, added.jobId, { onProgress: (p) => bar.update(p) }),
        watch.unclaimed,
      ]);
    } finally {
      watch.cancel();
      bar.stop();
    }
    if (outcome === 'unclaimed') {
      say(
        command,
        `no worker took job ${added.jobId} within ${timeoutSec} s: is an optimizer running (mm optimizer --config FILE) on ${where}? The job stays queued; run this command again to wait for it`,
      );
      process.exitCode = 1;
      return;
    }
    if (outcome.state === 'failed') {
      if (flags.json)
        process.stdout.write(
          `${JSON.stringify({ ...base, state: 'failed', failedReason: outcome.failedReason, attemptsMade: outcome.attemptsMade })}\n`,
        );
      say(
        command,
        `${job.type} job ${added.jobId} failed after ${outcome.attemptsMade} attempt${outcome.attemptsMade === 1 ? '' : 's'}: ${outcome.failedReason}`,
      );
      process.exitCode = 1;
      return;
    }
    if (flags.json) {
      const answer: OptimizeAnswer = {
        ...base,
        state: 'completed',
        durationSec: outcome.durationSec,
        result: outcome.result,
      };
      process.stdout.write(`${JSON.stringify(answer)}\n`);
    } else {
      const took = outcome.durationSec === null ? '' : ` in ${outcome.durationSec.toFixed(2)} s`;
      process.stdout.write(
        `mm ${command}: ${job.type} job ${added.jobId} completed${took}\n\n${resultSummary(job.type, outcome.result)}\n`,
      );
    }
  } catch (e) {
    say(command, e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  } finally {
    await queues.close().catch(() => {});
    // Event subscriptions of an abandoned wait must not keep the command alive.
    setTimeout(() => process.exit(), 200).unref();
  }
}

/** `mm optimize --config JOBFILE`: enqueue a job, show its progress, print its result. */
export function addOptimizeCommand(program: Command): void {
  program
    .command('optimize')
    .description(
      'enqueue an optimizer job (grid-search, solve, calibrate, backtest), show its progress and print its result; ' +
        'job file: YAML or JSON { type, data }',
    )
    .requiredOption('--config <jobfile>', 'job file, YAML or JSON: { type, data }')
    .option('--redis <url>', `Redis URL (default: --optimizer-config, else ${DEFAULT_REDIS})`)
    .option(
      '--prefix <prefix>',
      `deployment prefix (default: --optimizer-config, else ${DEFAULT_PREFIX})`,
    )
    .option('--optimizer-config <file>', 'optimizer config whose redis and job defaults to use')
    .option('--json', 'print the full result as JSON on stdout')
    .option('--no-wait', 'enqueue only: print the job id and exit')
    .option(
      '--timeout <seconds>',
      'fail when no worker has taken the job after this long',
      String(DEFAULT_PICKUP_TIMEOUT_SEC),
    )
    .action((flags: OptimizeFlags) => optimize(flags));
}
