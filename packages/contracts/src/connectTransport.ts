import { Redis } from 'ioredis';
import { displayUrl } from './displayUrl.js';
import { InProcessTransport } from './inProcessTransport.js';
import { RedisTransport, type RedisTransportOptions } from './redisTransport.js';
import type { Transport, TransportKind } from './transport.js';

export interface ConnectOptions extends RedisTransportOptions {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  readonly url: string;
  /** Deployment prefix (stream names are `mm:{prefix}:...`); see `streamNames`. */
  readonly prefix: string;
  /** How long to wait for Redis before falling back, ms. */
  readonly timeoutMs: number;
}

export interface Connected {
  readonly kind: TransportKind;
  readonly transport: Transport;
  /** Why Redis was not used, when `kind` is 'in-process'. */
  readonly fallbackReason?: string;
}

/**
 * Connects to Redis (one PING within `timeoutMs`), or falls back to an in-process transport.
 * Never throws; report `kind` once to the user.
 */
export async function connectTransport(options: ConnectOptions): Promise<Connected> {
  const client = new Redis(options.url, {
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    protocol: 2,
    keyPrefix: '',
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
    const reason = `Redis at ${displayUrl(options.url)} unreachable (${e instanceof Error ? e.message : String(e)})`;
    return {
      kind: 'in-process',
      transport: new InProcessTransport(options),
      fallbackReason: reason,
    };
  } finally {
    clearTimeout(timer);
  }
}
