import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A config file that could not be read or parsed; `message` says why (with the line for YAML). */
export class ConfigFileError extends Error {
  override readonly name = 'ConfigFileError';
  readonly code = 'CONFIG_FILE_UNREADABLE';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Whether `path` names a YAML file (`.yaml`/`.yml`, any case); anything else is read as JSON. */
export function isYamlPath(path: string): boolean {
  return ['.yaml', '.yml'].includes(extname(path).toLowerCase());
}

/** Parse config text as YAML or JSON by the file name; throws `ConfigFileError` naming `path`. */
export function parseConfigText(path: string, text: string): unknown {
  try {
    return isYamlPath(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    const message = (e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)).replace(
      /:\s*$/,
      '',
    );
    throw new ConfigFileError(path, `not valid YAML/JSON: ${message}`);
  }
}

/**
 * Read a config file (`.yaml`/`.yml` or JSON) into plain data. Throws a `ConfigFileError`
 * (`cannot read config file (ENOENT)`, `not valid YAML/JSON: ...`) naming the file.
 */
export async function readConfigFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigFileError(path, `cannot read config file (${code})`);
  }
  return parseConfigText(path, text);
}
