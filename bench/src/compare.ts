import { readFileSync } from 'node:fs';
import { formatNs } from './format.js';
import type { CaseResult } from './harness.js';

/** A previous `--json` output's medians by case id; throws naming the file on bad content. */
export function readBaseline(path: string): Map<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`--compare ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const results = (parsed as { results?: unknown }).results;
  if (!Array.isArray(results))
    throw new Error(`--compare ${path}: no "results" array (a --json output?)`);
  const medians = new Map<string, number>();
  for (const [i, r] of results.entries()) {
    const { id, medianNs } = (r ?? {}) as { id?: unknown; medianNs?: unknown };
    if (typeof id !== 'string' || typeof medianNs !== 'number')
      throw new Error(`--compare ${path}: results[${i}] has no string "id" and number "medianNs"`);
    medians.set(id, medianNs);
  }
  return medians;
}

/** One line per case present in both runs: `id  old -> new  ratio x` (ratio = new / old median). */
export function compareLines(results: CaseResult[], baseline: Map<string, number>): string[] {
  const lines: string[] = [];
  const width = Math.max(0, ...results.map((r) => r.id.length));
  for (const r of results) {
    const old = baseline.get(r.id);
    if (old === undefined) continue;
    const ratio = r.medianNs / old;
    lines.push(
      `${r.id.padEnd(width)}  ${formatNs(old).padStart(8)} -> ${formatNs(r.medianNs).padStart(8)}  ${ratio.toFixed(2)}x`,
    );
  }
  const missing = results.filter((r) => !baseline.has(r.id)).length;
  if (missing > 0) lines.push(`(${missing} case(s) not in the baseline)`);
  return lines;
}
