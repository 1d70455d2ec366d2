import {
  AuthenticationError,
  BadRequest,
  BadResponse,
  BadSymbol,
  BaseError,
  DDoSProtection,
  DuplicateOrderId,
  ExchangeClosedByUser,
  ExchangeError,
  ExchangeNotAvailable,
  InsufficientFunds,
  InvalidNonce,
  InvalidOrder,
  InvalidProxySettings,
  NetworkError,
  NotSupported,
  OperationRejected,
  OrderImmediatelyFillable,
  OrderNotFillable,
  OrderNotFound,
  PermissionDenied,
  RateLimitExceeded,
  RequestTimeout,
} from 'ccxt';
import { VenueError, type VenueErrorKind } from '../Venue.js';
import { redactSecrets } from './credentials.js';

/** Longest message kept, characters (ccxt messages can carry whole response bodies). */
const MAX_MESSAGE_CHARS = 500;

/** Venue messages ccxt leaves as a plain `ExchangeError` but whose meaning is known. */
const MESSAGE_KINDS: ReadonlyArray<readonly [RegExp, VenueErrorKind]> = [
  // Hyperliquid `modify`/`batchModify` of an order that is gone.
  [/Cannot modify canceled or filled order/i, 'notFound'],
];

export interface ClassifyOptions {
  /** Credential values to strip from the message. */
  secrets?: readonly string[];
  /** Retry delay the venue asked for (e.g. from `Retry-After`), milliseconds. */
  retryAfterMs?: number;
}

/**
 * The `VenueError` kind of a ccxt error (most specific class first, since ccxt's classes nest:
 * `OrderNotFound` is an `InvalidOrder`, `RateLimitExceeded` a `NetworkError`):
 * - `notFound`: `OrderNotFound`;
 * - `rejected`: `InvalidOrder` (post-only would cross, bad size/price), `InsufficientFunds`,
 *   `BadRequest`, `OperationRejected`, `DuplicateOrderId`, and any other `ExchangeError`;
 * - `rateLimited`: `RateLimitExceeded`, `DDoSProtection`, HTTP 429;
 * - `transient`: `NetworkError`, `RequestTimeout`, `ExchangeNotAvailable`, `InvalidNonce`,
 *   `BadResponse`, HTTP 5xx, and errors ccxt did not classify;
 * - `fatal`: `AuthenticationError`, `PermissionDenied`, `BadSymbol`, `NotSupported`,
 *   `InvalidProxySettings`, `ExchangeClosedByUser`.
 */
export function errorKind(error: unknown): VenueErrorKind {
  if (error instanceof VenueError) return error.kind;
  if (error instanceof BaseError) {
    for (const [pattern, kind] of MESSAGE_KINDS) if (pattern.test(error.message)) return kind;
    if (error instanceof OrderNotFound) return 'notFound';
    if (
      error instanceof AuthenticationError ||
      error instanceof PermissionDenied ||
      error instanceof BadSymbol ||
      error instanceof NotSupported ||
      error instanceof InvalidProxySettings ||
      error instanceof ExchangeClosedByUser
    ) {
      return 'fatal';
    }
    if (error instanceof RateLimitExceeded || error instanceof DDoSProtection) return 'rateLimited';
    if (
      error instanceof OrderImmediatelyFillable ||
      error instanceof OrderNotFillable ||
      error instanceof DuplicateOrderId ||
      error instanceof InvalidOrder ||
      error instanceof InsufficientFunds ||
      error instanceof BadRequest ||
      error instanceof OperationRejected
    ) {
      return 'rejected';
    }
    if (
      error instanceof RequestTimeout ||
      error instanceof ExchangeNotAvailable ||
      error instanceof InvalidNonce ||
      error instanceof NetworkError ||
      error instanceof BadResponse
    ) {
      // ccxt maps 429 to RateLimitExceeded already; keep a status found in the text authoritative.
      return statusKind(error.message) ?? 'transient';
    }
    if (error instanceof ExchangeError) return statusKind(error.message) ?? 'rejected';
    return statusKind(error.message) ?? 'transient';
  }
  const message = error instanceof Error ? error.message : String(error);
  return statusKind(message) ?? 'transient';
}

/** HTTP status in a ccxt message (`hyperliquid POST http://host/info 429 Too Many Requests ...`). */
function statusKind(message: string): VenueErrorKind | undefined {
  const match =
    /https?:\/\/\S+\s(\d{3})(\s|$)/.exec(message) ?? /\bHTTP\s?(\d{3})\b/i.exec(message);
  const status = match?.[1] === undefined ? undefined : Number(match[1]);
  if (status === 429) return 'rateLimited';
  if (status !== undefined && status >= 500 && status <= 599) return 'transient';
  return undefined;
}

/**
 * Wrap any error from ccxt (or the network) as a `VenueError` of `venue`. The message keeps the
 * ccxt class name and the redacted, truncated text; `retryAfterMs` is set for `rateLimited` only.
 */
export function classifyError(
  error: unknown,
  venue: string,
  options: ClassifyOptions = {},
): VenueError {
  if (error instanceof VenueError) return error;
  const kind = errorKind(error);
  const className = error instanceof Error ? error.constructor.name : 'Error';
  const raw = error instanceof Error ? error.message : String(error);
  let text = redactSecrets(raw, options.secrets ?? [])
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length > MAX_MESSAGE_CHARS) text = `${text.slice(0, MAX_MESSAGE_CHARS)}...`;
  const retryAfterMs =
    kind === 'rateLimited' &&
    options.retryAfterMs !== undefined &&
    Number.isFinite(options.retryAfterMs) &&
    options.retryAfterMs >= 0
      ? options.retryAfterMs
      : undefined;
  return new VenueError(kind, venue, `${className}: ${text}`, retryAfterMs);
}

/** `Retry-After` header value (seconds or an HTTP date) in milliseconds from `nowMs`. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}
