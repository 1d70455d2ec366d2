import { BusKey, createCodec, RedisTransport, STREAM_FIELD } from '@mm/contracts';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompletedJob,
  paramsMessageFor,
  ResultPublisher,
} from '../src/worker/publishResults.js';
import { deletePrefix, REDIS_URL, requireRedis, uniquePrefix } from './support/redis.js';

const NOW = 1_800_000_000_000;
const asset = { asset: 'BTC', sigma: 0.5, A: 1, k: 2, gamma: 0.1, qMax: 4 };

function solveJob(overrides: Partial<CompletedJob> = {}, result: object = {}): CompletedJob {
  return {
    id: 'solve.abc',
    name: 'solve',
    queueName: 'solve',
    timestamp: NOW - 5000,
    returnvalue: {
      models: [{ asset: 'BTC', valid: true }],
      params: { assets: [asset], validUntil: NOW + 120_000 },
      paramsValid: true,
      ...result,
    },
    ...overrides,
  };
}

describe('paramsMessageFor', () => {
  const opts = { source: 'optimizer', nowMs: NOW, validForSec: 60 };

  it('builds a contract params message, capping validUntil at now + validForSec', () => {
    const built = paramsMessageFor(
      { params: { assets: [{ ...asset, regime: 'calm', extra: 1 }], validUntil: NOW + 120_000 } },
      opts,
    );
    expect(built).toEqual({
      ok: true,
      message: {
        v: 2,
        type: 'params',
        ts: NOW,
        source: 'optimizer',
        payload: { assets: [{ ...asset, regime: 'calm' }], validUntil: NOW + 60_000 },
      },
    });
  });

  it('refuses non-finite or out-of-bounds values, naming the field', () => {
    expect(
      paramsMessageFor({ params: { assets: [{ ...asset, k: Number.NaN }] } }, opts),
    ).toMatchObject({ ok: false, field: 'params.assets.0.k' });
    expect(paramsMessageFor({ params: { assets: [{ ...asset, A: 1e9 }] } }, opts)).toMatchObject({
      ok: false,
      field: 'params.assets.0.A',
    });
    expect(paramsMessageFor({ models: [] }, opts)).toMatchObject({ ok: false, field: 'params' });
  });
});

describe('ResultPublisher (real Redis)', () => {
  const busKey = BusKey.fromText('worker-publish-test-key-0123456789', 'test');
  const { decode } = createCodec(undefined, { key: busKey });
  let redis: Redis;
  let prefix: string;
  let publisher: ResultPublisher;
  let transport: RedisTransport;
  let now = NOW;

  beforeAll(async () => {
    redis = await requireRedis();
    prefix = uniquePrefix();
    transport = new RedisTransport(new Redis(REDIS_URL), { key: busKey });
    publisher = new ResultPublisher({
      transport,
      redis,
      prefix,
      validForSec: 60,
      nowMs: () => now,
    });
  });
  afterAll(async () => {
    await transport.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  const stream = () => `mm:${prefix}:params`;
  const published = async () =>
    (await redis.xrange(stream(), '-', '+')).map(([, f]) => {
      const decoded = decode(f[f.indexOf(STREAM_FIELD) + 1] ?? '');
      if (!decoded.ok) throw new Error(decoded.error.message);
      return decoded.message;
    });

  it('publishes a job result once, however often its completion is reported', async () => {
    const job = solveJob();
    const outcomes = await Promise.all([
      publisher.publish(job),
      publisher.publish(job),
      publisher.publish(job),
    ]);
    expect(outcomes.map((o) => o.kind).sort()).toEqual(['duplicate', 'duplicate', 'published']);
    expect(await publisher.publish(job)).toEqual({ kind: 'duplicate' });
    const messages = await published();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      type: 'params',
      source: 'optimizer',
      payload: { assets: [asset], validUntil: NOW + 60_000 },
    });
    const marker = `mm:${prefix}:published:solve:solve.abc`;
    expect(await redis.get(marker)).toBe(String(job.timestamp));
    const ttl = await redis.ttl(marker);
    expect(ttl).toBeGreaterThan(86_000);
    expect(ttl).toBeLessThanOrEqual(86_400);
    // the same id re-created later (new creation time) is a new job: published again
    expect((await publisher.publish(solveJob({ timestamp: NOW }))).kind).toBe('published');
    expect(await redis.xlen(stream())).toBe(2);
  });

  it('skips results it must not publish, and never marks them', async () => {
    const before = await redis.xlen(stream());
    expect(await publisher.publish(solveJob({ id: 'g1', name: 'grid-search' }))).toMatchObject({
      kind: 'skipped',
    });
    expect(
      await publisher.publish(
        solveJob({ id: 's2' }, { paramsValid: false, paramsIssue: 'assets.0.A: too big' }),
      ),
    ).toEqual({
      kind: 'skipped',
      reason: 'the job marked its params invalid: assets.0.A: too big',
    });
    expect(
      await publisher.publish(
        solveJob({ id: 's3' }, { models: [{ asset: 'BTC', valid: false, issues: ['no root'] }] }),
      ),
    ).toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/BTC has no valid solution: no root/),
    });
    expect(
      await publisher.publish(
        solveJob(
          { id: 's4' },
          { params: { assets: [{ ...asset, sigma: Number.POSITIVE_INFINITY }] } },
        ),
      ),
    ).toMatchObject({ kind: 'invalid', field: 'params.assets.0.sigma' });
    now = NOW + 200_000;
    expect(await publisher.publish(solveJob({ id: 's5' }))).toEqual({
      kind: 'stale',
      validUntil: NOW + 120_000,
    });
    now = NOW;
    expect(await redis.xlen(stream())).toBe(before);
    for (const id of ['g1', 's2', 's3', 's4', 's5']) {
      expect(await redis.exists(`mm:${prefix}:published:solve:${id}`)).toBe(0);
    }
  });
});
