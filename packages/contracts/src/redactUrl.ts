/** `scheme://` + user info + `@...rest` of a URL string, or null when it has no user info. */
function splitUserInfo(url: string): { head: string; userInfo: string; tail: string } | null {
  const head = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  const rest = url.slice(head.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  return at < 0 ? null : { head, userInfo: authority.slice(0, at), tail: rest.slice(at) };
}

/**
 * `url` with its password replaced by `***`, safe to log or print:
 * `redis://app:s3cret@host:6379/0` -> `redis://app:***@host:6379/0`. User info without a colon
 * (`redis://token@host`, which some clients read as a password) becomes `***` as a whole.
 * Works on strings that are not valid URLs too; nothing else of the URL changes.
 */
export function redactUrl(url: string): string {
  const parts = splitUserInfo(url);
  if (parts === null) return url;
  const colon = parts.userInfo.indexOf(':');
  const kept = colon < 0 ? '***' : `${parts.userInfo.slice(0, colon)}:***`;
  return `${parts.head}${kept}${parts.tail}`;
}

/**
 * `text` with `url` redacted wherever it appears, and its password (raw or percent-decoded) too:
 * a client's error message may quote either.
 */
export function redactSecretsOf(text: string, url: string): string {
  const out = text.split(url).join(redactUrl(url));
  const parts = splitUserInfo(url);
  if (parts === null) return out;
  const { userInfo } = parts;
  const secret = userInfo.includes(':') ? userInfo.slice(userInfo.indexOf(':') + 1) : userInfo;
  let decoded = secret;
  try {
    decoded = decodeURIComponent(secret);
  } catch {
    // not percent-encoded
  }
  return [secret, decoded]
    .filter((s) => s.length > 0)
    .reduce((t, s) => t.split(s).join('***'), out);
}
