/**
 * A field path as written in YAML/JSON terms: `assets[1].model.A`, `corr[0][2]`; with a `root`,
 * prefixed by it (`config.assets[1].model.A`). The one path formatter of every error message.
 */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = ''): string {
  let out = root;
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out;
}

/** Render a config issue path as `config.assets[0].lotSizeBase`. */
export function formatConfigPath(path: ReadonlyArray<PropertyKey>): string {
  return formatPath(path, 'config');
}
