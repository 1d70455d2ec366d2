// Public surface of @mm/infra: the dashboards (Grafana foundation SDK), their generator, and the
// PromQL helpers the tests use to run every dashboard query against a real Prometheus.

export {
  builtinVariables,
  type DashboardExpression,
  dashboardExpressions,
  dashboardPanels,
  type LabelValuesVariable,
  labelValuesVariables,
  metricNames,
  PROMQL_FUNCTIONS,
  panelExpressions,
  substituteVariables,
  type VariableValues,
} from './dashboardQueries.js';
export { ENGINE_JOB, OPTIMIZER_JOB, PROMETHEUS } from './dashboards/common.js';
export {
  assetQuoting,
  DASHBOARDS,
  type DashboardDefinition,
  engineHealth,
  optimizer,
  portfolioOverview,
} from './dashboards/index.js';
export { formatJson } from './formatJson.js';
export { DASHBOARDS_DIR, renderDashboards, writeDashboards } from './generateDashboards.js';
