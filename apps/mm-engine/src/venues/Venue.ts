import type { Observable } from 'rxjs';
import type { BookEvent } from '../model/book.js';

/** Order side as venues name it (a bid quote is a `buy`). */
export type OrderSide = 'buy' | 'sell';

/** Instrument facts a venue publishes, read at connect time. */
export interface MarketInfo {
  /** The engine's asset name (config `assets[].symbol`). */
  asset: string;
  /** The venue's own symbol (e.g. `BTC/USDC:USDC`). */
  venueSymbol: string;
  /** Price increment, price units. */
  tickSize: number;
  /** Size increment, base units. */
  sizeStepBase: number;
  /** Smallest order size, base units (0 when the venue states none). */
  minSizeBase: number;
}

/** A new resting limit order. Sizes in base units, prices in price units. */
export interface OrderRequest {
  asset: string;
  /** Engine client order id; unique per venue within a session (the adapter may map it). */
  clientOrderId: string;
  side: OrderSide;
  price: number;
  sizeBase: number;
  /** Reject instead of taking liquidity (maker only). */
  postOnly: boolean;
  /**
   * `gtc` (default): what does not fill at once rests. `ioc` (immediate-or-cancel, a taker
   * order): fills at once against the book up to `price`, the rest is canceled; the answer is
   * `filled`, or `canceled` with the executed part in `filledBase` (possibly 0). Never post-only.
   */
  timeInForce?: TimeInForce;
}

/** How long an order may stay on the book: `gtc` rests, `ioc` takes what it can at once. */
export type TimeInForce = 'gtc' | 'ioc';

/**
 * Order status as the venue reports it. A partially filled order is `open` with
 * `0 < filledBase < sizeBase`.
 */
export type OrderStatus = 'open' | 'filled' | 'canceled' | 'rejected';

/** An order as the venue reports it. */
export interface VenueOrder {
  asset: string;
  /** Engine client order id (mapped back from the venue's id when the adapter knows it). */
  clientOrderId: string;
  /** The venue's order id (`''` when the venue never assigned one, as for some rejections). */
  venueOrderId: string;
  side: OrderSide;
  /** Limit price, price units. */
  price: number;
  /** Order size, base units. */
  sizeBase: number;
  /** Executed so far, base units. */
  filledBase: number;
  status: OrderStatus;
}

/** One public trade of the market (anyone's; our own executions appear here too). */
export interface MarketTrade {
  asset: string;
  venue: string;
  /** Execution price, price units. */
  price: number;
  /** Traded size, base units. */
  sizeBase: number;
  /** Side of the aggressor: `buy` lifted an ask, `sell` hit a bid. */
  takerSide: OrderSide;
  /** Venue execution time, epoch ms. */
  tsMs: number;
  /** The venue's trade id; unique per asset and venue (the adapter drops repeats). */
  tradeId: string;
}

/** One execution of our own order (or a taker order we sent). */
export interface VenueFill {
  /** Unique per venue; the ledger's idempotency key is `${venue}:${fillId}`. */
  fillId: string;
  venue: string;
  asset: string;
  /** The engine client order id of the order that filled, when known. */
  clientOrderId: string | null;
  side: OrderSide;
  price: number;
  sizeBase: number;
  role: 'maker' | 'taker';
  /** Fee paid, quote currency (negative for a rebate). */
  feeQuote: number;
  /** Venue execution time, epoch ms. */
  tsMs: number;
}

/** What a venue reports as our holdings: signed base position per asset. */
export interface VenuePositions {
  /** Signed position per asset, base units (missing = 0). */
  baseByAsset: Readonly<Record<string, number>>;
}

/**
 * Why a venue call failed:
 * - `transient`: network, timeout, 5xx: retry with backoff (the order may or may not exist);
 * - `rateLimited`: HTTP 429 or equivalent: retry after `retryAfterMs`;
 * - `rejected`: the venue refused the order (post-only would cross, bad size, margin): no retry;
 * - `notFound`: the order is not (or no longer) on the venue;
 * - `fatal`: authentication, configuration: stop using this venue.
 */
export type VenueErrorKind = 'transient' | 'rateLimited' | 'rejected' | 'notFound' | 'fatal';

/** The one error type venue adapters throw; never carries credentials. */
export class VenueError extends Error {
  override readonly name = 'VenueError';
  constructor(
    readonly kind: VenueErrorKind,
    readonly venue: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${venue}: ${message}`);
  }
}

/** What a venue can do beyond the basics. */
export interface VenueCapabilities {
  /** Amend an order's price and size in one call (the venue order id may change, as on Hyperliquid). */
  editOrder: boolean;
}

/**
 * A trading venue: market data in, orders out. Two implementations: `SimVenue` (seeded, the
 * default) and `CcxtVenue` (REST for orders and positions, ccxt.pro websockets for data).
 * Streams are hot (subscribe before `connect` to see everything), do not error once obtained
 * (the adapter retries and drops bad venue data; asking for an unlisted asset fails) and complete
 * on `close`; `books` stamps `tMs` with the engine clock at receipt.
 */
export interface Venue {
  readonly name: string;
  readonly capabilities: VenueCapabilities;
  /** Load markets and open streams; throws `VenueError` (`fatal` for bad config or keys). */
  connect(): Promise<void>;
  /** The instrument of `asset`; throws when the venue does not list it (after `connect`). */
  market(asset: string): MarketInfo;
  /** Book snapshots of `asset`. Errors on the stream are the adapter's to retry; it may complete. */
  books(asset: string): Observable<BookEvent>;
  /** Our own executions on this venue, every asset. */
  fills(): Observable<VenueFill>;
  /** Public trades of `asset` (our executions included), each trade once. */
  trades(asset: string): Observable<MarketTrade>;
  /**
   * Our orders' status changes on this venue, every asset, as the venue reports them: acknowledged
   * `open`, partially filled (`open`, `filledBase` grown), `filled`, `canceled` (an edit that
   * replaces an order reports the old client id `canceled`), `rejected`. Client ids are the
   * engine's. Executions are `fills()`' business: a venue may report partial fills only there.
   */
  orderUpdates(): Observable<VenueOrder>;
  /** Place a limit order; resolves once the venue acknowledged it. */
  placeOrder(request: OrderRequest): Promise<VenueOrder>;
  /** Amend price/size (only when `capabilities.editOrder`). */
  editOrder?(
    asset: string,
    clientOrderId: string,
    change: { newClientOrderId: string; price: number; sizeBase: number },
  ): Promise<VenueOrder>;
  /** Cancel one order; `notFound` when it is already gone. */
  cancelOrder(asset: string, clientOrderId: string): Promise<void>;
  /** Cancel every open order of `asset`, or of every asset. */
  cancelAll(asset?: string): Promise<void>;
  /** Open orders as the venue sees them. */
  openOrders(asset?: string): Promise<VenueOrder[]>;
  /** Positions as the venue sees them. */
  positions(): Promise<VenuePositions>;
  /** Fills since `sinceMs` (epoch ms), for recovery after a restart. */
  fillsSince(sinceMs: number): Promise<VenueFill[]>;
  /** Close streams and connections (orders are not touched). */
  close(): Promise<void>;
}
