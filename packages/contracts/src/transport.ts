import type { BusKey } from './busKey.js';
import type { Codec } from './codec.js';
import type { BusError } from './errors.js';
import type { Message } from './messages.js';

export type TransportKind = 'redis' | 'in-process';

/** Counters a transport keeps; all are totals since construction. */
export interface TransportStats {
  /** Messages accepted by `publish` (validated and queued). */
  readonly enqueued: number;
  /** Messages written to the stream. */
  readonly published: number;
  /** Oldest queued messages dropped because the publish queue was full. */
  readonly dropped: number;
  /** Messages `publish` refused because they failed validation. */
  readonly invalidPublished: number;
  /** Batches whose write failed (messages in them are lost and counted here). */
  readonly publishErrors: number;
  /** Received messages rejected by `decode` (never handed to a handler); includes the two below. */
  readonly rejected: number;
  /** Of those, messages that must be signed and were not (`UNSIGNED`). */
  readonly unsigned: number;
  /** Of those, messages whose signature does not match the bus key (`BAD_SIGNATURE`). */
  readonly badSignature: number;
  /** Messages handed to handlers. */
  readonly delivered: number;
  /** Handler calls that threw. */
  readonly handlerErrors: number;
  /** Messages waiting in the publish queue now. */
  readonly queueLength: number;
  /** Enqueue-to-written lag of the last written batch's oldest message, ms. */
  readonly lastPublishLagMs: number;
  /** Largest such lag seen, ms. */
  readonly maxPublishLagMs: number;
}

/** Called for each message that fails validation, on publish or on receipt. */
export type RejectLogger = (event: {
  readonly stream: string;
  readonly direction: 'publish' | 'receive';
  readonly error: BusError;
  readonly id?: string;
}) => void;

/** `signed`: the message carried a valid signature by the transport's bus key. */
export type MessageHandler = (
  message: Message,
  meta: { readonly id: string; readonly signed: boolean },
) => void;

export interface SubscribeOptions {
  /** `latest` (default): only messages added after `ready`; `start`: replay the stream. */
  readonly from?: 'latest' | 'start';
}

export interface Subscription {
  /** Resolves once the subscription's starting position is fixed. */
  readonly ready: Promise<void>;
  unsubscribe(): Promise<void>;
}

/** Message bus over named streams. `publish` never blocks or throws. */
export interface Transport {
  readonly kind: TransportKind;
  /**
   * Validates and queues a message for asynchronous writing; returns false (and counts it) when
   * the message is invalid. When the queue is full the oldest queued message is dropped.
   */
  publish(stream: string, message: Message): boolean;
  /** Delivers each valid message on `stream` to `handler`; invalid ones are counted and logged. */
  subscribe(stream: string, handler: MessageHandler, options?: SubscribeOptions): Subscription;
  /** Resolves when everything queued before the call has been written (or failed). */
  flush(): Promise<void>;
  stats(): TransportStats;
  /** Flushes, stops subscriptions and releases connections. */
  close(): Promise<void>;
}

export interface TransportOptions {
  /** Publish queue capacity, messages (default 10 000). */
  readonly queueCapacity?: number;
  /** Approximate stream length kept (XADD MAXLEN ~), messages (default 10 000). */
  readonly maxStreamLength?: number;
  /** Rejection logger (default `console.warn`). */
  readonly onReject?: RejectLogger;
  /** Parameter bounds codec override; see `createCodec` (its key, not `key`, then applies). */
  readonly codec?: Codec;
  /** Bus key signing what is published and checking what is received (default: none). */
  readonly key?: BusKey | null;
}
