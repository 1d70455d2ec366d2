import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DASHBOARDS } from './dashboards/index.js';
import { formatJson } from './formatJson.js';

/** `infra/grafana/dashboards/`, from `src/` (tests) or `dist/` (the `generate` script). */
export const DASHBOARDS_DIR = fileURLToPath(new URL('../grafana/dashboards/', import.meta.url));

/** Every dashboard as the JSON text committed under `grafana/dashboards/`, by file name. */
export function renderDashboards(): Map<string, string> {
  return new Map(DASHBOARDS.map((d) => [d.file, formatJson(d.build())]));
}

/**
 * Write every dashboard to `dir` and delete other `.json` files there (a renamed dashboard must not
 * stay provisioned under its old name). Returns the files written.
 */
export async function writeDashboards(dir: string = DASHBOARDS_DIR): Promise<string[]> {
  const rendered = renderDashboards();
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.endsWith('.json') && !rendered.has(name)) await rm(join(dir, name));
  }
  for (const [name, text] of rendered) await writeFile(join(dir, name), text);
  return [...rendered.keys()];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeDashboards().then(
    (files) => process.stdout.write(`wrote ${files.length} dashboards to ${DASHBOARDS_DIR}\n`),
    (e: unknown) => {
      process.stderr.write(`generate: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
