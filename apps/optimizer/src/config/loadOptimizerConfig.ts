import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
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
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new OptimizerConfigError([{ path, message: `cannot read config file (${code})` }]);
  }
  let raw: unknown;
  try {
    raw = ['.yaml', '.yml'].includes(extname(path).toLowerCase())
      ? parseYaml(text)
      : JSON.parse(text);
  } catch (e) {
    const message = (e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)).replace(
      /:\s*$/,
      '',
    );
    throw new OptimizerConfigError([{ path, message: `not valid YAML/JSON: ${message}` }]);
  }
  const config = parseOptimizerConfig(raw ?? {});
  if (config.engineConfig !== undefined && !isAbsolute(config.engineConfig)) {
    return { ...config, engineConfig: resolve(dirname(path), config.engineConfig) };
  }
  return config;
}
