import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startMetricsServer } from '../src/metricsServer.js';

describe('createLogger', () => {
  const capture = () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _enc, cb) {
        for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
        cb();
      },
    });
    return { lines, destination };
  };

  it('names each line after the app and honours the level', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'mm-optimizer', level: 'warn', destination });
    log.info('hidden');
    log.warn({ asset: 'BTC' }, 'shown');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: 'mm-optimizer', msg: 'shown', asset: 'BTC' });
    expect(lines[0]).not.toHaveProperty('pid');
  });

  it('redacts credentials at the top level and one level down', () => {
    const { lines, destination } = capture();
    const log = createLogger({ name: 'mm-engine', destination });
    log.info(
      {
        apiKey: 'k-1',
        venue: { secret: 's-1', privateKey: '0xabc', walletAddress: '0xdef', name: 'hl' },
        credentials: { apiKey: 'k-2' },
      },
      'venue',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['k-1', 's-1', '0xabc', '0xdef', 'k-2'])
      expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({
      apiKey: '[redacted]',
      venue: { secret: '[redacted]', name: 'hl' },
      credentials: '[redacted]',
    });
  });
});

describe('startMetricsServer', () => {
  it('serves a registry on /metrics, ok on /healthz, 404 elsewhere, 405 for other methods', async () => {
    const registry = new Registry();
    new Counter({ name: 'x_total', help: 'x', registers: [registry] }).inc(3);
    const server = await startMetricsServer({ port: 0, registry });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(registry.contentType);
      expect(await res.text()).toContain('x_total 3');
      expect(await (await fetch(`${server.url}/healthz`)).text()).toBe('ok\n');
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  it('rejects naming host:port when the port is taken, and frees the port on close', async () => {
    const registry = new Registry();
    const first = await startMetricsServer({ port: 0, registry });
    await expect(startMetricsServer({ port: first.port, registry })).rejects.toThrow(
      `metrics server cannot listen on 127.0.0.1:${first.port}: EADDRINUSE`,
    );
    await first.close();
    // The port is free again: something else can bind it.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(first.port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  });

  it('rejects an invalid port naming it', async () => {
    await expect(startMetricsServer({ port: 70_000, registry: new Registry() })).rejects.toThrow(
      'port must be an integer in [0, 65535], got 70000',
    );
  });
});
