import { displayUrl } from '@mm/contracts';
import type { JobSummary, JobType, QueueListing } from '@mm/optimizer';
import type { Command } from 'commander';
import {
  BadInput,
  checkRedis,
  columns,
  DEFAULT_PREFIX,
  DEFAULT_REDIS,
  type QueueTarget,
  resolveTarget,
  resultLine,
  say,
  type TargetFlags,
} from './optimize.js';
import { EXIT_BAD_INPUT } from './solve.js';

interface JobsFlags extends TargetFlags {
  limit: string;
  json?: boolean;
}

const MAX_LIMIT = 1000;

/** A listed job with a one-line summary of its result (completed) or failure (failed). */
export type ListedJob = JobSummary & { summary: string | null };

/** The `--json` answer. */
export interface JobsAnswer {
  redis: string;
  prefix: string;
  queues: Array<Omit<QueueListing, 'jobs'> & { jobs: ListedJob[] }>;
}

function duration(sec: number | null): string {
  if (sec === null) return '-';
  return sec < 10 ? `${sec.toFixed(2)} s` : `${sec.toFixed(1)} s`;
}

function progress(j: JobSummary): string {
  if (!j.progress) return '-';
  const pct = `${Math.round(j.progress.fraction * 100)}%`;
  return j.state === 'active' && j.progress.note ? `${pct} ${j.progress.note}` : pct;
}

/** The tables of `mm jobs`: per queue its counts, then its most recent jobs. */
export function formatListing(answer: JobsAnswer): string {
  const blocks = answer.queues.map((q) => {
    const counts = Object.entries(q.counts)
      .map(([state, n]) => `${state} ${n}`)
      .join(', ');
    const head = `${q.queue}: ${counts}`;
    if (q.jobs.length === 0) return head;
    const rows = q.jobs.map((j) => [
      j.id,
      j.state,
      progress(j),
      duration(j.durationSec),
      String(j.attemptsMade),
      new Date(j.finishedAt ?? j.startedAt ?? j.createdAt).toISOString(),
      j.summary ?? (j.scheduler ? `(schedule ${j.scheduler})` : ''),
    ]);
    const table = columns([
      ['id', 'state', 'progress', 'duration', 'attempts', 'last change', 'result / failure'],
      ...rows,
    ]);
    return `${head}\n${table
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}`;
  });
  return [`${answer.redis} prefix ${answer.prefix}`, ...blocks].join('\n\n');
}

async function jobs(flags: JobsFlags): Promise<void> {
  const command = 'jobs';
  let target: QueueTarget;
  let limit: number;
  try {
    limit = Number(flags.limit);
    if (!(/^\s*\d+\s*$/.test(flags.limit) && limit <= MAX_LIMIT))
      throw new BadInput(
        `option "--limit": expected an integer in [0, ${MAX_LIMIT}], got ${JSON.stringify(flags.limit)}`,
      );
    target = await resolveTarget(flags);
  } catch (e) {
    if (!(e instanceof BadInput)) throw e;
    say(command, e.message);
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  try {
    await checkRedis(target.url);
  } catch (e) {
    say(command, (e as Error).message);
    process.exitCode = 1;
    return;
  }
  const { createQueues, listJobs } = await import('@mm/optimizer');
  const queues = createQueues<JobType>({ url: target.url, prefix: target.prefix });
  try {
    const listings = await listJobs(queues, { limit });
    const answer: JobsAnswer = {
      redis: displayUrl(target.url),
      prefix: target.prefix,
      queues: await Promise.all(
        listings.map(async (q) => ({
          ...q,
          jobs: await Promise.all(
            q.jobs.map(async (j): Promise<ListedJob> => {
              if (j.state === 'failed') return { ...j, summary: j.failedReason };
              if (j.state !== 'completed') return { ...j, summary: null };
              const job = await queues.get(q.queue as JobType).getJob(j.id);
              return { ...j, summary: job ? resultLine(j.name, job.returnvalue) : null };
            }),
          ),
        })),
      ),
    };
    process.stdout.write(flags.json ? `${JSON.stringify(answer)}\n` : `${formatListing(answer)}\n`);
  } catch (e) {
    say(command, e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  } finally {
    await queues.close().catch(() => {});
  }
}

/** `mm jobs`: the optimizer's queues, their counts and recent jobs. */
export function addJobsCommand(program: Command): void {
  program
    .command('jobs')
    .description("list the optimizer's queues: counts by state and the most recent jobs")
    .option('--redis <url>', `Redis URL (default: --optimizer-config, else ${DEFAULT_REDIS})`)
    .option(
      '--prefix <prefix>',
      `deployment prefix (default: --optimizer-config, else ${DEFAULT_PREFIX})`,
    )
    .option('--optimizer-config <file>', 'optimizer config whose redis to use')
    .option('--limit <n>', 'most recent jobs shown per queue', '10')
    .option('--json', 'print the listing as JSON on stdout')
    .action((flags: JobsFlags) => jobs(flags));
}
