import { LineError } from './fields.js';

/** Split a simple CSV line (no quoted fields: the venue formats read here have none). */
export function splitCsv(text: string): string[] {
  return text.split(',');
}

/** Column indices of `names` in a header line, else `LineError` naming the missing column. */
export function columnsOf<K extends string>(
  header: string,
  names: readonly K[],
): Record<K, number> {
  const cols = splitCsv(header).map((c) => c.trim());
  const out = {} as Record<K, number>;
  for (const name of names) {
    const i = cols.indexOf(name);
    if (i < 0) throw new LineError(`header has no column "${name}" (got ${cols.join(',')})`);
    out[name] = i;
  }
  return out;
}
