import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type EngineConfig, EngineConfigError, parseEngineConfig } from './engineConfigSchema.js';

/**
 * Read and validate an engine config file (`.yaml`/`.yml` or `.json`). Every failure is an
 * `EngineConfigError` whose message names the file, or the field path within it.
 */
export async function loadEngineConfig(path: string): Promise<EngineConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new EngineConfigError([{ path: path, message: `cannot read config file (${code})` }]);
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
    throw new EngineConfigError([{ path, message: `not valid YAML/JSON: ${message}` }]);
  }
  return parseEngineConfig(raw);
}
