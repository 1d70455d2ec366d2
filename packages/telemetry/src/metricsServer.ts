import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  /** Interface to bind (default `127.0.0.1`: not exposed beyond the host). */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  registry: Registry;
}

export interface MetricsServer {
  /** Base URL, e.g. `http://127.0.0.1:9464` (scrape `${url}/metrics`). */
  url: string;
  /** The bound port (the chosen one when 0 was asked). */
  port: number;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * Serve `registry` over HTTP: `GET /metrics` (the exposition text, with the registry's content
 * type), `GET /healthz` (`ok`); 405 for another method on those paths, 404 for any other path.
 * Rejects with an error naming `host:port` when it cannot listen (e.g. the port is in use).
 */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const { port, registry } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    return Promise.reject(new RangeError(`port must be an integer in [0, 65535], got ${port}`));

  const server = createServer((req, res) => {
    handle(registry, req, res).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': TEXT });
      res.end(`metrics collection failed: ${message}\n`);
    });
  });

  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const why = err.code ? `${err.code}: ${err.message}` : err.message;
      reject(new Error(`metrics server cannot listen on ${host}:${port}: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const bound = (server.address() as AddressInfo).port;
      const hostInUrl = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${hostInUrl}:${bound}`,
        port: bound,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function handle(registry: Registry, req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path !== '/metrics' && path !== '/healthz') {
    res.writeHead(404, { 'Content-Type': TEXT });
    res.end('not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { 'Content-Type': TEXT, Allow: 'GET, HEAD' });
    res.end('method not allowed\n');
    return;
  }
  const [contentType, body] =
    path === '/metrics' ? [registry.contentType, await registry.metrics()] : [TEXT, 'ok\n'];
  res.writeHead(200, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
