import {
  BUS_KEY_ENV,
  BUS_KEY_FILE_FIELD,
  type BusKey,
  type ControlMessage,
  createCodec,
  displayUrl,
  ENVELOPE_VERSION,
  keysFor,
  loadBusKey,
  redactSecretsOf,
  STREAM_FIELD,
} from '@mm/contracts';
import type { Command } from 'commander';
import { withFile } from './run.js';
import { EXIT_BAD_INPUT } from './solve.js';

interface KillFlags {
  config?: string;
  redis?: string;
  prefix?: string;
  asset?: string;
  reason?: string;
}

const DEFAULT_REDIS = 'redis://127.0.0.1:6379';
const DEFAULT_PREFIX = 'default';
/** Kept like the transport's streams (XADD MAXLEN ~). */
const CONTROL_STREAM_LENGTH = 10_000;

/** The kill-switch key the engine polls: any value holds every asset's quotes pulled. */
export const killKey = (prefix: string) => keysFor(prefix).kill;

async function target(
  flags: KillFlags,
): Promise<{ url: string; prefix: string; key: BusKey | null }> {
  if (flags.config !== undefined) {
    const { loadEngineConfig } = await import('@mm/config');
    const config = await loadEngineConfig(flags.config);
    if (flags.asset !== undefined && !config.assets.some((a) => a.symbol === flags.asset)) {
      throw new Error(
        `option "--asset": '${flags.asset}' is not an asset of this config (${config.assets.map((a) => a.symbol).join(', ')})`,
      );
    }
    return {
      url: flags.redis ?? config.redis.url,
      prefix: flags.prefix ?? config.redis.prefix,
      key: await loadBusKey({ file: config.redis.busKeyFile }),
    };
  }
  return {
    url: flags.redis ?? DEFAULT_REDIS,
    prefix: flags.prefix ?? DEFAULT_PREFIX,
    key: await loadBusKey({}),
  };
}

/**
 * `mm kill` / `mm resume`: the global switch is a Redis key (it survives an engine restart and is
 * read within 250 ms) plus a control message (immediate); an asset's switch is a control message.
 */
async function control(command: 'kill' | 'resume', flags: KillFlags): Promise<void> {
  let where: { url: string; prefix: string; key: BusKey | null };
  try {
    where = await target(flags);
    keysFor(where.prefix);
    // A kill needs no key (anyone may stop quoting); only a key holder may start it again.
    if (command === 'resume' && where.key === null) {
      throw new Error(
        `a resume must be signed with the bus key: set ${BUS_KEY_ENV} (or ${BUS_KEY_FILE_FIELD} in --config) to the engine's key`,
      );
    }
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    const message = flags.config === undefined ? detail : withFile(flags.config, detail);
    process.stderr.write(`mm ${command}: ${message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  const reason = flags.reason ?? `mm ${command} by ${process.env.USER ?? 'operator'}`;
  const message: ControlMessage = {
    v: ENVELOPE_VERSION,
    type: 'control',
    ts: Date.now(),
    source: 'cli',
    payload: {
      command,
      ...(flags.asset === undefined ? {} : { asset: flags.asset }),
      reason,
    },
  };
  const encoded = createCodec(undefined, { key: where.key }).encode(message);
  if (!encoded.ok) {
    process.stderr.write(`mm ${command}: ${encoded.error.message}\n`);
    process.exitCode = EXIT_BAD_INPUT;
    return;
  }
  const { Redis } = await import('ioredis');
  const redis = new Redis(where.url, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    protocol: 2,
  });
  redis.on('error', () => {});
  const url = displayUrl(where.url);
  try {
    await redis.connect();
  } catch (e) {
    process.stderr.write(
      `mm ${command}: Redis at ${url} unreachable (${redactSecretsOf(e instanceof Error ? e.message : String(e), where.url)}); an engine in embedded mode stops with Ctrl-C or SIGTERM\n`,
    );
    process.exitCode = 1;
    redis.disconnect();
    return;
  }
  try {
    if (flags.asset === undefined) {
      if (command === 'kill') await redis.set(killKey(where.prefix), reason);
      else await redis.del(killKey(where.prefix));
    }
    await redis.xadd(
      keysFor(where.prefix).streams.control,
      'MAXLEN',
      '~',
      CONTROL_STREAM_LENGTH,
      '*',
      STREAM_FIELD,
      encoded.raw,
    );
    process.stdout.write(
      `mm ${command}: ${flags.asset ?? 'every asset'} on ${url} prefix ${where.prefix}${command === 'kill' ? ' (quotes pulled, orders canceled)' : ''}\n`,
    );
  } catch (e) {
    // Reached but refused: an ACL without the right, a key of the wrong type, an exhausted
    // stream ID. Not "unreachable": the operator must fix Redis, not the network.
    process.stderr.write(
      `mm ${command}: Redis at ${url} refused the ${command}: ${redactSecretsOf(e instanceof Error ? e.message : String(e), where.url)}\n`,
    );
    process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
}

function withTarget(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'engine config whose redis url and prefix to use')
    .option('--redis <url>', `Redis URL (default: config, else ${DEFAULT_REDIS})`)
    .option('--prefix <prefix>', `deployment prefix (default: config, else ${DEFAULT_PREFIX})`)
    .option('--asset <symbol>', 'one asset only (default: every asset)')
    .option('--reason <text>', 'why, for the logs');
}

export function addKillCommands(program: Command): void {
  withTarget(
    program.command('kill').description('Pull every quote and cancel every order (kill switch)'),
  ).action((flags: KillFlags) => control('kill', flags));
  withTarget(program.command('resume').description('Release the kill switch')).action(
    (flags: KillFlags) => control('resume', flags),
  );
}
