import { createHash } from 'node:crypto';
import { keysFor } from '@mm/contracts';
import type { Redis } from 'ioredis';
import type { VenueFill } from '../venues/Venue.js';
import {
  decodeFillRecord,
  encodeFillRecord,
  type FillLedger,
  fillKey,
  LedgerError,
  LedgerIndex,
  type SkippedRecord,
  type SkippedRecordHandler,
  validateFill,
} from './FillLedger.js';

/** Field under which each stream entry holds the record's JSON. */
export const LEDGER_FIELD = 'f';

export interface RedisFillLedgerOptions {
  /** Deployment prefix (non-empty, no whitespace): keys `mm:{prefix}:ledger` and `…:ledger:ids`. */
  prefix: string;
  /** Entries per XRANGE page in `load` (default 1000). */
  pageSize?: number;
  /** Called for each record `load` skips. */
  onSkipped?: SkippedRecordHandler;
  /** Whether `close` quits the client (default true: the ledger owns it). */
  ownsClient?: boolean;
}

/** The Redis keys of a ledger under `prefix`. */
export function ledgerKeys(prefix: string): { stream: string; ids: string } {
  try {
    return keysFor(prefix).ledger;
  } catch {
    throw new LedgerError(
      'INVALID_OPTION',
      'prefix',
      `must be non-empty without whitespace, got ${JSON.stringify(prefix)}`,
    );
  }
}

/**
 * KEYS[1] stream, KEYS[2] ids hash; ARGV[1] idempotency key, ARGV[2] record JSON.
 * Returns the new entry id, or false (nil) when the key is already recorded. Atomic: the hash
 * entry and the stream entry are written together or not at all.
 */
const APPEND_SCRIPT = `
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], '*', '${LEDGER_FIELD}', ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], id)
return id
`;
const APPEND_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

type XRangeReply = [id: string, fields: string[]][];

/**
 * The fill ledger in Redis: a stream `mm:{prefix}:ledger` (never trimmed) and a hash
 * `mm:{prefix}:ledger:ids` from idempotency key to stream id, both written by one Lua script, so
 * that concurrent appenders (even other processes) record each key once. `append` resolves when
 * Redis acknowledged the write; how durable that is depends on the server's persistence
 * (`appendonly yes` with `appendfsync always` for no loss on a Redis crash).
 */
export class RedisFillLedger implements FillLedger {
  private readonly keys: { stream: string; ids: string };
  private readonly pageSize: number;
  private readonly onSkipped: SkippedRecordHandler;
  private readonly ownsClient: boolean;
  private readonly index = new LedgerIndex();
  private lastSkipped: SkippedRecord[] = [];
  private closed = false;

  constructor(
    private readonly client: Redis,
    options: RedisFillLedgerOptions,
  ) {
    this.keys = ledgerKeys(options.prefix);
    const pageSize = options.pageSize ?? 1000;
    if (!(Number.isSafeInteger(pageSize) && pageSize > 0)) {
      throw new LedgerError(
        'INVALID_OPTION',
        'pageSize',
        `expected an integer > 0, got ${pageSize}`,
      );
    }
    this.pageSize = pageSize;
    this.onSkipped = options.onSkipped ?? (() => {});
    this.ownsClient = options.ownsClient ?? true;
  }

  get skipped(): readonly SkippedRecord[] {
    return this.lastSkipped;
  }

  async append(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    if (this.closed) throw new LedgerError('CLOSED', '', 'ledger is closed');
    const valid = validateFill(fill);
    let id: string | null;
    try {
      id = await this.runAppend(fillKey(valid), encodeFillRecord(valid));
    } catch (e) {
      this.index.failedAppend(valid);
      throw e;
    }
    if (id === null) return this.index.resolveExisting(valid);
    this.index.appended(valid);
    return 'appended';
  }

  async load(): Promise<VenueFill[]> {
    if (this.closed) throw new LedgerError('CLOSED', '', 'ledger is closed');
    const fills: VenueFill[] = [];
    const skipped: SkippedRecord[] = [];
    const keys = new Set<string>();
    const skip = (record: SkippedRecord) => {
      skipped.push(record);
      this.onSkipped(record);
    };
    this.index.resetTimes();
    let start = '-';
    for (;;) {
      const page = (await this.client.call('XRANGE', [
        this.keys.stream,
        start,
        '+',
        'COUNT',
        this.pageSize,
      ])) as XRangeReply;
      for (const [id, fields] of page) {
        const at = `stream id ${id}`;
        const raw = fieldValue(fields, LEDGER_FIELD);
        if (raw === undefined) {
          skip({ code: 'INVALID_JSON', at, message: `missing field '${LEDGER_FIELD}'` });
          continue;
        }
        const decoded = decodeFillRecord(raw);
        if (!decoded.ok) {
          skip({ code: decoded.code, at, message: decoded.message });
          continue;
        }
        const key = fillKey(decoded.fill);
        if (keys.has(key)) {
          skip({ code: 'DUPLICATE', at, message: `key ${key} already loaded` });
          continue;
        }
        keys.add(key);
        fills.push(decoded.fill);
        this.index.loaded(decoded.fill);
      }
      const last = page[page.length - 1];
      if (page.length < this.pageSize || last === undefined) break;
      start = `(${last[0]}`;
    }
    this.lastSkipped = skipped;
    return fills;
  }

  lastFillTsMs(venue: string): number | null {
    return this.index.lastFillTsMs(venue);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) await this.client.quit();
  }

  /** The script by hash, loading it on `NOSCRIPT`; the new stream id, or `null` for a duplicate. */
  private async runAppend(key: string, record: string): Promise<string | null> {
    const args = [APPEND_SHA, 2, this.keys.stream, this.keys.ids, key, record];
    let reply: unknown;
    try {
      reply = await this.client.call('EVALSHA', args);
    } catch (e) {
      if (!String((e as Error).message).startsWith('NOSCRIPT')) throw e;
      reply = await this.client.call('EVAL', [APPEND_SCRIPT, ...args.slice(1)]);
    }
    return typeof reply === 'string' ? reply : null;
  }
}

/** The value of `name` in a flat `[field, value, …]` list. */
function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) return fields[i + 1];
  }
  return undefined;
}
