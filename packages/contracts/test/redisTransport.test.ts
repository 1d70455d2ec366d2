import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BusKey,
  type Connected,
  connectTransport,
  type Message,
  RedisUnavailableError,
  type RejectLogger,
  STREAM_FIELD,
  streamNames,
} from '../src/index.js';
import { control, fill, params } from './support/arbitraries.js';
import { deletePrefix, REDIS_URL, requireRedis, uniquePrefix, until } from './support/redis.js';
import { TEST_KEY_TEXT, wire } from './support/wire.js';

let admin: Redis;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  admin = await requireRedis();
});

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

afterAll(async () => {
  await admin?.quit();
});

/** A Redis transport under a fresh prefix, closed and its keys deleted after the test. */
async function redisTransport(
  options: { queueCapacity?: number; onReject?: RejectLogger; key?: BusKey | null } = {},
) {
  const prefix = uniquePrefix();
  const connected: Connected = await connectTransport({
    url: REDIS_URL,
    prefix,
    timeoutMs: 1000,
    blockMs: 200,
    onReject: options.onReject ?? (() => {}),
    key: options.key ?? null,
    ...(options.queueCapacity === undefined ? {} : { queueCapacity: options.queueCapacity }),
  });
  expect(connected.kind).toBe('redis');
  cleanups.push(async () => {
    await connected.transport.close();
    await deletePrefix(admin, prefix);
  });
  return { transport: connected.transport, streams: streamNames(prefix), prefix };
}

describe('RedisTransport against a real Redis', () => {
  it('publish/subscribe round trip', async () => {
    const { transport, streams } = await redisTransport();
    const got: Message[] = [];
    const sub = transport.subscribe(streams.fills, (m) => got.push(m));
    await sub.ready;
    const sent = [fill('f1'), fill('f2'), fill('f3')];
    for (const m of sent) expect(transport.publish(streams.fills, m)).toBe(true);
    await transport.flush();
    await until(() => got.length === 3);
    expect(got).toEqual(sent);
    const stats = transport.stats();
    expect(stats).toMatchObject({ published: 3, delivered: 3, rejected: 0, dropped: 0 });
    expect(stats.lastPublishLagMs).toBeGreaterThanOrEqual(0);
    expect(await admin.xlen(streams.fills)).toBe(3);
  });

  it('replays the stream with from: start', async () => {
    const { transport, streams } = await redisTransport();
    transport.publish(streams.control, {
      v: 2,
      type: 'control',
      ts: 1,
      source: 'cli',
      payload: { command: 'kill', reason: 'test' },
    });
    await transport.flush();
    const got: Message[] = [];
    await transport.subscribe(streams.control, (m) => got.push(m), { from: 'start' }).ready;
    await until(() => got.length === 1);
    expect(got[0]?.payload).toEqual({ command: 'kill', reason: 'test' });
  });

  it('rejects and counts a poisoned message, then delivers the next good one', async () => {
    const rejections: Parameters<RejectLogger>[0][] = [];
    const { transport, streams } = await redisTransport({ onReject: (e) => rejections.push(e) });
    const got: Message[] = [];
    await transport.subscribe(streams.fills, (m) => got.push(m)).ready;
    const poisoned = wire({ ...fill('bad'), payload: { ...fill('bad').payload, lots: -1 } });
    await admin.xadd(streams.fills, '*', STREAM_FIELD, poisoned);
    await admin.xadd(streams.fills, '*', STREAM_FIELD, '{not json');
    transport.publish(streams.fills, fill('good'));
    await transport.flush();
    await until(() => got.length === 1);
    expect(got[0]?.payload).toMatchObject({ id: 'good' });
    expect(transport.stats().rejected).toBe(2);
    expect(rejections.map((r) => [r.direction, r.error.code, r.error.path])).toEqual([
      ['receive', 'INVALID_MESSAGE', 'payload.lots'],
      ['receive', 'INVALID_JSON', ''],
    ]);
  });

  it('publish returns synchronously for 10k messages; the queue drops oldest when full', async () => {
    const { transport, streams } = await redisTransport({ queueCapacity: 1000 });
    for (let i = 0; i < 10_000; i++) {
      // publish returns a boolean (not a promise): nothing waits on Redis
      expect(transport.publish(streams.fills, fill(`f${i}`, i))).toBe(true);
    }
    expect(transport.stats()).toMatchObject({ enqueued: 10_000, dropped: 9000, published: 0 });
    expect(transport.stats().queueLength).toBe(1000);
    await transport.flush();
    expect(transport.stats()).toMatchObject({ published: 1000, queueLength: 0 });
    const first = await admin.xrange(streams.fills, '-', '+', 'COUNT', 1);
    expect(JSON.parse(JSON.parse(first[0]![1][1]!).body).payload.id).toBe('f9000');
  });

  it('publishes all 10k messages when the queue is large enough', async () => {
    const { transport, streams } = await redisTransport({ queueCapacity: 20_000 });
    for (let i = 0; i < 10_000; i++) transport.publish(streams.snapshots, fill(`f${i}`, i));
    expect(transport.stats().published).toBe(0);
    await transport.flush();
    expect(transport.stats()).toMatchObject({ published: 10_000, dropped: 0, publishErrors: 0 });
    expect(await admin.xlen(streams.snapshots)).toBeGreaterThanOrEqual(10_000);
  });
});

describe('signed messages between processes', () => {
  it('params signed by one transport are delivered by another with the key; forged, unsigned and wrong-key ones are rejected and counted', async () => {
    const key = BusKey.fromText(TEST_KEY_TEXT, 'test');
    const rejections: string[] = [];
    const reader = await redisTransport({ key, onReject: (e) => rejections.push(e.error.code) });
    const got: { type: string; signed: boolean }[] = [];
    await reader.transport.subscribe(reader.streams.params, (m, meta) =>
      got.push({ type: m.type, signed: meta.signed }),
    ).ready;
    await reader.transport.subscribe(reader.streams.control, (m, meta) =>
      got.push({
        type: `${m.type}:${(m.payload as { command: string }).command}`,
        signed: meta.signed,
      }),
    ).ready;
    // another process with the same key (its own connection and transport)
    const writer = await connectTransport({
      url: REDIS_URL,
      prefix: reader.prefix,
      timeoutMs: 1000,
      key: BusKey.fromText(TEST_KEY_TEXT, 'MM_BUS_KEY'),
    });
    cleanups.push(() => writer.transport.close());
    writer.transport.publish(reader.streams.params, params());
    await writer.transport.flush();
    // an attacker who can write Redis: unsigned, wrong key, v1
    await admin.xadd(reader.streams.params, '*', STREAM_FIELD, wire(params()));
    await admin.xadd(reader.streams.params, '*', STREAM_FIELD, wire(params(), 'x'.repeat(32)));
    await admin.xadd(
      reader.streams.params,
      '*',
      STREAM_FIELD,
      JSON.stringify({ ...params(), v: 1 }),
    );
    await admin.xadd(reader.streams.control, '*', STREAM_FIELD, wire(control('resume')));
    await admin.xadd(reader.streams.control, '*', STREAM_FIELD, wire(control('kill')));
    await until(() => got.length === 2 && rejections.length === 4);
    expect(got).toEqual([
      { type: 'params', signed: true },
      { type: 'control:kill', signed: false },
    ]);
    expect(rejections.sort()).toEqual([
      'BAD_SIGNATURE',
      'UNSIGNED',
      'UNSIGNED',
      'UNSUPPORTED_VERSION',
    ]);
    expect(reader.transport.stats()).toMatchObject({ rejected: 4, unsigned: 2, badSignature: 1 });
  });
});

describe('connectTransport fallback', () => {
  it('with required: rejects naming the URL without its password, no fallback', async () => {
    const url = 'redis://app:s3cret-pw@127.0.0.1:1';
    const failure = await connectTransport({
      url,
      prefix: uniquePrefix(),
      timeoutMs: 300,
      required: true,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(RedisUnavailableError);
    expect(String((failure as Error).message)).toMatch(
      /^Redis at redis:\/\/app:\*\*\*@127\.0\.0\.1:1 unreachable/,
    );
    expect(String((failure as Error).message)).not.toContain('s3cret');
  });

  it('falls back to in-process when Redis is unreachable', async () => {
    const connected = await connectTransport({
      url: 'redis://:s3cret@127.0.0.1:1',
      prefix: uniquePrefix(),
      timeoutMs: 300,
      onReject: () => {},
    });
    cleanups.push(() => connected.transport.close());
    expect(connected.kind).toBe('in-process');
    expect(connected.transport.kind).toBe('in-process');
    expect(connected.fallbackReason).toContain('127.0.0.1:1');
    expect(connected.fallbackReason).not.toContain('s3cret');
    const streams = streamNames('x');
    const got: Message[] = [];
    await connected.transport.subscribe(streams.fills, (m) => got.push(m)).ready;
    connected.transport.publish(streams.fills, fill('local'));
    await connected.transport.flush();
    expect(got).toHaveLength(1);
  });
});
