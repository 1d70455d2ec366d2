/**
 * Reading PromQL out of Grafana dashboard JSON: every panel target's `expr` (rows included), the
 * template variables' `label_values(...)` queries, variable substitution, and the metric names an
 * expression reads.
 */

/** One PromQL expression of a dashboard, and where it is. */
export interface DashboardExpression {
  dashboardUid: string;
  /** `panel <id> '<title>' <refId>` or `variable <name>`. */
  source: string;
  expr: string;
}

/** Values of template variables by name (without `$`), Grafana's built-ins included. */
export type VariableValues = Readonly<Record<string, string>>;

/** Grafana's interval variables, all set to `rateInterval` (a PromQL duration such as `30s`). */
export function builtinVariables(rateInterval: string): VariableValues {
  return { __rate_interval: rateInterval, __interval: rateInterval, __range: rateInterval };
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(
  o: JsonObject,
  key: string,
  where: string,
  check: (v: unknown) => v is T,
  what: string,
): T {
  const v = o[key];
  if (!check(v)) throw new TypeError(`${where}.${key}: expected ${what}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/** Every panel of a dashboard, panels nested in (collapsed) rows included. */
export function dashboardPanels(dashboard: unknown): JsonObject[] {
  if (!isObject(dashboard)) throw new TypeError('dashboard: expected an object');
  const out: JsonObject[] = [];
  const walk = (panels: unknown[], where: string) => {
    panels.forEach((p, i) => {
      if (!isObject(p)) throw new TypeError(`${where}[${i}]: expected an object`);
      out.push(p);
      if (isArray(p.panels)) walk(p.panels, `${where}[${i}].panels`);
    });
  };
  walk(field(dashboard, 'panels', 'dashboard', isArray, 'an array'), 'dashboard.panels');
  return out;
}

/** The raw `expr` of every panel target, in panel order (variables not substituted). */
export function panelExpressions(dashboard: unknown): DashboardExpression[] {
  const uid = dashboardUid(dashboard);
  const out: DashboardExpression[] = [];
  for (const panel of dashboardPanels(dashboard)) {
    const targets = panel.targets;
    if (targets === undefined) continue;
    const where = `panel ${String(panel.id)} '${String(panel.title)}'`;
    if (!isArray(targets)) throw new TypeError(`${where}: targets: expected an array`);
    targets.forEach((t, i) => {
      if (!isObject(t)) throw new TypeError(`${where}: targets[${i}]: expected an object`);
      const expr = field(t, 'expr', `${where}.targets[${i}]`, isString, 'a PromQL string');
      out.push({ dashboardUid: uid, source: `${where} ${String(t.refId ?? i)}`, expr });
    });
  }
  return out;
}

/** A template variable's query, `label_values(metric, label)`. */
export interface LabelValuesVariable {
  name: string;
  metric: string;
  label: string;
}

const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/;

/** The dashboard's template variables; each must be a `label_values(...)` query. */
export function labelValuesVariables(dashboard: unknown): LabelValuesVariable[] {
  if (!isObject(dashboard)) throw new TypeError('dashboard: expected an object');
  const templating = dashboard.templating;
  if (templating === undefined) return [];
  if (!isObject(templating) || !isArray(templating.list))
    throw new TypeError('dashboard.templating.list: expected an array');
  return templating.list.map((v, i) => {
    const where = `dashboard.templating.list[${i}]`;
    if (!isObject(v)) throw new TypeError(`${where}: expected an object`);
    const name = field(v, 'name', where, isString, 'a string');
    const query = field(v, 'query', where, isString, 'a label_values(metric, label) string');
    const m = LABEL_VALUES.exec(query);
    if (!m)
      throw new TypeError(`${where}.query: expected label_values(metric, label), got ${query}`);
    return { name, metric: m[1]!, label: m[2]! };
  });
}

/** Replace `$name`, `${name}`, `${name:format}` and `[[name]]`; an unknown variable throws. */
export function substituteVariables(expr: string, values: VariableValues): string {
  return expr.replace(
    /\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]|\$(\w+)/g,
    (whole, a?: string, b?: string, c?: string) => {
      const name = a ?? b ?? c ?? '';
      const value = values[name];
      if (value === undefined) throw new RangeError(`unknown variable ${whole} in: ${expr}`);
      return value;
    },
  );
}

/**
 * Every PromQL expression of a dashboard with its variables substituted: each panel target, and
 * each template variable's `label_values(metric, label)` as `group by (label) (metric)` (it lists
 * values exactly when that returns series).
 */
export function dashboardExpressions(
  dashboard: unknown,
  values: VariableValues,
): DashboardExpression[] {
  const uid = dashboardUid(dashboard);
  const variables = labelValuesVariables(dashboard).map((v) => ({
    dashboardUid: uid,
    source: `variable ${v.name}`,
    expr: substituteVariables(`group by (${v.label}) (${v.metric})`, values),
  }));
  const panels = panelExpressions(dashboard).map((q) => ({
    ...q,
    expr: substituteVariables(q.expr, values),
  }));
  return [...variables, ...panels];
}

function dashboardUid(dashboard: unknown): string {
  if (!isObject(dashboard)) throw new TypeError('dashboard: expected an object');
  return field(dashboard, 'uid', 'dashboard', isString, 'a string');
}

/** PromQL functions and aggregation operators (Prometheus 2.x), all called with parentheses. */
export const PROMQL_FUNCTIONS: ReadonlySet<string> = new Set([
  // aggregation operators
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  // functions
  'abs',
  'absent',
  'absent_over_time',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'avg_over_time',
  'ceil',
  'changes',
  'clamp',
  'clamp_max',
  'clamp_min',
  'cos',
  'cosh',
  'count_over_time',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'deg',
  'delta',
  'deriv',
  'exp',
  'floor',
  'histogram_count',
  'histogram_fraction',
  'histogram_quantile',
  'histogram_stddev',
  'histogram_stdvar',
  'histogram_sum',
  'holt_winters',
  'hour',
  'idelta',
  'increase',
  'irate',
  'label_join',
  'label_replace',
  'last_over_time',
  'ln',
  'log10',
  'log2',
  'max_over_time',
  'min_over_time',
  'minute',
  'month',
  'pi',
  'predict_linear',
  'present_over_time',
  'quantile_over_time',
  'rad',
  'rate',
  'resets',
  'round',
  'scalar',
  'sgn',
  'sin',
  'sinh',
  'sort',
  'sort_desc',
  'sqrt',
  'stddev_over_time',
  'stdvar_over_time',
  'sum_over_time',
  'tan',
  'tanh',
  'time',
  'timestamp',
  'vector',
  'year',
]);

/** Keywords that are not metric names (binary operators, modifiers, special values). */
const KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names an expression reads (sorted, distinct). Throws on a call of an unknown
 * function. Label matchers, grouping clauses, strings, durations and numbers are skipped.
 */
export function metricNames(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery windows
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // groupings
  s = s.replace(/\b(?:group_left|group_right)\b/g, ' ');
  // numbers (1, 0.99, 2e-4, .5, 0x1f) and durations after `offset` (5m, 1h30m)
  s = s.replace(
    /(?<![A-Za-z0-9_:.])(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:ms|[smhdwy])*/g,
    ' ',
  );
  const names = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const after = s.slice((m.index ?? 0) + word.length);
    if (/^\s*\(/.test(after)) {
      if (!PROMQL_FUNCTIONS.has(word))
        throw new RangeError(`unknown PromQL function ${word} in: ${expr}`);
      continue;
    }
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}
