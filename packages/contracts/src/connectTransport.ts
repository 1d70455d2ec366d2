import { Redis, type RedisOptions } from 'ioredis';
import { displayUrl } from './displayUrl.js';
import { InProcessTransport } from './inProcessTransport.js';
import { redactSecretsOf } from './redactUrl.js';
import { RedisTransport, type RedisTransportOptions } from './redisTransport.js';
import type { Transport, TransportKind } from './transport.js';

export interface ConnectOptions extends RedisTransportOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (`rediss://` for TLS). */
  readonly url: string;
  /** Deployment prefix (stream names are `mm:{prefix}:...`); see `streamNames`. */
  readonly prefix: string;
  /** How long to wait for Redis before falling back (or failing, when `required`), ms. */
  readonly timeoutMs: number;
  /**
   * Redis was asked for explicitly (a `redis` section or `--redis`): no in-process fallback,
   * `connectTransport` rejects with a `RedisUnavailableError` instead.
   */
  readonly required?: boolean;
  /** Extra ioredis options, e.g. `tls: { ca }` (see `redisClientOptions`). */
  readonly client?: RedisOptions;
}

export interface Connected {
  readonly kind: TransportKind;
  readonly transport: Transport;
  /** Why Redis was not used, when `kind` is 'in-process' (credentials redacted). */
  readonly fallbackReason?: string;
}

/** Redis was required and did not answer; the message has no credentials. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Connects to Redis (one PING within `timeoutMs`), or, unless `required`, falls back to an
 * in-process transport (report `kind` once to the user). Credentials never appear in reasons.
 */
export async function connectTransport(options: ConnectOptions): Promise<Connected> {
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    protocol: 2,
    keyPrefix: '',
    ...options.client,
  });
  client.on('error', () => {
    // connection errors are retried by ioredis; the transport counts failed writes
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
    });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
    return { kind: 'redis', transport: new RedisTransport(client, options) };
  } catch (e) {
    client.disconnect();
    const detail = redactSecretsOf(e instanceof Error ? e.message : String(e), options.url);
    const reason = `Redis at ${displayUrl(options.url)} unreachable (${detail})`;
    if (options.required) throw new RedisUnavailableError(reason);
    return {
      kind: 'in-process',
      transport: new InProcessTransport(options),
      fallbackReason: reason,
    };
  } finally {
    clearTimeout(timer);
  }
}
