import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BigValueColorMode,
  BigValueGraphMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  type ThresholdsConfigBuilder,
  type ValueMapping,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanelBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanelBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { unitOfExpressions } from './units.js';

/** The provisioned Prometheus datasource (`grafana/provisioning/datasources/prometheus.yml`). */
export const PROMETHEUS = { type: 'prometheus', uid: 'prometheus' } as const;

/** Scrape jobs of `prometheus/prometheus.yml`. */
export const ENGINE_JOB = 'mm-engine';
export const OPTIMIZER_JOB = 'mm-optimizer';

/** Grafana's rate window: at least four scrape intervals, so `rate` always has two samples. */
export const RATE = '$__rate_interval';

/** One PromQL query of a panel. */
export interface Query {
  expr: string;
  /** Series name in the legend, e.g. `{{asset}} {{venue}}`. */
  legend?: string;
  /** Evaluate at the end of the range only (stats, tables). */
  instant?: boolean;
  /** `table` for table panels (one column per label). */
  format?: 'table';
}

/** Width of the dashboard grid. */
export const GRID_WIDTH = 24;

/** Panel geometry in grid units (24 columns wide). */
export interface Size {
  w: number;
  h: number;
}

interface PanelOptions extends Size {
  title: string;
  description: string;
  unit?: string;
  queries: Query[];
  decimals?: number;
}

function targets(queries: Query[]): cog.Builder<cog.Dataquery>[] {
  return queries.map((q, i) => {
    const target = new DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(String.fromCharCode(65 + i))
      .expr(q.expr);
    if (q.legend !== undefined) target.legendFormat(q.legend);
    if (q.instant) target.instant();
    else target.range();
    if (q.format === 'table') target.format(PromQueryFormat.Table);
    return target;
  });
}

/** A time series panel with a legend listing every series. */
export function timeseries(
  o: PanelOptions & { min?: number; stacked?: boolean },
): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(PROMETHEUS)
    .targets(targets(o.queries))
    .span(o.w)
    .height(o.h)
    .lineWidth(1)
    .fillOpacity(10)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.None));
  const unit =
    o.unit ??
    unitOfExpressions(
      o.queries.map((q) => q.expr),
      `panel '${o.title}'`,
    );
  if (unit !== undefined) panel.unit(unit);
  if (o.decimals !== undefined) panel.decimals(o.decimals);
  if (o.min !== undefined) panel.min(o.min);
  return panel;
}

/** A single-value panel showing the last value of each series. */
export function stat(
  o: PanelOptions & { mappings?: ValueMapping[]; thresholds?: ThresholdsConfigBuilder },
): StatPanelBuilder {
  const panel = new StatPanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(PROMETHEUS)
    .targets(targets(o.queries.map((q) => ({ ...q, instant: q.instant ?? true }))))
    .span(o.w)
    .height(o.h)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Value);
  const unit =
    o.unit ??
    unitOfExpressions(
      o.queries.map((q) => q.expr),
      `panel '${o.title}'`,
    );
  if (unit !== undefined) panel.unit(unit);
  if (o.decimals !== undefined) panel.decimals(o.decimals);
  if (o.mappings !== undefined) panel.mappings(o.mappings);
  if (o.thresholds !== undefined) panel.thresholds(o.thresholds);
  return panel;
}

/**
 * A table of instant queries joined on their labels (Grafana's `merge` transformation): one row
 * per label set, one value column per query, renamed to the given column titles.
 */
export function table(o: PanelOptions & { columns: string[] }): TablePanelBuilder {
  if (o.columns.length !== o.queries.length)
    throw new RangeError(`table '${o.title}': one column title per query`);
  const renameByName: Record<string, string> = {};
  o.queries.forEach((_, i) => {
    renameByName[`Value #${String.fromCharCode(65 + i)}`] = o.columns[i]!;
  });
  const panel = new TablePanelBuilder()
    .title(o.title)
    .description(o.description)
    .datasource(PROMETHEUS)
    .targets(targets(o.queries.map((q) => ({ ...q, instant: true, format: 'table' }))))
    .span(o.w)
    .height(o.h)
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: { excludeByName: { Time: true }, renameByName },
    });
  if (o.unit !== undefined) panel.unit(o.unit);
  if (o.decimals !== undefined) panel.decimals(o.decimals);
  // Each column in the unit of its own query's metrics.
  o.queries.forEach((q, i) => {
    const unit = unitOfExpressions([q.expr], `panel '${o.title}' column '${o.columns[i]}'`);
    if (unit !== undefined) panel.overrideByName(o.columns[i]!, [{ id: 'unit', value: unit }]);
  });
  return panel;
}

/** A dashboard variable listing the values of `label` on `metric` (Prometheus `label_values`). */
export function labelVariable(o: {
  name: string;
  label: string;
  metric: string;
  /** Several values and an "All" entry (`.*`); otherwise exactly one value. */
  multi: boolean;
}): QueryVariableBuilder {
  const query = `label_values(${o.metric}, ${o.name})`;
  const variable = new QueryVariableBuilder(o.name)
    .label(o.label)
    .datasource(PROMETHEUS)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(o.multi)
    .includeAll(o.multi);
  if (o.multi) variable.allValue('.*').current({ selected: true, text: 'All', value: '$__all' });
  return variable;
}

/** One section of a dashboard: a row header and its panels, laid out left to right. */
export interface Section {
  title: string;
  panels: Array<cog.Builder<Panel> & { id(id: number): unknown }>;
}

/**
 * Assemble a dashboard: rows and panels with ids in order, laid out by the builder (panels wrap
 * at 24 columns, so each row's widths must add up to whole lines of 24).
 */
export function dashboard(o: {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables: QueryVariableBuilder[];
  sections: Section[];
}): Dashboard {
  const builder = new DashboardBuilder(o.title)
    .uid(o.uid)
    .description(o.description)
    .tags(['mm', ...o.tags])
    .time({ from: 'now-1h', to: 'now' })
    .refresh('10s')
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .variables(o.variables);
  let id = 1;
  for (const section of o.sections) {
    builder.withRow(new RowBuilder(section.title).id(id++));
    for (const panel of section.panels) {
      panel.id(id++);
      builder.withPanel(panel);
    }
  }
  return builder.build();
}
