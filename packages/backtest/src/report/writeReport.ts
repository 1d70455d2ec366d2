import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ReportData } from './ReportData.js';
import { renderReport } from './renderReport.js';

/**
 * Render `data` with {@link renderReport} and write it to `path` (UTF-8), creating missing
 * directories. The package's only I/O. Resolves to the path written.
 */
export async function writeReport(path: string, data: ReportData): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, renderReport(data), 'utf8');
  return path;
}
