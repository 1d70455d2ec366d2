import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BusKey, createCodec, ENVELOPE_VERSION, STREAM_FIELD } from '@mm/contracts';
import { Engine } from '@mm/engine';
import { enqueueJob, Optimizer, waitForJob } from '@mm/optimizer';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BTC_MODEL,
  ETH_MODEL,
  engineConfigFor,
  memoryLogger,
  optimizerConfigFor,
} from '../apps/optimizer/test/support/configs.js';
import {
  deletePrefix,
  requireRedis,
  uniquePrefix,
  until,
} from '../apps/optimizer/test/support/redis.js';

function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : 0;
}

/**
 * The optimizer and a running engine on one deployment prefix (simulated venue, real Redis):
 * solve jobs run in sandboxed workers, their parameters are published on `mm:{prefix}:params`,
 * and the engine applies plausible ones and rejects a poisoned one (within the contract's bounds
 * but 1000x its configured fill rate), saying so in its metrics and logs.
 */
describe('optimizer -> engine parameter updates (real Redis, running engine)', () => {
  let redis: Redis;
  let prefix: string;
  let dir: string;
  let engine: Engine;
  let optimizer: Optimizer;
  const engineLog = memoryLogger('info');
  const optimizerLog = memoryLogger('info');

  // The deployment's bus key, held by the engine and the optimizer (MM_BUS_KEY in production).
  const busKey = BusKey.fromText('optimizer-integration-test-key-0123456789', 'test');
  const { decode } = createCodec(undefined, { key: busKey });

  beforeAll(async () => {
    redis = await requireRedis();
    prefix = uniquePrefix();
    dir = await mkdtemp(join(tmpdir(), 'mm-optimizer-it-'));
    const engineConfig = engineConfigFor(prefix, dir);
    engine = await Engine.start(engineConfig, { logger: engineLog.logger, busKey });
    optimizer = await Optimizer.start(
      optimizerConfigFor(prefix, { workers: { types: ['solve'] } }),
      {
        logger: optimizerLog.logger,
        engineConfig,
        busKey,
      },
    );
  }, 20_000);
  afterAll(async () => {
    await optimizer?.stop();
    await engine?.stop('test done');
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  const scrapeEngine = async () => (await fetch(`${engine.metricsUrl}/metrics`)).text();
  const updates = async (result: 'applied' | 'rejected', asset = 'BTC') =>
    metricValue(await scrapeEngine(), 'mm_parameter_updates_total', { asset, result });

  it('rejects a poisoned result and applies a good one from a real solve job', async () => {
    const { queues } = optimizer;
    const eth = { asset: 'ETH', ...ETH_MODEL, qMax: 5 };

    // poisoned: A = 1000x the engine's (the contract allows up to 1e4 fills/s)
    const poisoned = await enqueueJob(queues, 'solve', {
      assets: [{ asset: 'BTC', ...BTC_MODEL, A: BTC_MODEL.A * 1000, qMax: 4 }, eth],
    });
    expect(await waitForJob(queues, 'solve', poisoned.jobId, { timeoutMs: 15_000 })).toMatchObject({
      state: 'completed',
    });
    await until(async () => (await updates('rejected')) === 1, 10_000, 'the engine to reject');
    const rejected = engineLog.records().find((r) => r.msg === 'parameter update rejected');
    expect(rejected).toMatchObject({
      source: 'optimizer',
      field: 'payload.assets[0].A',
      reason: expect.stringMatching(/more than 10x away from the configured 1/),
    });
    // all or nothing: the good ETH entry of the poisoned update was not applied either
    expect(await updates('applied', 'ETH')).toBe(0);
    expect(await updates('rejected', 'ETH')).toBe(1);

    // plausible: 20% more fills than configured
    const good = await enqueueJob(queues, 'solve', {
      assets: [{ asset: 'BTC', ...BTC_MODEL, A: 1.2, qMax: 4 }, eth],
    });
    expect(await waitForJob(queues, 'solve', good.jobId, { timeoutMs: 15_000 })).toMatchObject({
      state: 'completed',
    });
    await until(async () => (await updates('applied')) === 1, 10_000, 'the engine to apply');
    expect(await updates('applied', 'ETH')).toBe(1);
    expect(await updates('rejected')).toBe(1);
    const applied = engineLog
      .records()
      .find((r) => r.msg === 'parameter update applied' && r.asset === 'BTC');
    expect(applied).toMatchObject({ source: 'optimizer', params: { ...BTC_MODEL, A: 1.2 } });

    // both were published exactly once, valid for at most results.validForSec
    const entries = await redis.xrange(`mm:${prefix}:params`, '-', '+');
    expect(entries).toHaveLength(2);
    for (const [, fields] of entries) {
      const decoded = decode(fields[fields.indexOf(STREAM_FIELD) + 1] ?? '');
      expect(decoded.ok).toBe(true);
      if (decoded.ok && decoded.message.type === 'params') {
        expect(decoded.message.payload.validUntil).toBeLessThanOrEqual(Date.now() + 300_000);
      }
    }
    const published = optimizerLog.records().filter((r) => r.msg === 'parameters published');
    expect(published.map((r) => r.jobId).sort()).toEqual([good.jobId, poisoned.jobId].sort());
    // enqueueing the good request again returns the finished job: nothing new is published
    const again = await enqueueJob(queues, 'solve', {
      assets: [{ asset: 'BTC', ...BTC_MODEL, A: 1.2, qMax: 4 }, eth],
    });
    expect(again).toMatchObject({ duplicate: true, jobId: good.jobId, state: 'completed' });
    expect(await redis.xlen(`mm:${prefix}:params`)).toBe(2);
  }, 45_000);

  it('rejects stale updates and drops non-finite or out-of-bounds ones at the bus', async () => {
    const stream = `mm:${prefix}:params`;
    const rejectedBefore = await updates('rejected');
    const body = (validUntil: number, A: number | string) =>
      `{"v":${ENVELOPE_VERSION},"type":"params","ts":${Date.now()},"source":"test","payload":{"assets":[{"asset":"BTC","sigma":0.5,"A":${A},"k":2,"gamma":0.1,"qMax":4}],"validUntil":${validUntil}}}`;
    // signed with the deployment's key, as the optimizer does (the wire form of envelope v2)
    const message = (validUntil: number, A: number | string) => {
      const text = body(validUntil, A);
      return JSON.stringify({ v: ENVELOPE_VERSION, body: text, sig: busKey.sign(text) });
    };
    // stale: valid until a second ago
    await redis.xadd(stream, '*', STREAM_FIELD, message(Date.now() - 1000, 1.1));
    await until(
      async () => (await updates('rejected')) === rejectedBefore + 1,
      10_000,
      'the stale update to be rejected',
    );
    expect(
      engineLog
        .records()
        .some((r) => r.msg === 'parameter update rejected' && r.field === 'payload.validUntil'),
    ).toBe(true);
    // non-finite (1e999 parses to Infinity) and out of the contract's bounds: never reach the check
    const bus = async () =>
      metricValue(await scrapeEngine(), 'mm_bus_messages_rejected_total', {
        stream,
        direction: 'receive',
      });
    const busBefore = await bus();
    await redis.xadd(stream, '*', STREAM_FIELD, message(Date.now() + 60_000, '1e999'));
    await redis.xadd(stream, '*', STREAM_FIELD, message(Date.now() + 60_000, 1e9));
    await until(async () => (await bus()) === busBefore + 2, 10_000, 'the bus to drop both');
    expect(await updates('rejected')).toBe(rejectedBefore + 1);
    // plausible but unsigned, or signed with another key: dropped at the bus too, and counted
    const plausible = body(Date.now() + 60_000, 1.1);
    const otherKey = BusKey.fromText('not-the-deployment-key-0123456789', 'attacker');
    await redis.xadd(stream, '*', STREAM_FIELD, JSON.stringify({ v: 2, body: plausible }));
    await redis.xadd(
      stream,
      '*',
      STREAM_FIELD,
      JSON.stringify({ v: 2, body: plausible, sig: otherKey.sign(plausible) }),
    );
    // the v1 form (no signature at all) is refused as an old version
    await redis.xadd(stream, '*', STREAM_FIELD, plausible.replace('"v":2', '"v":1'));
    await until(async () => (await bus()) === busBefore + 5, 10_000, 'the bus to drop all three');
    expect(await updates('rejected')).toBe(rejectedBefore + 1);
    expect(await updates('applied')).toBe(1);
  }, 30_000);
});
