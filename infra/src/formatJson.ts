/**
 * Serialize JSON the way the repository's formatter (Biome, 2-space indent, line width 100) lays
 * it out, so generated files pass `biome check` unchanged: non-empty objects one key per line,
 * arrays of scalars on one line when that line fits, other arrays one element per line.
 */
export function formatJson(value: unknown, lineWidth = 100): string {
  // JSON.stringify's own rules first: functions and undefined dropped, toJSON applied.
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError(`not JSON: ${String(value)}`);
  return `${format(JSON.parse(text), 0, 0, lineWidth)}\n`;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isScalar = (v: unknown): boolean =>
  v === null ||
  typeof v !== 'object' ||
  (Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0);

/**
 * `value` printed at `depth` (indent 2 per level); `used` is the width already taken on its first
 * line (indent, key and the trailing comma), to decide whether an array fits on one line.
 */
function format(value: unknown, depth: number, used: number, lineWidth: number): string {
  const json = value as Json;
  if (json === null || typeof json !== 'object') {
    return JSON.stringify(json);
  }
  const pad = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  if (Array.isArray(json)) {
    if (json.length === 0) return '[]';
    if (json.every(isScalar)) {
      const inline = `[${json.map((v) => format(v, depth + 1, 0, lineWidth)).join(', ')}]`;
      if (used + inline.length <= lineWidth) return inline;
    }
    const items = json.map((v, i) => {
      const comma = i < json.length - 1 ? 1 : 0;
      return `${pad}${format(v, depth + 1, pad.length + comma, lineWidth)}`;
    });
    return `[\n${items.join(',\n')}\n${close}]`;
  }
  const entries = Object.entries(json);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, v], i) => {
    const head = `${pad}${JSON.stringify(key)}: `;
    const comma = i < entries.length - 1 ? 1 : 0;
    return `${head}${format(v, depth + 1, head.length + comma, lineWidth)}`;
  });
  return `{\n${lines.join(',\n')}\n${close}}`;
}
