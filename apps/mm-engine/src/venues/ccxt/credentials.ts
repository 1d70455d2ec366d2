import { readFile as readFileFromDisk } from 'node:fs/promises';
import type { CcxtVenueConfig } from '@mm/config';
import { VenueError } from '../Venue.js';

/** The ccxt instance fields a credential may set (`exchange[field] = value`). */
export const CCXT_CREDENTIAL_FIELDS = [
  'apiKey',
  'secret',
  'uid',
  'login',
  'password',
  'twofa',
  'privateKey',
  'walletAddress',
  'token',
  'accountId',
] as const;

export type CcxtCredentialField = (typeof CCXT_CREDENTIAL_FIELDS)[number];

/** Credentials of one venue; values are never logged nor put in error messages. */
export interface LoadedCredentials {
  /** ccxt field -> value. */
  readonly fields: Readonly<Partial<Record<CcxtCredentialField, string>>>;
  /** Every value, for `redactSecrets`. */
  readonly secrets: readonly string[];
}

/** Where credentials come from (injectable for tests). */
export interface CredentialSources {
  /** Environment (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Reads a UTF-8 file (default `fs.promises.readFile`). */
  readFile?: (path: string) => Promise<string>;
}

const NO_CREDENTIALS: LoadedCredentials = { fields: {}, secrets: [] };

function isCredentialField(field: string): field is CcxtCredentialField {
  return (CCXT_CREDENTIAL_FIELDS as readonly string[]).includes(field);
}

/**
 * Load the credentials named by `config.credentials`: `env` maps a ccxt field to an environment
 * variable name, `file` names a JSON object `{ "<ccxt field>": "<value>" }`; both may be given (the
 * environment wins). Live mode requires credentials. Errors are `VenueError('fatal')` naming the
 * variable, file or field, never a value.
 */
export async function loadCredentials(
  config: Pick<CcxtVenueConfig, 'name' | 'mode' | 'credentials'>,
  sources: CredentialSources = {},
): Promise<LoadedCredentials> {
  const fail = (message: string): never => {
    throw new VenueError('fatal', config.name, message);
  };
  const spec = config.credentials;
  if (spec?.env === undefined && spec?.file === undefined) {
    if (config.mode === 'live')
      fail('live mode needs credentials (credentials.env or credentials.file)');
    return NO_CREDENTIALS;
  }
  const fields: Partial<Record<CcxtCredentialField, string>> = {};
  if (spec.file !== undefined) {
    Object.assign(fields, await fromFile(spec.file, sources.readFile ?? defaultReadFile, fail));
  }
  const env = sources.env ?? process.env;
  for (const [field, variable] of Object.entries(spec.env ?? {})) {
    if (!isCredentialField(field)) {
      fail(`credentials.env: unknown ccxt credential field '${field}'`);
      continue;
    }
    const value = env[variable];
    if (value === undefined || value.trim() === '') {
      fail(`credentials.env.${field}: environment variable ${variable} is not set`);
      continue;
    }
    fields[field] = value.trim();
  }
  if (Object.keys(fields).length === 0 && config.mode === 'live') {
    fail('live mode needs credentials: none were found');
  }
  return { fields, secrets: Object.values(fields) };
}

async function defaultReadFile(path: string): Promise<string> {
  return readFileFromDisk(path, 'utf8');
}

async function fromFile(
  path: string,
  readFile: (path: string) => Promise<string>,
  fail: (message: string) => never,
): Promise<Partial<Record<CcxtCredentialField, string>>> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return fail(
      `credentials file ${path} cannot be read${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input: never pass them on.
    return fail(`credentials file ${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fail(`credentials file ${path}: expected a JSON object of strings`);
  }
  const fields: Partial<Record<CcxtCredentialField, string>> = {};
  for (const [field, value] of Object.entries(parsed)) {
    if (!isCredentialField(field)) {
      return fail(`credentials file ${path}: unknown ccxt credential field '${field}'`);
    }
    if (typeof value !== 'string' || value.trim() === '') {
      return fail(`credentials file ${path}: field '${field}' must be a non-empty string`);
    }
    fields[field] = value.trim();
  }
  return fields;
}

const REDACTED = '[redacted]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Remove secrets from text bound for a log line or an error message: every given credential
 * value (case-insensitive, with and without a `0x` prefix), 64-hex-digit keys, long key-like
 * tokens (40+ characters of letters, digits, `+/_=-`) and `key=value` pairs of secret-sounding keys.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    const variants = new Set([secret]);
    if (/^0x[0-9a-fA-F]+$/.test(secret)) variants.add(secret.slice(2));
    for (const v of variants) {
      if (v.length < 4) continue;
      out = out.replace(new RegExp(escapeRegExp(v), 'gi'), REDACTED);
    }
  }
  return out
    .replace(
      /(api[-_]?key|secret|signature|password|passphrase|token|private[-_]?key)=([^&\s"',]+)/gi,
      `$1=${REDACTED}`,
    )
    .replace(/(0x)?[0-9a-fA-F]{64}/g, REDACTED)
    .replace(/[A-Za-z0-9+/_=-]{40,}/g, REDACTED);
}
