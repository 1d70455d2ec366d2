/**
 * A connection URL safe to print: the password (and a lone user-info token, which Redis takes as
 * the password) replaced by `***`. `redis://mm-engine:secret@host:6379/0` ->
 * `redis://mm-engine:***@host:6379/0`. Text that is not a URL is returned as `<invalid URL>`,
 * since it might hold a secret in an unknown place.
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid URL>';
  }
  if (parsed.password !== '') parsed.password = '***';
  else if (parsed.username !== '') parsed.username = '***';
  return parsed.toString();
}
