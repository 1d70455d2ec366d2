import {
  type AssetParams,
  createCodec,
  ENVELOPE_VERSION,
  type ParamsMessage,
  streamNames,
  type Transport,
} from '@mm/contracts';
import type { Redis } from 'ioredis';
import { publishedKey } from '../queue/queueNames.js';

/** What the publisher reads of a completed job (a BullMQ `Job` fits). */
export interface CompletedJob {
  readonly id?: string | undefined;
  /** The job type. */
  readonly name: string;
  readonly queueName: string;
  /** Creation time, epoch ms: a job re-created under the same id publishes again. */
  readonly timestamp: number;
  readonly returnvalue: unknown;
}

export type PublishOutcome =
  | { kind: 'published'; message: ParamsMessage }
  /** Already published for this job (a retried or re-reported completion). */
  | { kind: 'duplicate' }
  /**
   * Nothing to publish: not a publishing type, no `params`, or the job says they are invalid
   * (`paramsValid: false`, or a model with `valid: false`).
   */
  | { kind: 'skipped'; reason: string }
  /** The parameters fail the bus contract (bounds, finiteness); `field` names the path. */
  | { kind: 'invalid'; field: string; reason: string }
  /** Already expired when the job completed. */
  | { kind: 'stale'; validUntil: number }
  /** The write to Redis failed (the marker is released). */
  | { kind: 'failed'; reason: string };

export interface ResultPublisherOptions {
  /** Bus to publish on (`mm:{prefix}:params`); not closed by the publisher. */
  transport: Transport;
  /** Client for the once-per-job markers. */
  redis: Redis;
  prefix: string;
  /** Published parameters are valid for at most this long, seconds. */
  validForSec: number;
  /** Envelope `source` (default `optimizer`). */
  source?: string;
  /** Job types whose results are published (default `solve`, `calibrate`). */
  types?: readonly string[];
  /** Epoch ms (default `Date.now`). */
  nowMs?: () => number;
  /** Lifetime of a job's "published" marker, seconds (default 1 day). */
  markerTtlSec?: number;
}

const codec = createCodec();

/** Sets the marker to the job's creation time unless it already holds it; 1 when set. */
const CLAIM_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The `params` message for a job result carrying `params: {assets, validUntil}` (as `solve` and
 * `calibrate` results do): only the contract's fields are kept, `validUntil` is capped at
 * `now + validForSec`, and the message is checked against the contract (finite, in bounds).
 */
export function paramsMessageFor(
  result: unknown,
  options: { source: string; nowMs: number; validForSec: number },
): { ok: true; message: ParamsMessage } | { ok: false; field: string; reason: string } {
  if (!isRecord(result) || !isRecord(result.params)) {
    return { ok: false, field: 'params', reason: 'the result carries no params' };
  }
  const { params } = result;
  if (!Array.isArray(params.assets)) {
    return { ok: false, field: 'params.assets', reason: 'expected an array' };
  }
  const assets = params.assets.map((a: unknown) => {
    if (!isRecord(a)) return a as AssetParams;
    const { asset, sigma, A, k, gamma, phi, qMax, regime } = a;
    return {
      asset,
      sigma,
      A,
      k,
      gamma,
      qMax,
      ...(phi === undefined ? {} : { phi }),
      ...(regime === undefined || regime === null ? {} : { regime }),
    } as AssetParams;
  });
  const cap = options.nowMs + options.validForSec * 1000;
  const own = typeof params.validUntil === 'number' ? params.validUntil : cap;
  const message: ParamsMessage = {
    v: ENVELOPE_VERSION,
    type: 'params',
    ts: Math.floor(options.nowMs),
    source: options.source,
    payload: { assets, validUntil: Math.floor(Math.min(own, cap)) },
  };
  const checked = codec.encode(message);
  if (!checked.ok) {
    return {
      ok: false,
      field: checked.error.path.replace(/^payload\./, 'params.'),
      reason: checked.error.message,
    };
  }
  return { ok: true, message };
}

/**
 * Publishes the parameters of completed `solve`/`calibrate` jobs on `mm:{prefix}:params`, once
 * per job: a marker `mm:{prefix}:published:{queue}:{jobId}` (holding the job's creation time,
 * with a TTL) is claimed atomically first, so a retried job, a second report of the same
 * completion or several optimizers never publish a job's result twice. The engine validates and
 * applies or rejects what arrives.
 */
export class ResultPublisher {
  private readonly stream: string;
  private readonly source: string;
  private readonly types: ReadonlySet<string>;
  private readonly nowMs: () => number;
  private readonly markerTtlSec: number;

  constructor(private readonly options: ResultPublisherOptions) {
    this.stream = streamNames(options.prefix).params;
    this.source = options.source ?? 'optimizer';
    this.types = new Set(options.types ?? ['solve', 'calibrate']);
    this.nowMs = options.nowMs ?? Date.now;
    this.markerTtlSec = Math.max(1, Math.round(options.markerTtlSec ?? 86_400));
  }

  /** Whether results of this job type are published. */
  publishes(type: string): boolean {
    return this.types.has(type);
  }

  async publish(job: CompletedJob): Promise<PublishOutcome> {
    if (!this.types.has(job.name)) {
      return { kind: 'skipped', reason: `${job.name} results are not published` };
    }
    const result = job.returnvalue;
    if (!isRecord(result) || !isRecord(result.params)) {
      return { kind: 'skipped', reason: 'the result carries no params' };
    }
    if (result.paramsValid === false) {
      const issue = typeof result.paramsIssue === 'string' ? `: ${result.paramsIssue}` : '';
      return { kind: 'skipped', reason: `the job marked its params invalid${issue}` };
    }
    const invalidModel = Array.isArray(result.models)
      ? result.models.find((m: unknown) => isRecord(m) && m.valid === false)
      : undefined;
    if (invalidModel !== undefined) {
      const m = invalidModel as { asset?: unknown; regime?: unknown; issues?: unknown };
      const issues = Array.isArray(m.issues) ? `: ${m.issues.join('; ')}` : '';
      const which = `${String(m.asset)}${typeof m.regime === 'string' ? `/${m.regime}` : ''}`;
      return { kind: 'skipped', reason: `the model of ${which} has no valid solution${issues}` };
    }
    const now = this.nowMs();
    const built = paramsMessageFor(result, {
      source: this.source,
      nowMs: now,
      validForSec: this.options.validForSec,
    });
    if (!built.ok) return { kind: 'invalid', field: built.field, reason: built.reason };
    const { validUntil } = built.message.payload;
    if (validUntil <= now) return { kind: 'stale', validUntil };

    const key = publishedKey(this.options.prefix, job.queueName, job.id ?? '');
    const claimed = (await this.options.redis.eval(
      CLAIM_SCRIPT,
      1,
      key,
      String(job.timestamp),
      String(this.markerTtlSec),
    )) as number;
    if (claimed !== 1) return { kind: 'duplicate' };

    const { transport } = this.options;
    const errorsBefore = transport.stats().publishErrors;
    const accepted = transport.publish(this.stream, built.message);
    await transport.flush();
    if (!accepted || transport.stats().publishErrors > errorsBefore) {
      await this.options.redis.del(key).catch(() => {});
      return {
        kind: 'failed',
        reason: accepted ? 'the write to Redis failed' : 'refused by the transport',
      };
    }
    return { kind: 'published', message: built.message };
  }
}
