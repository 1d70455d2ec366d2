import type { VenueFill } from '../venues/Venue.js';

/** Version of the ledger record format (`{ v: 1, ...fill }`). */
export const LEDGER_RECORD_VERSION = 1;

/** Codes of ledger errors and of skipped records. */
export type LedgerErrorCode = 'INVALID_FILL' | 'INVALID_OPTION' | 'CLOSED';

/** Thrown for a fill (or ledger option) that fails validation; `field` names the culprit. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: LedgerErrorCode,
    readonly field: string,
    detail: string,
  ) {
    super(field === '' ? detail : `${field}: ${detail}`);
  }
}

/** Why a stored record was skipped on load. */
export type SkippedRecordCode =
  /** Not JSON, or not an object. */
  | 'INVALID_JSON'
  /** A JSON object without `v: 1`. */
  | 'UNSUPPORTED_VERSION'
  /** A v1 record whose fill fails validation. */
  | 'INVALID_FILL'
  /** The last line of a file without its newline that does not parse (crash mid-write). */
  | 'TORN_RECORD'
  /** A second record with an idempotency key already loaded (the first one counts). */
  | 'DUPLICATE';

/** A stored record that `load` skipped. */
export interface SkippedRecord {
  code: SkippedRecordCode;
  /** Where: `stream id 1712-0` or `line 12`. */
  at: string;
  /** What was wrong, naming the field when there is one. */
  message: string;
}

/** Called once per skipped record during `load` (for logging and alarms). */
export type SkippedRecordHandler = (record: SkippedRecord) => void;

/**
 * The durable record of every fill, written and awaited before inventory changes. Two
 * implementations: `RedisFillLedger` (a Redis stream) and `FileFillLedger` (embedded mode, a
 * JSON-lines file). Idempotent on `fillKey(fill)`.
 */
export interface FillLedger {
  /**
   * Validates `fill` (a `LedgerError` naming the field otherwise; nothing is written) and records
   * it; resolves once it is durable. `duplicate` when the ledger already holds its key and this
   * instance has not reported it as appended before; apply the fill to inventory only on
   * `appended`. When a call rejects, the fill may or may not have been recorded: retry it, a retry
   * finding the record resolves `appended` (this instance never reported it).
   */
  append(fill: VenueFill): Promise<'appended' | 'duplicate'>;
  /**
   * Every fill recorded, in append order, each key once. Unreadable records are skipped, passed to
   * the `onSkipped` option, and listed in `skipped`.
   */
  load(): Promise<VenueFill[]>;
  /** Records the last `load` skipped (empty before the first load). */
  readonly skipped: readonly SkippedRecord[];
  /** Latest `tsMs` (epoch ms) of `venue`'s fills loaded or appended so far; `null` when none. */
  lastFillTsMs(venue: string): number | null;
  /** Releases the storage; appends after `close` reject. */
  close(): Promise<void>;
}

/** The idempotency key of a fill: `${venue}:${fillId}`. */
export const fillKey = (fill: Pick<VenueFill, 'venue' | 'fillId'>): string =>
  `${fill.venue}:${fill.fillId}`;

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

const nonEmptyString = (x: unknown) => typeof x === 'string' && x.length > 0;

/**
 * Checks a fill's fields; returns the first offending one with the reason, or `null` when valid.
 * Pure; shared by the ledgers (which throw `LedgerError`) and `Portfolio`.
 */
export function fillProblem(fill: unknown): { field: string; detail: string } | null {
  if (!isRecord(fill)) return { field: '', detail: 'expected a fill object' };
  const f = fill;
  if (!nonEmptyString(f.fillId)) return { field: 'fillId', detail: 'expected a non-empty string' };
  if (!nonEmptyString(f.venue)) return { field: 'venue', detail: 'expected a non-empty string' };
  if (!nonEmptyString(f.asset)) return { field: 'asset', detail: 'expected a non-empty string' };
  if (!(f.clientOrderId === null || typeof f.clientOrderId === 'string')) {
    return { field: 'clientOrderId', detail: 'expected a string or null' };
  }
  if (f.side !== 'buy' && f.side !== 'sell') {
    return { field: 'side', detail: `expected 'buy' or 'sell', got ${JSON.stringify(f.side)}` };
  }
  if (!(typeof f.price === 'number' && Number.isFinite(f.price) && f.price > 0)) {
    return { field: 'price', detail: `expected a finite number > 0, got ${String(f.price)}` };
  }
  if (!(typeof f.sizeBase === 'number' && Number.isFinite(f.sizeBase) && f.sizeBase > 0)) {
    return { field: 'sizeBase', detail: `expected a finite number > 0, got ${String(f.sizeBase)}` };
  }
  if (f.role !== 'maker' && f.role !== 'taker') {
    return { field: 'role', detail: `expected 'maker' or 'taker', got ${JSON.stringify(f.role)}` };
  }
  if (!(typeof f.feeQuote === 'number' && Number.isFinite(f.feeQuote))) {
    return { field: 'feeQuote', detail: `expected a finite number, got ${String(f.feeQuote)}` };
  }
  if (!(typeof f.tsMs === 'number' && Number.isSafeInteger(f.tsMs) && f.tsMs >= 0)) {
    return { field: 'tsMs', detail: `expected epoch ms (an integer >= 0), got ${String(f.tsMs)}` };
  }
  return null;
}

/**
 * The fill's own fields only (extra properties dropped), after validation; throws `LedgerError`
 * (`INVALID_FILL`, naming the field) otherwise.
 */
export function validateFill(fill: unknown): VenueFill {
  const problem = fillProblem(fill);
  if (problem) throw new LedgerError('INVALID_FILL', problem.field, problem.detail);
  const f = fill as VenueFill;
  return {
    fillId: f.fillId,
    venue: f.venue,
    asset: f.asset,
    clientOrderId: f.clientOrderId,
    side: f.side,
    price: f.price,
    sizeBase: f.sizeBase,
    role: f.role,
    feeQuote: f.feeQuote,
    tsMs: f.tsMs,
  };
}

/** The stored form of a validated fill: one line of JSON, `{"v":1,...}`. */
export function encodeFillRecord(fill: VenueFill): string {
  return JSON.stringify({ v: LEDGER_RECORD_VERSION, ...fill });
}

/** Parses a stored record: the fill, or why it is unreadable. */
export function decodeFillRecord(
  raw: string,
): { ok: true; fill: VenueFill } | { ok: false; code: SkippedRecordCode; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    return { ok: false, code: 'INVALID_JSON', message: `not JSON (${(e as Error).message})` };
  }
  if (!isRecord(parsed)) return { ok: false, code: 'INVALID_JSON', message: 'not a JSON object' };
  if (parsed.v !== LEDGER_RECORD_VERSION) {
    return {
      ok: false,
      code: 'UNSUPPORTED_VERSION',
      message: `v: expected ${LEDGER_RECORD_VERSION}, got ${JSON.stringify(parsed.v)}`,
    };
  }
  const problem = fillProblem(parsed);
  if (problem) {
    const where = problem.field === '' ? '' : `${problem.field}: `;
    return { ok: false, code: 'INVALID_FILL', message: `${where}${problem.detail}` };
  }
  return { ok: true, fill: validateFill(parsed) };
}

/**
 * The in-memory index both ledgers keep: the latest fill time per venue, and the keys of appends
 * that rejected (so that a retry finding the record reports it `appended`, once).
 */
export class LedgerIndex {
  private readonly lastTs = new Map<string, number>();
  private readonly failed = new Set<string>();

  /** Notes a fill returned by `load` (reported to the caller: a later append is a duplicate). */
  loaded(fill: VenueFill): void {
    this.noteTime(fill);
    this.failed.delete(fillKey(fill));
  }

  /** Notes a fill this instance appended. */
  appended(fill: VenueFill): void {
    this.noteTime(fill);
    this.failed.delete(fillKey(fill));
  }

  /** Notes an append that rejected (its outcome is unknown). */
  failedAppend(fill: VenueFill): void {
    this.failed.add(fillKey(fill));
  }

  /**
   * The answer to an append that found the fill already recorded: `appended` when an earlier
   * append of it by this instance rejected (the first success is reported), else `duplicate`.
   */
  resolveExisting(fill: VenueFill): 'appended' | 'duplicate' {
    if (!this.failed.has(fillKey(fill))) return 'duplicate';
    this.appended(fill);
    return 'appended';
  }

  lastFillTsMs(venue: string): number | null {
    return this.lastTs.get(venue) ?? null;
  }

  /** Forgets the times (before a reload). */
  resetTimes(): void {
    this.lastTs.clear();
  }

  private noteTime(fill: VenueFill): void {
    const prev = this.lastTs.get(fill.venue);
    if (prev === undefined || fill.tsMs > prev) this.lastTs.set(fill.venue, fill.tsMs);
  }
}
