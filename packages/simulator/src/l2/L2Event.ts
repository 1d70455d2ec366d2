/**
 * The L2 replay format: JSON lines, one event per line, in time order.
 *
 *   {"t":12.5,"type":"book","bids":[[99.99,3.2],[99.98,5]],"asks":[[100.01,1.5],[100.02,4]]}
 *   {"t":12.73,"type":"trade","px":99.99,"sz":0.4,"side":"sell"}
 *
 * `t`: seconds since the start of the file (any origin; non-decreasing). `book`: a snapshot of
 * the top levels that replaces the previous one, `[price, size]` pairs, bids descending, asks
 * ascending. `trade`: a market order of `sz` at `px`; `side` is the aggressor's (`sell` hits
 * bids, `buy` lifts asks). Prices in price units, sizes in base units.
 */

import { parseCanonicalL2 } from './fastParse.js';

/** `[price, size]`: price units, base units. */
export type PriceLevel = readonly [price: number, size: number];

/** A snapshot of the top of the book. */
export interface L2BookEvent {
  readonly t: number;
  readonly type: 'book';
  /** Best first (descending prices). */
  readonly bids: readonly PriceLevel[];
  /** Best first (ascending prices). */
  readonly asks: readonly PriceLevel[];
}

/** A market order (the aggressor's side). */
export interface L2TradeEvent {
  readonly t: number;
  readonly type: 'trade';
  readonly px: number;
  readonly sz: number;
  readonly side: 'buy' | 'sell';
}

export type L2Event = L2BookEvent | L2TradeEvent;

/** A line that is not a valid L2 event; names the line and the field. */
export class L2FormatError extends Error {
  override readonly name = 'L2FormatError';
  readonly code = 'L2_FORMAT';
  constructor(
    message: string,
    readonly lineNumber: number,
  ) {
    super(lineNumber > 0 ? `line ${lineNumber}: ${message}` : message);
  }
}

/** One line of the format as JSON (no trailing newline). */
export function formatL2Event(event: L2Event): string {
  if (event.type === 'book')
    return `{"t":${event.t},"type":"book","bids":${levels(event.bids)},"asks":${levels(event.asks)}}`;
  return `{"t":${event.t},"type":"trade","px":${event.px},"sz":${event.sz},"side":"${event.side}"}`;
}

function levels(side: readonly PriceLevel[]): string {
  let s = '[';
  for (let i = 0; i < side.length; i++) {
    const l = side[i]!;
    s += `${i > 0 ? ',' : ''}[${l[0]},${l[1]}]`;
  }
  return `${s}]`;
}

/** Parse and check one line; throws `L2FormatError` naming the line and field. */
export function parseL2Line(line: string, lineNumber = 0): L2Event {
  const fast = parseCanonicalL2(line);
  if (fast) return checkL2Event(fast, lineNumber);
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (err) {
    throw new L2FormatError(`not JSON (${(err as Error).message})`, lineNumber);
  }
  return checkL2Event(raw, lineNumber);
}

/** Check a parsed value against the format; throws `L2FormatError` naming the field. */
export function checkL2Event(raw: unknown, lineNumber = 0): L2Event {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new L2FormatError('must be a JSON object', lineNumber);
  const o = raw as Record<string, unknown>;
  const t = o.t;
  if (typeof t !== 'number' || !Number.isFinite(t))
    throw new L2FormatError(`t must be a finite number (seconds), got ${String(t)}`, lineNumber);
  if (o.type === 'book') {
    checkSide(o.bids, 'bids', -1, lineNumber);
    checkSide(o.asks, 'asks', 1, lineNumber);
    return raw as L2BookEvent;
  }
  if (o.type === 'trade') {
    const { px, sz, side } = o;
    if (typeof px !== 'number' || !Number.isFinite(px))
      throw new L2FormatError(`px must be a finite number, got ${String(px)}`, lineNumber);
    if (typeof sz !== 'number' || !(sz > 0) || !Number.isFinite(sz))
      throw new L2FormatError(`sz must be a finite number > 0, got ${String(sz)}`, lineNumber);
    if (side !== 'buy' && side !== 'sell')
      throw new L2FormatError(`side must be "buy" or "sell", got ${String(side)}`, lineNumber);
    return raw as L2TradeEvent;
  }
  throw new L2FormatError(`type must be "book" or "trade", got ${String(o.type)}`, lineNumber);
}

function checkSide(v: unknown, field: string, direction: number, lineNumber: number): void {
  if (!Array.isArray(v))
    throw new L2FormatError(`${field} must be an array of [price, size]`, lineNumber);
  let prev = Number.NaN;
  for (let i = 0; i < v.length; i++) {
    const level = v[i] as unknown;
    if (!Array.isArray(level) || level.length !== 2)
      throw new L2FormatError(`${field}[${i}] must be [price, size]`, lineNumber);
    const [px, sz] = level as [unknown, unknown];
    if (typeof px !== 'number' || !Number.isFinite(px))
      throw new L2FormatError(`${field}[${i}][0] (price) must be a finite number`, lineNumber);
    if (typeof sz !== 'number' || !(sz >= 0) || !Number.isFinite(sz))
      throw new L2FormatError(`${field}[${i}][1] (size) must be a finite number >= 0`, lineNumber);
    if (i > 0 && !((px - prev) * direction > 0))
      throw new L2FormatError(
        `${field}[${i}][0] must be ${direction > 0 ? 'above' : 'below'} ${field}[${i - 1}][0]`,
        lineNumber,
      );
    prev = px;
  }
}
