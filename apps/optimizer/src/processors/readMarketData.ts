import {
  type AssetSnapshot,
  decode,
  type FillMessage,
  STREAM_FIELD,
  streamNames,
} from '@mm/contracts';
import type { Redis } from 'ioredis';

/** One engine snapshot: every asset's mid, best resting quotes, inventory and P&L. */
export interface MarketSnapshot {
  /** Publish time (envelope `ts`), epoch ms. */
  tsMs: number;
  assets: AssetSnapshot[];
}

/** One fill as the engine published it (payload of a `fill` message). */
export type MarketFill = FillMessage['payload'];

/** The engine's recorded market data over a window. */
export interface MarketData {
  /** Snapshots in time order. */
  snapshots: MarketSnapshot[];
  /** Fills in time order (venue fill time `ts`, epoch ms). */
  fills: MarketFill[];
  /** Entries read per stream, and those skipped (undecodable, or another message type). */
  read: { snapshots: number; fills: number };
  skipped: { snapshots: number; fills: number };
  /** Whether a stream held more than `maxEntries` entries in the window (the rest is unread). */
  truncated: boolean;
}

export interface ReadMarketDataOptions {
  /** Entries per XRANGE call (default 1000). */
  pageSize?: number;
  /** Most entries read per stream (default 1 000 000). */
  maxEntries?: number;
}

type XRangeReply = [id: string, fields: string[]][];

/** The entry id just after `id` (`ms-seq` -> `ms-(seq+1)`), for the next page's inclusive start. */
function nextId(id: string): string {
  const dash = id.indexOf('-');
  const ms = id.slice(0, dash);
  const seq = BigInt(id.slice(dash + 1));
  return seq === 0xffff_ffff_ffff_ffffn ? `${BigInt(ms) + 1n}-0` : `${ms}-${seq + 1n}`;
}

function fieldValue(fields: readonly string[]): string {
  for (let i = 0; i + 1 < fields.length; i += 2)
    if (fields[i] === STREAM_FIELD) return fields[i + 1] ?? '';
  return '';
}

/** Every entry of `key` with id in `[sinceMs, untilMs]`, page by page, up to `max` entries. */
async function* xrange(
  redis: Redis,
  key: string,
  sinceMs: number,
  untilMs: number,
  pageSize: number,
  max: number,
): AsyncGenerator<string, boolean> {
  let start = `${sinceMs}-0`;
  const end = `${untilMs}`;
  let count = 0;
  for (;;) {
    const page = (await redis.xrange(key, start, end, 'COUNT', pageSize)) as XRangeReply;
    for (const [id, fields] of page) {
      if (count >= max) return true;
      count++;
      start = nextId(id);
      yield fieldValue(fields);
    }
    if (page.length < pageSize) return false;
  }
}

/**
 * Read the engine's `snapshot` and `fill` messages published on `mm:{prefix}:snapshots` and
 * `mm:{prefix}:fills` with stream ids (Redis arrival time, epoch ms) in `[sinceMs, untilMs]`,
 * with XRANGE in pages. Each entry's envelope is checked with the contract's `decode`; entries
 * that fail, or carry another message type, are skipped and counted. Snapshots come back sorted
 * by their envelope time and fills by their venue time.
 */
export async function readMarketData(
  redis: Redis,
  prefix: string,
  sinceMs: number,
  untilMs: number,
  options: ReadMarketDataOptions = {},
): Promise<MarketData> {
  const names = streamNames(prefix);
  const pageSize = options.pageSize ?? 1000;
  const maxEntries = options.maxEntries ?? 1_000_000;
  if (!(Number.isInteger(pageSize) && pageSize >= 1))
    throw new RangeError(`pageSize must be an integer >= 1, got ${pageSize}`);
  if (!(Number.isInteger(sinceMs) && Number.isInteger(untilMs) && sinceMs >= 0))
    throw new RangeError(`sinceMs/untilMs must be integer epoch ms, got ${sinceMs}, ${untilMs}`);
  const out: MarketData = {
    snapshots: [],
    fills: [],
    read: { snapshots: 0, fills: 0 },
    skipped: { snapshots: 0, fills: 0 },
    truncated: false,
  };
  if (untilMs < sinceMs) return out;

  const snapshots = xrange(redis, names.snapshots, sinceMs, untilMs, pageSize, maxEntries);
  for (;;) {
    const next = await snapshots.next();
    if (next.done) {
      out.truncated ||= next.value;
      break;
    }
    out.read.snapshots++;
    const decoded = decode(next.value);
    if (decoded.ok && decoded.message.type === 'snapshot')
      out.snapshots.push({ tsMs: decoded.message.ts, assets: decoded.message.payload.assets });
    else out.skipped.snapshots++;
  }
  const fills = xrange(redis, names.fills, sinceMs, untilMs, pageSize, maxEntries);
  for (;;) {
    const next = await fills.next();
    if (next.done) {
      out.truncated ||= next.value;
      break;
    }
    out.read.fills++;
    const decoded = decode(next.value);
    if (decoded.ok && decoded.message.type === 'fill') out.fills.push(decoded.message.payload);
    else out.skipped.fills++;
  }
  out.snapshots.sort((a, b) => a.tsMs - b.tsMs);
  out.fills.sort((a, b) => a.ts - b.ts);
  return out;
}
