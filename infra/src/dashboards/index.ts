import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { assetQuoting } from './assetQuoting.js';
import { engineHealth } from './engineHealth.js';
import { optimizer } from './optimizer.js';
import { portfolioOverview } from './portfolioOverview.js';

/** A provisioned dashboard: its file name under `grafana/dashboards/` and how it is built. */
export interface DashboardDefinition {
  file: string;
  build: () => Dashboard;
}

/** Every dashboard Grafana provisions, in file-name order. */
export const DASHBOARDS: readonly DashboardDefinition[] = [
  { file: 'asset-quoting.json', build: assetQuoting },
  { file: 'engine-health.json', build: engineHealth },
  { file: 'optimizer.json', build: optimizer },
  { file: 'portfolio-overview.json', build: portfolioOverview },
];

export { assetQuoting, engineHealth, optimizer, portfolioOverview };
