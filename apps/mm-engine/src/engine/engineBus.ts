import type { RedisConfig } from '@mm/config';
import {
  BUS_KEY_ENV,
  BUS_KEY_FILE_FIELD,
  type BusKey,
  type Subscription as BusSubscription,
  connectTransport,
  displayUrl,
  keysFor,
  type Message,
  type StreamNames,
  streamNames,
  type Transport,
} from '@mm/contracts';
import type { Logger } from '@mm/telemetry';
import { Redis } from 'ioredis';
import type { Subscription } from 'rxjs';
import type { EngineMetrics } from '../metrics/engineMetrics.js';
import type { KillSwitch } from './killSwitch.js';

/** How often the kill key is read while the engine runs, ms. */
export const KILL_KEY_POLL_MS = 250;

export interface EngineBusOptions {
  redis: RedisConfig;
  /** Use this transport instead of connecting to `redis` (it is closed on `close`). */
  transport?: Transport;
  /** Signs what is published, checks what is received (see `EngineDeps.busKey`). */
  busKey: BusKey;
  metrics: EngineMetrics;
  log: Logger;
}

/**
 * The engine's side of the bus: the transport (Redis, or in-process when Redis is unreachable),
 * the Redis client that reads the kill key, and the `params` and `control` subscriptions.
 */
export class EngineBus {
  readonly names: StreamNames;
  private readonly subscriptions: BusSubscription[] = [];

  private constructor(
    readonly transport: Transport,
    /** A plain client for the kill key (Redis transport only). */
    readonly redis: Redis | undefined,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {
    this.names = streamNames(prefix);
  }

  static async connect(options: EngineBusOptions): Promise<EngineBus> {
    const { redis, metrics, log } = options;
    let toldHowToSign = false;
    const onReject = (e: {
      stream: string;
      direction: string;
      error: Error & { code?: string };
    }) => {
      metrics.busRejected.inc({ stream: e.stream, direction: e.direction });
      const unsigned = e.error.code === 'UNSIGNED' || e.error.code === 'BAD_SIGNATURE';
      if (unsigned && options.busKey.origin === 'ephemeral' && !toldHowToSign) {
        toldHowToSign = true;
        log.warn(
          { stream: e.stream },
          `${e.stream}: a message not signed with this engine's key was rejected: it has no bus key, so it accepts params and control (other than a kill) only from its own process; set ${BUS_KEY_ENV} (or ${BUS_KEY_FILE_FIELD}) to the same key here, in the optimizer and for mm kill/resume`,
        );
      }
      log.warn(
        { stream: e.stream, direction: e.direction, err: e.error.message },
        'bus message rejected',
      );
    };
    let transport: Transport;
    if (options.transport) {
      transport = options.transport;
    } else {
      const connected = await connectTransport({
        url: redis.url,
        prefix: redis.prefix,
        timeoutMs: redis.connectTimeoutMs,
        onReject,
        key: options.busKey,
        required: redis.required === true,
      });
      transport = connected.transport;
      if (connected.kind === 'in-process') {
        log.warn(
          { reason: connected.fallbackReason },
          'Redis unreachable: embedded mode (in-process transport, file ledger); mm kill cannot reach this engine, use Ctrl-C or SIGTERM',
        );
      }
    }
    let client: Redis | undefined;
    if (transport.kind === 'redis') {
      client = new Redis(redis.url, { maxRetriesPerRequest: 2, protocol: 2, lazyConnect: false });
      client.on('error', (e) => log.debug({ err: e.message }, 'redis client error'));
      log.info({ url: displayUrl(redis.url), prefix: redis.prefix }, 'Redis transport');
    }
    return new EngineBus(transport, client, redis.prefix, log);
  }

  get kind(): 'redis' | 'in-process' {
    return this.transport.kind;
  }

  /** The deployment's kill key (`mm kill` sets it; its value is the reason). */
  get killKey(): string {
    return keysFor(this.prefix).kill;
  }

  /** Apply the kill key as it is now to `killSwitch` (no-op without Redis). */
  async readKillKey(killSwitch: KillSwitch): Promise<void> {
    if (!this.redis) return;
    try {
      const value = await this.redis.get(this.killKey);
      if (value === null) killSwitch.release('redis-key');
      else killSwitch.kill('redis-key', value || 'kill key set');
    } catch (e) {
      // Redis unreachable: keep the last known state (quotes stay pulled if they were).
      this.log.debug({ err: String(e) }, 'kill key unreadable');
    }
  }

  /** Deliver `params` messages to `onParams` and `control` messages to `onControl`. */
  subscribe(handlers: {
    onParams: (message: Message) => void;
    onControl: (message: Message) => void;
  }): void {
    this.subscriptions.push(
      this.transport.subscribe(this.names.params, handlers.onParams),
      this.transport.subscribe(this.names.control, handlers.onControl),
    );
  }

  publish(stream: string, message: Message): void {
    this.transport.publish(stream, message);
  }

  /** Stop receiving (publishing still works until `close`). */
  async unsubscribe(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) await s.unsubscribe().catch(() => {});
  }

  /** Close the transport and the kill-key client. */
  async close(): Promise<void> {
    await this.transport.close().catch(() => {});
    this.redis?.disconnect();
  }
}

/**
 * Apply a `control` message to the kill switch: `kill`/`release`, for one asset or all. Commands
 * for assets this engine does not quote are ignored (and logged).
 */
export function applyControl(
  message: Message,
  ctx: { killSwitch: KillSwitch; assets: ReadonlySet<string>; log: Logger },
): void {
  if (message.type !== 'control') return;
  const { killSwitch, log } = ctx;
  const { command, asset, reason } = message.payload;
  if (asset !== undefined && !ctx.assets.has(asset)) {
    log.warn({ asset, command }, 'control command for an unknown asset ignored');
    return;
  }
  const why = reason ?? `control from ${message.source}`;
  if (command === 'kill') {
    if (asset === undefined) killSwitch.kill('control', why);
    else killSwitch.killAsset(asset, why);
  } else if (asset === undefined) {
    killSwitch.release('control');
    killSwitch.releaseAllAssets();
  } else {
    killSwitch.releaseAsset(asset);
  }
  log.warn({ command, asset: asset ?? 'all', reason: why }, 'control command');
}

/**
 * Report the kill switch: the global `mm_kill_switch_state` gauge, one
 * `mm_kill_switch_asset_state{asset}` per configured asset (its own kill), and a log line on
 * hold and release.
 */
export function reportKillSwitch(
  killSwitch: KillSwitch,
  metrics: EngineMetrics,
  log: Logger,
  assets: readonly string[],
): Subscription {
  let held = false;
  return killSwitch.changes().subscribe((s) => {
    const killed = s.global.size > 0;
    metrics.killSwitch.set(killed ? 1 : 0);
    for (const asset of assets) metrics.killSwitchAsset.set({ asset }, s.assets.has(asset) ? 1 : 0);
    if (s.global.size > 0 || s.assets.size > 0) {
      held = true;
      log.warn(
        { global: Object.fromEntries(s.global), assets: Object.fromEntries(s.assets) },
        'kill switch held',
      );
    } else if (held) {
      held = false;
      log.warn('kill switch released: quoting resumes');
    }
  });
}
