import type { RedisOptions } from 'ioredis';
import type { VenueFill } from '../venues/Venue.js';
import {
  type FillLedger,
  fillKey,
  LedgerError,
  LedgerIndex,
  type SkippedRecord,
  validateFill,
} from './FillLedger.js';

/** `primary`: appends go to Redis. `degraded`: fills sit in the file until synced to Redis. */
export type FailoverState = 'primary' | 'degraded';

/** What `onStateChange` reports with each state change. */
export interface FailoverStateDetail {
  /** Why: a primary append failed or timed out, `load` found file-only fills, or all are synced. */
  reason: 'primary-unavailable' | 'unsynced-on-load' | 'synced';
  /** Fills held only by the file, awaiting sync to Redis (count). */
  pendingSync: number;
  /** The primary's error (or a timeout error), for `primary-unavailable`. */
  error?: Error;
}

/** Timer functions (tests may pass fake ones). */
export interface FailoverTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FailoverFillLedgerOptions {
  /** A primary append that fails or takes longer than this (ms) goes to the file (default 250). */
  appendTimeoutMs?: number;
  /** Delay (ms) between attempts to sync file-only fills to Redis while it fails (default 1000). */
  syncIntervalMs?: number;
  /** Bound (ms) on the last sync attempt in `close` (default 1000). */
  closeSyncTimeoutMs?: number;
  /** Called on each change of state (for logs, metrics and alarms). */
  onStateChange?: (state: FailoverState, detail: FailoverStateDetail) => void;
  /** Timers (default: Node's, unref'd). */
  timers?: FailoverTimers;
}

/** A primary append or sync that took longer than `appendTimeoutMs` (it may still land later). */
export class LedgerTimeoutError extends Error {
  override readonly name = 'LedgerTimeoutError';
  readonly code = 'TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`primary ledger did not answer within ${timeoutMs} ms`);
  }
}

/** Both ledgers failed to record a fill; the outcome is unknown, retry the append. */
export class LedgerUnavailableError extends Error {
  override readonly name = 'LedgerUnavailableError';
  readonly code = 'UNAVAILABLE';
  constructor(
    readonly primaryError: unknown,
    readonly fileError: unknown,
  ) {
    super(
      `fill ledger unavailable: primary: ${errorMessage(primaryError)}; file: ${errorMessage(fileError)}`,
    );
  }
}

/**
 * ioredis options for the ledger's own client (do not share it with the bus: the options change
 * how every command on the client behaves), so that a Redis outage fails an append fast instead of
 * queuing it until Redis is back:
 * - `enableOfflineQueue: false`: a command issued while disconnected (or before ready) rejects at
 *   once (so the client must be connected first: `lazyConnect: true`, then `await client.connect()`);
 * - `maxRetriesPerRequest: 0`, `autoResendUnfulfilledCommands: false`: commands in flight when the
 *   connection drops reject then, and are never resent later by the client;
 * - `commandTimeout` (default 1000 ms): a command without a reply rejects (the server may still run
 *   it: ledger writes are idempotent); `socketTimeout` (2 x that): a connection with a command
 *   unanswered that long is dropped and reconnected (a hung server or a lost network);
 * - `retryStrategy`: reconnect forever, 50 ms doubling to `maxReconnectDelayMs` (default 1000 ms);
 * - `connectTimeout` 1000 ms; `protocol: 2` as the rest of the engine.
 *
 * With the offline queue off, `quit` rejects while Redis is down and the client keeps
 * reconnecting: call `client.disconnect()` after the ledger's `close`.
 */
export function ledgerRedisOptions(
  options: { commandTimeoutMs?: number; maxReconnectDelayMs?: number } = {},
): RedisOptions {
  const commandTimeoutMs = options.commandTimeoutMs ?? 1000;
  const maxReconnectDelayMs = options.maxReconnectDelayMs ?? 1000;
  positive('commandTimeoutMs', commandTimeoutMs);
  positive('maxReconnectDelayMs', maxReconnectDelayMs);
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    socketTimeout: 2 * commandTimeoutMs,
    connectTimeout: 1000,
    retryStrategy: (times: number) =>
      Math.min(50 * 2 ** Math.min(times - 1, 20), maxReconnectDelayMs),
    protocol: 2,
  };
}

const defaultTimers: FailoverTimers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A fill ledger over a primary (`RedisFillLedger`) and a secondary (`FileFillLedger`) so that a
 * Redis outage does not stop the engine: an append goes to Redis while it answers within
 * `appendTimeoutMs`, else to the fsynced file; fills that sit only in the file are written to
 * Redis in order (idempotently) by a background sync, and appends keep going to the file until
 * that backlog is empty, so the Redis stream stays in append order.
 *
 * `append` resolves once the fill is durable in at least one ledger and reports `appended` at most
 * once per key per instance: keys loaded or recorded before are `duplicate` without I/O (so `load`
 * runs first; an `append` before any `load` loads first). Appends and loads run one at a time in
 * call order. `load` is the union (Redis first, then file-only fills, each key once) and needs both
 * ledgers: it rejects when Redis is down. One process per Redis prefix and file.
 */
export class FailoverFillLedger implements FillLedger {
  private readonly appendTimeoutMs: number;
  private readonly syncIntervalMs: number;
  private readonly closeSyncTimeoutMs: number;
  private readonly onStateChange: (state: FailoverState, detail: FailoverStateDetail) => void;
  private readonly timers: FailoverTimers;
  /** Keys loaded or recorded by this instance: a later append is a `duplicate`. */
  private readonly known = new Set<string>();
  /** Times, and keys whose append rejected (a retry finding them reports `appended`). */
  private readonly index = new LedgerIndex();
  /** Fills held only by the file, in append order, awaiting sync to Redis. */
  private pending: VenueFill[] = [];
  private readonly pendingKeys = new Set<string>();
  private mode: FailoverState = 'primary';
  private loaded = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** The tail of the operation queue: each append or load starts after the previous settles. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The sync pass running (resolves `true` when it emptied the backlog). */
  private syncing: Promise<boolean> | undefined;
  private syncTimer: unknown;

  constructor(
    private readonly primary: FillLedger,
    private readonly file: FillLedger,
    options: FailoverFillLedgerOptions = {},
  ) {
    this.appendTimeoutMs = options.appendTimeoutMs ?? 250;
    this.syncIntervalMs = options.syncIntervalMs ?? 1000;
    this.closeSyncTimeoutMs = options.closeSyncTimeoutMs ?? 1000;
    positive('appendTimeoutMs', this.appendTimeoutMs);
    positive('syncIntervalMs', this.syncIntervalMs);
    if (!(Number.isFinite(this.closeSyncTimeoutMs) && this.closeSyncTimeoutMs >= 0)) {
      throw new LedgerError(
        'INVALID_OPTION',
        'closeSyncTimeoutMs',
        `expected a finite number >= 0, got ${this.closeSyncTimeoutMs}`,
      );
    }
    this.onStateChange = options.onStateChange ?? (() => {});
    this.timers = options.timers ?? defaultTimers;
  }

  /** `primary` while appends go to Redis, `degraded` while fills await sync from the file. */
  get state(): FailoverState {
    return this.mode;
  }

  /** Fills held only by the file, awaiting sync to Redis (count). */
  get pendingSync(): number {
    return this.pending.length;
  }

  /** Records the last `load` skipped: Redis's, then the file's. */
  get skipped(): readonly SkippedRecord[] {
    return [...this.primary.skipped, ...this.file.skipped];
  }

  append(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    if (this.closed) return Promise.reject(new LedgerError('CLOSED', '', 'ledger is closed'));
    let valid: VenueFill;
    try {
      valid = validateFill(fill);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.enqueue(() => this.write(valid));
  }

  load(): Promise<VenueFill[]> {
    if (this.closed) return Promise.reject(new LedgerError('CLOSED', '', 'ledger is closed'));
    return this.enqueue(() => this.loadNow());
  }

  /** Latest `tsMs` of `venue`'s fills loaded or appended, over both ledgers; `null` when none. */
  lastFillTsMs(venue: string): number | null {
    let latest: number | null = null;
    for (const ts of [
      this.index.lastFillTsMs(venue),
      this.primary.lastFillTsMs(venue),
      this.file.lastFillTsMs(venue),
    ]) {
      if (ts !== null && (latest === null || ts > latest)) latest = ts;
    }
    return latest;
  }

  /**
   * Waits for queued appends, tries once more (within `closeSyncTimeoutMs`) to sync file-only fills
   * to Redis, then closes both ledgers. Fills still unsynced stay in the file and are synced by the
   * next instance's `load`. A failure to close Redis (it may be down) is ignored; the file's is thrown.
   */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.clearSyncTimer();
    this.closing = (async () => {
      await this.queue.catch(() => {});
      const lastSync = (async () => {
        if (this.syncing) await this.syncing;
        if (this.pending.length > 0) await this.syncPass();
      })();
      await this.withTimeout(lastSync, this.closeSyncTimeoutMs).catch(() => {});
      const [, file] = await Promise.allSettled([this.primary.close(), this.file.close()]);
      if (file.status === 'rejected') throw file.reason;
    })();
    return this.closing;
  }

  private async write(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    if (!this.loaded) await this.loadNow();
    const key = fillKey(fill);
    if (this.known.has(key)) return 'duplicate';
    let result: 'appended' | 'duplicate';
    try {
      result = await this.store(fill);
    } catch (e) {
      this.index.failedAppend(fill);
      throw e;
    }
    this.known.add(key);
    if (result === 'duplicate') return this.index.resolveExisting(fill);
    this.index.appended(fill);
    return 'appended';
  }

  /** Records `fill` in Redis or in the file (queuing it for sync); throws when both fail. */
  private async store(fill: VenueFill): Promise<'appended' | 'duplicate'> {
    if (this.mode === 'primary') {
      let primaryError: unknown;
      try {
        return await this.withTimeout(this.primary.append(fill), this.appendTimeoutMs);
      } catch (e) {
        primaryError = e;
      }
      let result: 'appended' | 'duplicate';
      try {
        result = await this.file.append(fill);
      } catch (fileError) {
        throw new LedgerUnavailableError(primaryError, fileError);
      }
      this.queueSync(fill);
      this.setState('degraded', 'primary-unavailable', toError(primaryError));
      return result;
    }
    // Degraded: to the file, behind the backlog; Redis only when the file fails (order is lost then).
    try {
      const result = await this.file.append(fill);
      this.queueSync(fill);
      return result;
    } catch (fileError) {
      try {
        return await this.withTimeout(this.primary.append(fill), this.appendTimeoutMs);
      } catch (primaryError) {
        throw new LedgerUnavailableError(primaryError, fileError);
      }
    }
  }

  private async loadNow(): Promise<VenueFill[]> {
    const [primaryFills, fileFills] = await Promise.all([this.primary.load(), this.file.load()]);
    const keys = new Set<string>();
    const fills: VenueFill[] = [];
    for (const fill of primaryFills) {
      keys.add(fillKey(fill));
      fills.push(fill);
    }
    const fileOnly: VenueFill[] = [];
    for (const fill of fileFills) {
      const key = fillKey(fill);
      if (keys.has(key)) continue;
      keys.add(key);
      fileOnly.push(fill);
      fills.push(fill);
    }
    this.index.resetTimes();
    for (const fill of fills) {
      this.known.add(fillKey(fill));
      this.index.loaded(fill);
    }
    this.pending = fileOnly;
    this.pendingKeys.clear();
    for (const fill of fileOnly) this.pendingKeys.add(fillKey(fill));
    this.loaded = true;
    if (fileOnly.length > 0) {
      this.setState('degraded', 'unsynced-on-load');
      this.startSync();
    } else {
      this.setState('primary', 'synced');
    }
    return fills;
  }

  /** Queues a fill the file holds for sync to Redis. */
  private queueSync(fill: VenueFill): void {
    const key = fillKey(fill);
    if (this.pendingKeys.has(key)) return;
    this.pending.push(fill);
    this.pendingKeys.add(key);
    if (this.syncing === undefined && this.syncTimer === undefined) {
      this.scheduleSync(this.syncIntervalMs);
    }
  }

  private scheduleSync(delayMs: number): void {
    if (this.closed || this.syncTimer !== undefined) return;
    this.syncTimer = this.timers.setTimeout(() => {
      this.syncTimer = undefined;
      this.startSync();
    }, delayMs);
  }

  private clearSyncTimer(): void {
    if (this.syncTimer === undefined) return;
    this.timers.clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
  }

  /** Runs a sync pass now (unless one runs); then retries later, or switches back to Redis. */
  private startSync(): void {
    if (this.closed || this.syncing) return;
    this.clearSyncTimer();
    const pass = this.syncPass();
    this.syncing = pass;
    void pass.then((drained) => {
      this.syncing = undefined;
      if (this.closed) return;
      if (!drained) this.scheduleSync(this.syncIntervalMs);
      // in the queue: appends before this point have queued their fills
      else void this.enqueue(async () => this.promote()).catch(() => {});
    });
  }

  /** Back to Redis when the backlog is empty, else another sync pass. */
  private promote(): void {
    if (this.pending.length > 0) this.startSync();
    else if (this.mode === 'degraded') this.setState('primary', 'synced');
  }

  /**
   * Appends the backlog to Redis in order (idempotent: a fill already there, from a timed-out
   * append that landed late, counts as synced); `true` once empty, `false` at the first failure.
   */
  private async syncPass(): Promise<boolean> {
    for (;;) {
      const fill = this.pending[0];
      if (fill === undefined) return true;
      try {
        await this.withTimeout(this.primary.append(fill), this.appendTimeoutMs);
      } catch {
        return false;
      }
      this.unqueue(fillKey(fill));
    }
  }

  private unqueue(key: string): void {
    if (!this.pendingKeys.delete(key)) return;
    const i = this.pending.findIndex((f) => fillKey(f) === key);
    if (i >= 0) this.pending.splice(i, 1);
  }

  private setState(state: FailoverState, reason: FailoverStateDetail['reason'], error?: Error) {
    if (this.mode === state) return;
    this.mode = state;
    const detail: FailoverStateDetail = { reason, pendingSync: this.pending.length };
    if (error) detail.error = error;
    try {
      this.onStateChange(state, detail);
    } catch {
      // a throwing listener must not fail the append
    }
  }

  /** `op`'s outcome, or a `LedgerTimeoutError` after `ms` (a late rejection of `op` is ignored). */
  private withTimeout<T>(op: Promise<T>, ms: number): Promise<T> {
    op.catch(() => {});
    return new Promise<T>((resolve, reject) => {
      const handle = this.timers.setTimeout(() => reject(new LedgerTimeoutError(ms)), ms);
      op.then(
        (value) => {
          this.timers.clearTimeout(handle);
          resolve(value);
        },
        (e: unknown) => {
          this.timers.clearTimeout(handle);
          reject(e);
        },
      );
    });
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => {});
    return run;
  }
}

function positive(field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new LedgerError('INVALID_OPTION', field, `expected a finite number > 0, got ${value}`);
  }
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
