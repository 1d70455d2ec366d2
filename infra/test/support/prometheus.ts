import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Debian's `prometheus` package installs it here (`.ci/run` installs it when missing). */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/** One series of an instant query result. */
export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  /** Instant query; rejects with Prometheus' error (e.g. a parse error) on failure. */
  query(expr: string): Promise<Sample[]>;
  /** `GET /api/v1/<path>`'s `data`. */
  api(path: string): Promise<unknown>;
  /** Everything the server wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Start a real Prometheus with `configYaml` on a free local port, its TSDB under `dir`, and wait
 * until it is ready. Fails with its log when it exits or is not ready within `readyTimeoutMs`.
 */
export async function startPrometheus(
  configYaml: string,
  dir: string,
  readyTimeoutMs = 15_000,
): Promise<PrometheusServer> {
  const configFile = join(dir, 'prometheus.yml');
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(configFile, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });

  const api = async (path: string): Promise<unknown> => {
    const res = await fetch(`${url}/api/v1/${path}`);
    const body = (await res.json()) as { status: string; data?: unknown; error?: string };
    if (body.status !== 'success')
      throw new Error(`Prometheus ${path}: ${body.error ?? res.status}`);
    return body.data;
  };
  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const start = Date.now();
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`prometheus exited with code ${exitCode} before it was ready:\n${stderr}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - start > readyTimeoutMs) {
      await stop();
      throw new Error(`prometheus not ready within ${readyTimeoutMs} ms:\n${stderr}`);
    }
    await sleep(100);
  }

  return {
    url,
    api,
    async query(expr) {
      const data = (await api(`query?query=${encodeURIComponent(expr)}`)) as {
        resultType: string;
        result: Sample[] | [number, string];
      };
      if (data.resultType === 'scalar') {
        return [{ metric: {}, value: data.result as [number, string] }];
      }
      if (data.resultType !== 'vector')
        throw new Error(`expected an instant vector for ${expr}, got ${data.resultType}`);
      return data.result as Sample[];
    },
    log: () => stderr,
    stop,
  };
}
