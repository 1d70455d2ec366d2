import type { QuoteSide } from '../model/quote.js';

/**
 * What happened to an order call:
 * - `sent`: a call went to the venue (every attempt);
 * - `acked`: the venue holds the order (placed or amended; also found by a lookup after a retry);
 * - `rejected`: the venue refused it (no retry; the side stays empty until the next action), or
 *   the action was invalid before sending;
 * - `retry`: a transient failure, another attempt follows after a backoff;
 * - `rateLimited`: the venue answered "too many requests"; another attempt follows after
 *   `retryAfterMs` (local throttling by the token bucket is counted in `stats().throttled` only);
 * - `failed`: attempts exhausted, or a fatal error; the order's state is left as last known;
 * - `canceled`: the order (or every order, `op: 'cancelAll'`) is no longer on the venue.
 */
export type OrderEventKind =
  | 'sent'
  | 'acked'
  | 'rejected'
  | 'retry'
  | 'failed'
  | 'rateLimited'
  | 'canceled';

/** The venue call an event belongs to. */
/** `take`: an immediate-or-cancel taker order (a hedge, or a quote sent across the book). */
export type OrderOp = 'place' | 'edit' | 'cancel' | 'cancelAll' | 'reconcile' | 'take';

/** One order manager event; the manager serves one venue, so the venue is the listener's to add. */
export interface OrderEvent {
  kind: OrderEventKind;
  op: OrderOp;
  /** The asset, or `null` for a `cancelAll` / `reconcile` over every asset. */
  asset: string | null;
  /** The quote side, or `null` for `cancelAll` and `reconcile`. */
  side: QuoteSide | null;
  /** The order's client order id (the new one for an edit), or `null` for `cancelAll`. */
  clientOrderId: string | null;
  /** 1-based attempt of the venue call (0 when nothing was sent). */
  attempt: number;
  /** The venue's error message (or a short reason), `null` on success. */
  message: string | null;
  /** Scheduler time of the event, milliseconds. */
  tMs: number;
}
