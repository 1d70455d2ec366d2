import { ConfigFileError, readConfigFile } from '../readConfigFile.js';
import { type EngineConfig, EngineConfigError, parseEngineConfig } from './engineConfigSchema.js';

/**
 * Read and validate an engine config file (`.yaml`/`.yml` or `.json`). Every failure is an
 * `EngineConfigError` whose message names the file, or the field path within it.
 */
export async function loadEngineConfig(path: string): Promise<EngineConfig> {
  let raw: unknown;
  try {
    raw = await readConfigFile(path);
  } catch (e) {
    if (e instanceof ConfigFileError) throw new EngineConfigError([{ path, message: e.reason }]);
    throw e;
  }
  return parseEngineConfig(raw);
}
