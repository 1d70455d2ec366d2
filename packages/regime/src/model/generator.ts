/**
 * A continuous-time Markov generator `G` over regimes, switches per second: `G[r][r']` (r != r')
 * is the rate of switching from regime r to r'; the diagonal makes each row sum to 0. The
 * transition matrix over `dt` seconds is `P(dt) = expm(G dt)`.
 */
export type GeneratorPerSec = readonly (readonly number[])[];

/** One problem with a generator, located by its path (e.g. `['generatorPerSec', 1, 0]`). */
export interface GeneratorIssue {
  path: (string | number)[];
  message: string;
}

/** Relative tolerance on the row sums (rounding in a hand-written or estimated generator). */
export const GENERATOR_ROW_SUM_TOLERANCE = 1e-9;

/**
 * Every problem with `g` as a generator of `size` regimes (`size` defaults to its row count):
 * square shape, finite entries, off-diagonals >= 0, rows summing to 0 within
 * `GENERATOR_ROW_SUM_TOLERANCE` of the row's total rate. Paths start with `field`.
 */
export function generatorIssues(
  g: GeneratorPerSec,
  field = 'generatorPerSec',
  size = g.length,
): GeneratorIssue[] {
  const issues: GeneratorIssue[] = [];
  if (g.length !== size || size < 1) {
    issues.push({
      path: [field],
      message: `must have ${size} rows (one per regime), got ${g.length}`,
    });
    return issues;
  }
  g.forEach((row, r) => {
    if (row.length !== size) {
      issues.push({ path: [field, r], message: `must have ${size} entries, got ${row.length}` });
      return;
    }
    let sum = 0;
    let total = 0;
    row.forEach((v, c) => {
      if (!Number.isFinite(v))
        issues.push({ path: [field, r, c], message: `must be finite, got ${v}` });
      else if (c !== r && v < 0)
        issues.push({ path: [field, r, c], message: `off-diagonal rate must be >= 0, got ${v}` });
      sum += v;
      total += Math.abs(v);
    });
    if (Number.isFinite(sum) && Math.abs(sum) > GENERATOR_ROW_SUM_TOLERANCE * total)
      issues.push({
        path: [field, r],
        message: `row must sum to 0 (rates per second), sums to ${sum}`,
      });
  });
  return issues;
}

/** `a.b[1][0]`-style rendering of an issue path. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Throws a RangeError naming the first offending entry, e.g. `generatorPerSec[1][0]`. */
export function validateGenerator(
  g: GeneratorPerSec,
  field = 'generatorPerSec',
  size = g.length,
): void {
  const issue = generatorIssues(g, field, size)[0];
  if (issue) throw new RangeError(`${formatPath(issue.path)}: ${issue.message}`);
}
