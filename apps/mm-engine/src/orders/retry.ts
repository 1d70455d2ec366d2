import { VenueError, type VenueErrorKind } from '../venues/Venue.js';

/** Error kinds worth another attempt: the call may succeed later. */
export function isRetryable(kind: VenueErrorKind): boolean {
  return kind === 'transient' || kind === 'rateLimited';
}

/**
 * The kind of any error a venue call threw. Anything that is not a `VenueError` (a bug, a raw
 * network error) counts as `transient`: the order's fate is unknown, so it is looked up and retried.
 */
export function errorKind(error: unknown): VenueErrorKind {
  return error instanceof VenueError ? error.kind : 'transient';
}

/** The error's message, for events and logs. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Wait before attempt `attempt + 1` after attempt `attempt` (1-based) failed, milliseconds:
 * `baseMs * 2^(attempt - 1)`, and never less than the venue's `retryAfterMs`.
 */
export function backoffMs(attempt: number, baseMs: number, retryAfterMs?: number): number {
  const exp = baseMs * 2 ** Math.max(0, attempt - 1);
  return retryAfterMs !== undefined && retryAfterMs > exp ? retryAfterMs : exp;
}

/**
 * True when a `rejected` answer says the client order id is already taken: the order was placed
 * by an earlier attempt. Matches the word "duplicate" in the message (adapters should keep it).
 */
export function isDuplicateIdRejection(error: unknown): boolean {
  return errorKind(error) === 'rejected' && /duplicate/i.test(errorMessage(error));
}
