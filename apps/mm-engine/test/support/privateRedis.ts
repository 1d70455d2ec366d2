import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A `redis-server` of the test's own, on a free port with its data in a temp dir, that the test
 * may kill (a crash), pause (a hung server) and restart on the same port. Never touches the shared
 * Redis.
 */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** The temp dir holding the server's data. */
  readonly dir: string;
  /** Whether the server process is up. */
  readonly running: boolean;
  /** Kills the server (SIGKILL: a crash; with `persistent` its acknowledged writes survive). */
  stop(): Promise<void>;
  /** Starts it again on the same port and dir; resolves once it answers PING. */
  start(): Promise<void>;
  /** `stop` then `start`. */
  restart(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing is answered. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** Kills the server (if up) and deletes the temp dir. Idempotent. */
  dispose(): Promise<void>;
}

export interface PrivateRedisOptions {
  /**
   * Append-only file with `appendfsync always` (default true), so that a kill loses no
   * acknowledged write; `false`: `--save '' --appendonly no` (a restart starts empty).
   */
  persistent?: boolean;
  /** How long to wait for the server to answer after a start, ms (default 10 000). */
  startTimeoutMs?: number;
}

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';

/** Starts a private `redis-server` (see `PrivateRedis`). */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'mm-private-redis-'));
  const persistence =
    (options.persistent ?? true)
      ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always']
      : ['--save', '', '--appendonly', 'no'];
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  let port = 0;
  let child: ChildProcess | undefined;
  let paused = false;
  let disposed = false;

  const killNow = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // a test process that dies without afterAll must not leave the server behind
  process.once('exit', killNow);

  const spawnServer = async (): Promise<void> => {
    const proc = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
        ...persistence,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    paused = false;
    let output = '';
    proc.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    proc.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) => {
      proc.once('error', (e) => reject(e));
      proc.once('exit', (code, signal) =>
        reject(new Error(`redis-server exited (${code ?? signal}) on port ${port}: ${output}`)),
      );
    });
    exited.catch(() => {});
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      const ok = await Promise.race([ping(port), exited]);
      if (ok) return;
      if (Date.now() > deadline) {
        killNow();
        throw new Error(`redis-server on port ${port} did not answer in ${startTimeoutMs} ms`);
      }
      await sleep(10);
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGKILL');
    await exited;
  };

  const start = async (): Promise<void> => {
    if (disposed) throw new Error('private redis disposed');
    if (redis.running) return;
    await spawnServer();
  };

  // a free port: taken by another process between the probe and the bind, try another one
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await spawnServer();
      break;
    } catch (e) {
      await stop();
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        process.removeListener('exit', killNow);
        throw e;
      }
    }
  }

  const redis: PrivateRedis = {
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    dir,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
    pause() {
      if (!redis.running || paused) return;
      child?.kill('SIGSTOP');
      paused = true;
    },
    resume() {
      if (!redis.running || !paused) return;
      child?.kill('SIGCONT');
      paused = false;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await stop();
      process.removeListener('exit', killNow);
      await rm(dir, { recursive: true, force: true });
    },
  };
  return redis;
}

/** A TCP port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** Whether a server on `port` answers PING within 500 ms. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
