/** A titled group of columns (one policy: bid, ask, ...). */
export interface ColumnGroup {
  title: string;
  columns: readonly string[];
}

/** A plain-text table: a leading row label column, then groups; cells are preformatted. */
export interface TextTable {
  rowLabel: string;
  groups: readonly ColumnGroup[];
  /** One row per line: `[label, ...cells]`, cells in group order. */
  rows: readonly (readonly string[])[];
}

const SEP = ' | ';

/**
 * Right-aligned columns, a group title line above the column names, `|` between groups.
 * `color` adds bold titles (ANSI); pass false when stdout is not a TTY.
 */
export function formatTextTable(table: TextTable, color: boolean): string {
  const { rowLabel, groups, rows } = table;
  const bold = (s: string) => (color ? `\u001b[1m${s}\u001b[0m` : s);
  const labelWidth = Math.max(rowLabel.length, ...rows.map((r) => (r[0] ?? '').length));
  // Column widths from names and cells; a group is at least as wide as its title.
  const widths: number[][] = [];
  let col = 1;
  for (const g of groups) {
    const w = g.columns.map((name, j) =>
      Math.max(name.length, ...rows.map((r) => (r[col + j] ?? '').length)),
    );
    const inner = w.reduce((a, b) => a + b, 0) + (w.length - 1);
    if (g.title.length > inner) w[w.length - 1]! += g.title.length - inner;
    widths.push(w);
    col += g.columns.length;
  }
  const groupWidth = (w: number[]) => w.reduce((a, b) => a + b, 0) + (w.length - 1);
  const titleLine = [
    ' '.repeat(labelWidth),
    ...groups.map((g, i) => bold(g.title) + ' '.repeat(groupWidth(widths[i]!) - g.title.length)),
  ].join(SEP);
  const nameLine = [
    rowLabel.padStart(labelWidth),
    ...groups.map((g, i) => g.columns.map((c, j) => c.padStart(widths[i]![j]!)).join(' ')),
  ].join(SEP);
  const rule = ['-'.repeat(labelWidth), ...widths.map((w) => '-'.repeat(groupWidth(w)))].join(
    '-+-',
  );
  const body = rows.map((r) => {
    let c = 1;
    const cells = groups.map((g, i) => {
      const out = g.columns.map((_, j) => (r[c + j] ?? '').padStart(widths[i]![j]!)).join(' ');
      c += g.columns.length;
      return out;
    });
    return [(r[0] ?? '').padStart(labelWidth), ...cells].join(SEP);
  });
  return [titleLine, nameLine, rule, ...body].map((l) => l.trimEnd()).join('\n');
}
