import { createEventWriter } from '../io/EventWriter.js';
import type { ImportSummary } from './ImportSummary.js';
import { type ImportOptions, importFiles } from './importFiles.js';

/**
 * `importFiles` into `output` (`.mmb` or L2 JSON lines by extension). The file appears only
 * when the whole import succeeded: on any error the temp file is removed and the error rethrown.
 */
export async function importToFile(options: ImportOptions, output: string): Promise<ImportSummary> {
  const writer = createEventWriter(output);
  try {
    const summary = await importFiles(options, (e) => writer.write(e));
    writer.commit();
    return { ...summary, output };
  } catch (err) {
    writer.abort();
    throw err;
  }
}
