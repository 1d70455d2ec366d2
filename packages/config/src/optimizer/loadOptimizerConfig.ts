import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigFileError, readConfigFile } from '../readConfigFile.js';
import {
  type OptimizerConfig,
  OptimizerConfigError,
  parseOptimizerConfig,
} from './optimizerConfigSchema.js';

/**
 * Read and validate an optimizer config file (`.yaml`/`.yml` or `.json`). A relative
 * `engineConfig` is resolved against the file's directory. Every failure is an
 * `OptimizerConfigError` whose message names the file, or the field path within it.
 */
export async function loadOptimizerConfig(path: string): Promise<OptimizerConfig> {
  let raw: unknown;
  try {
    raw = await readConfigFile(path);
  } catch (e) {
    if (e instanceof ConfigFileError) throw new OptimizerConfigError([{ path, message: e.reason }]);
    throw e;
  }
  const config = parseOptimizerConfig(raw ?? {});
  if (config.engineConfig !== undefined && !isAbsolute(config.engineConfig)) {
    return { ...config, engineConfig: resolve(dirname(path), config.engineConfig) };
  }
  return config;
}
