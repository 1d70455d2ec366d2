/** Codes of errors that cross Redis. */
export type BusErrorCode =
  | 'INVALID_JSON'
  | 'UNSUPPORTED_VERSION'
  | 'INVALID_MESSAGE'
  | 'TOO_LARGE'
  /** A message that must be signed carried no signature (or the reader has no key). */
  | 'UNSIGNED'
  /** A signature that does not match the reader's bus key. */
  | 'BAD_SIGNATURE';

/**
 * A serializable error value (plain object, safe to put on Redis): `path` names the offending
 * field (`payload.assets.0.sigma`), empty for the whole message.
 */
export interface BusError {
  readonly name: 'ContractError';
  readonly code: BusErrorCode;
  readonly path: string;
  readonly message: string;
}

export function busError(code: BusErrorCode, path: string, detail: string): BusError {
  return {
    name: 'ContractError',
    code,
    path,
    message: path === '' ? detail : `${path}: ${detail}`,
  };
}
