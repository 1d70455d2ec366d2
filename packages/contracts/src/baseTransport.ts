import { type Codec, createCodec } from './codec.js';
import type { Message } from './messages.js';
import { PublishQueue, type QueuedItem } from './publishQueue.js';
import type {
  MessageHandler,
  RejectLogger,
  SubscribeOptions,
  Subscription,
  Transport,
  TransportKind,
  TransportOptions,
  TransportStats,
} from './transport.js';

const defaultReject: RejectLogger = (e) =>
  console.warn(`[contracts] rejected ${e.direction} message on ${e.stream}: ${e.error.message}`);

/** Validation, queueing and counters shared by the transports. */
export abstract class BaseTransport implements Transport {
  abstract readonly kind: TransportKind;
  protected readonly codec: Codec;
  protected readonly onReject: RejectLogger;
  protected readonly maxStreamLength: number;
  private readonly queue: PublishQueue;
  private enqueued = 0;
  private invalidPublished = 0;
  protected rejected = 0;
  private unsigned = 0;
  private badSignature = 0;
  protected delivered = 0;
  protected handlerErrors = 0;

  constructor(options: TransportOptions) {
    this.codec = options.codec ?? createCodec(undefined, { key: options.key ?? null });
    this.onReject = options.onReject ?? defaultReject;
    this.maxStreamLength = options.maxStreamLength ?? 10_000;
    this.queue = new PublishQueue(options.queueCapacity ?? 10_000, (batch) =>
      this.writeBatch(batch),
    );
  }

  publish(stream: string, message: Message): boolean {
    const encoded = this.codec.encode(message);
    if (!encoded.ok) {
      this.invalidPublished++;
      this.onReject({ stream, direction: 'publish', error: encoded.error });
      return false;
    }
    this.enqueued++;
    this.queue.push({ stream, raw: encoded.raw, enqueuedAt: performance.now() });
    return true;
  }

  /** Decodes a received raw message and hands it to `handler`, or counts and logs it. */
  protected receive(stream: string, id: string, raw: string, handler: MessageHandler): void {
    const decoded = this.codec.decode(raw);
    if (!decoded.ok) {
      this.rejected++;
      if (decoded.error.code === 'UNSIGNED') this.unsigned++;
      if (decoded.error.code === 'BAD_SIGNATURE') this.badSignature++;
      this.onReject({ stream, direction: 'receive', error: decoded.error, id });
      return;
    }
    this.delivered++;
    try {
      handler(decoded.message, { id, signed: decoded.signed });
    } catch {
      this.handlerErrors++;
    }
  }

  /** Writes one batch to the streams; rejects when the batch failed. */
  protected abstract writeBatch(batch: readonly QueuedItem[]): Promise<void>;

  abstract subscribe(
    stream: string,
    handler: MessageHandler,
    options?: SubscribeOptions,
  ): Subscription;

  flush(): Promise<void> {
    return this.queue.flush();
  }

  stats(): TransportStats {
    return {
      enqueued: this.enqueued,
      published: this.queue.written,
      dropped: this.queue.dropped,
      invalidPublished: this.invalidPublished,
      publishErrors: this.queue.failedBatches,
      rejected: this.rejected,
      unsigned: this.unsigned,
      badSignature: this.badSignature,
      delivered: this.delivered,
      handlerErrors: this.handlerErrors,
      queueLength: this.queue.length,
      lastPublishLagMs: this.queue.lastLagMs,
      maxPublishLagMs: this.queue.maxLagMs,
    };
  }

  abstract close(): Promise<void>;
}
