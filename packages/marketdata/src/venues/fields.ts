/** A line that cannot be understood: the decoder's message; the driver adds file and line. */
export class LineError extends Error {
  override readonly name = 'LineError';
}

/** A finite number from a JSON number or numeric string, else `LineError` naming `field`. */
export function num(v: unknown, field: string): number {
  const x = typeof v === 'string' ? (v.trim() === '' ? Number.NaN : Number(v)) : v;
  if (typeof x !== 'number' || !Number.isFinite(x))
    throw new LineError(`${field} must be a number, got ${JSON.stringify(v)}`);
  return x;
}

/** A plain object, else `LineError` naming `field`. */
export function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new LineError(`${field} must be an object`);
  return v as Record<string, unknown>;
}

/** An array, else `LineError` naming `field`. */
export function arr(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new LineError(`${field} must be an array`);
  return v;
}

/**
 * A recorder line `<receive time, ns since the epoch> <JSON>`: the time in seconds (split so the
 * nanoseconds survive the conversion as well as a double allows) and the parsed JSON.
 */
export function recorderLine(text: string): { tSec: number; json: unknown } {
  const space = text.indexOf(' ');
  if (space <= 0) throw new LineError('expected "<receive time ns> <JSON>"');
  const ns = text.slice(0, space);
  if (!/^\d{1,20}$/.test(ns)) throw new LineError(`receive time must be integer ns, got "${ns}"`);
  const tSec =
    ns.length > 9 ? Number(ns.slice(0, -9)) + Number(ns.slice(-9)) / 1e9 : Number(ns) / 1e9;
  let json: unknown;
  try {
    json = JSON.parse(text.slice(space + 1));
  } catch (err) {
    throw new LineError(`not JSON (${(err as Error).message})`);
  }
  return { tSec, json };
}
