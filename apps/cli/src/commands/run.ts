import { mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { formatStatus } from '../statusTable.js';
import { EXIT_BAD_INPUT } from './solve.js';

/** The default engine config shipped with the repository (`config/default.yaml`). */
export const DEFAULT_CONFIG_PATH = fileURLToPath(
  new URL('../../../../config/default.yaml', import.meta.url),
);

interface RunFlags {
  config: string;
  duration?: string;
  statusEvery: string;
  logLevel: string;
  /** Overrides of the config's `redis.url`, `redis.prefix` and `metrics.port`. */
  redis?: string;
  prefix?: string;
  metricsPort?: string;
  logFile?: string;
  /** `mm start` only: the optimizer's config, or `false` (`--no-optimizer`). */
  optimizer?: boolean;
  optimizerConfig?: string;
}

/** The default optimizer config shipped with the repository (`config/optimizer.yaml`). */
export const DEFAULT_OPTIMIZER_CONFIG_PATH = fileURLToPath(
  new URL('../../../../config/optimizer.yaml', import.meta.url),
);

/** A running optimizer next to the engine: BullMQ workers with Redis, worker threads without. */
interface SideOptimizer {
  kind: 'bullmq' | 'embedded';
  metricsUrl?: string | undefined;
  stop(): Promise<unknown>;
}

/**
 * Start the optimizer in this process on the engine's Redis and prefix (the engine's settings
 * win over the optimizer config's), or, in embedded mode, its schedules in worker threads
 * publishing on the engine's in-process bus.
 */
async function startSideOptimizer(
  path: string,
  engine: import('@mm/engine').Engine,
  logger: import('@mm/telemetry').Logger,
): Promise<SideOptimizer> {
  const { EmbeddedOptimizer, loadOptimizerConfig, Optimizer } = await import('@mm/optimizer');
  const loaded = await loadOptimizerConfig(path);
  const config = {
    ...loaded,
    redis: { ...loaded.redis, url: engine.config.redis.url, prefix: engine.config.redis.prefix },
  };
  const optimizerLogger = logger.child({ app: 'optimizer' });
  if (engine.transportKind === 'redis') {
    const optimizer = await Optimizer.start(config, {
      logger: optimizerLogger,
      engineConfig: engine.config,
      // one process: the optimizer signs with the engine's key (its own when none is set)
      busKey: engine.busKey,
    });
    return { kind: 'bullmq', metricsUrl: optimizer.metricsUrl, stop: () => optimizer.stop('stop') };
  }
  const embedded = EmbeddedOptimizer.start(config, {
    logger: optimizerLogger,
    engineConfig: engine.config,
    transport: engine.bus,
    paramsStream: engine.streams.params,
  });
  return { kind: 'embedded', stop: () => embedded.stop() };
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function fail(command: string, message: string): void {
  process.stderr.write(`mm ${command}: ${message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = EXIT_BAD_INPUT;
}

/** Node timers fire at once beyond 2^31 - 1 ms (about 24.8 days), so longer spans are refused. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

function secondsFlag(flag: string, text: string, allowZero: boolean): number | string {
  const v = Number(text);
  return Number.isFinite(v) && (allowZero ? v >= 0 : v > 0) && v <= MAX_TIMER_SECONDS
    ? v
    : `option "${flag}": expected a number ${allowZero ? '>= 0' : '> 0'} of seconds, at most ${MAX_TIMER_SECONDS}, got ${JSON.stringify(text)}`;
}

/** `message` prefixed by `file: `, unless it already names the file first. */
export function withFile(file: string, message: string): string {
  return message.startsWith(`${file}: `) ? message : `${file}: ${message}`;
}

/**
 * A repeated signal within this long of the first is the same Ctrl-C: under `pnpm start` the
 * terminal signals the whole process group and pnpm forwards the signal to its child as well,
 * so one Ctrl-C arrives twice within milliseconds. Milliseconds.
 */
export const REPEATED_SIGNAL_GRACE_MS = 1000;

/**
 * The handler of the first SIGINT/SIGTERM: stop cleanly (every order canceled); a second Ctrl-C
 * at least {@link REPEATED_SIGNAL_GRACE_MS} later exits at once (130) without waiting.
 */
function onFirstSignal(stopWith: (reason: string) => void): (signal: NodeJS.Signals) => void {
  return (signal) => {
    const firstAt = performance.now();
    const again = () => {
      if (performance.now() - firstAt < REPEATED_SIGNAL_GRACE_MS) process.once(signal, again);
      else process.exit(130);
    };
    process.once(signal, again);
    stopWith(signal);
  };
}

/**
 * Run the engine until SIGINT/SIGTERM (or `--duration`): Ctrl-C cancels every order, records the
 * last fills and exits 0 once no order rests (1 if some could not be confirmed canceled).
 */
async function runEngine(command: string, flags: RunFlags): Promise<void> {
  const duration =
    flags.duration === undefined ? undefined : secondsFlag('--duration', flags.duration, false);
  if (typeof duration === 'string') return fail(command, duration);
  const statusEvery = secondsFlag('--status-every', flags.statusEvery, true);
  if (typeof statusEvery === 'string') return fail(command, statusEvery);
  const level = process.env.LOG_LEVEL ?? flags.logLevel;
  if (!LOG_LEVELS.includes(level)) {
    return fail(
      command,
      `option "--log-level": expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`,
    );
  }
  // Loaded on use: the engine (venues, Redis, metrics) is heavy for the other commands.
  const { EngineConfigError, loadEngineConfig } = await import('@mm/config');
  const { createLogger } = await import('@mm/telemetry');
  const { Engine } = await import('@mm/engine');
  const { BusKeyError, loadBusKey } = await import('@mm/contracts');
  let config: Awaited<ReturnType<typeof loadEngineConfig>>;
  try {
    config = await loadEngineConfig(flags.config);
  } catch (e) {
    // Read and parse errors already start with the file name; field errors do not.
    if (e instanceof EngineConfigError) return fail(command, withFile(flags.config, e.message));
    throw e;
  }
  const overridden = await withFlagOverrides(config, flags);
  if (typeof overridden === 'string') return fail(command, overridden);
  config = overridden;
  let busKey: import('@mm/contracts').BusKey | null;
  try {
    busKey = await loadBusKey({ file: config.redis.busKeyFile });
  } catch (e) {
    if (e instanceof BusKeyError) return fail(command, withFile(flags.config, e.message));
    throw e;
  }
  // stdout carries the human status table; logs are JSON lines on stderr, or in a file when both
  // are one terminal (so the two never interleave) or when --log-file says so.
  let logs: LogDestination;
  try {
    logs = logDestination(command, flags.logFile, config.ledger.dir);
  } catch (e) {
    return fail(command, `option "--log-file": ${e instanceof Error ? e.message : String(e)}`);
  }
  const logger = createLogger({ name: 'mm-engine', level, destination: logs.stream });
  // Signals are caught from here on: one during start-up stops the engine as soon as it is up
  // (every order canceled), instead of killing the process with orders resting.
  let stopWith: (reason: string) => void = () => {};
  const finished = new Promise<string>((resolve) => {
    stopWith = resolve;
  });
  process.once('SIGINT', onFirstSignal(stopWith));
  process.once('SIGTERM', onFirstSignal(stopWith));
  let engine: Awaited<ReturnType<typeof Engine.start>>;
  try {
    engine = await Engine.start(config, { logger, busKey });
  } catch (e) {
    // Start-up failed after validation (a venue refused to connect, a model cannot be solved):
    // the engine has already released what it opened.
    process.stderr.write(
      `mm ${command}: engine did not start: ${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')}\n`,
    );
    process.exitCode = 1;
    setTimeout(() => process.exit(), 200).unref();
    return;
  }
  const out = (text: string) => process.stdout.write(`${text}\n`);
  let optimizer: SideOptimizer | undefined;
  if (flags.optimizer !== false && flags.optimizerConfig !== undefined) {
    try {
      optimizer = await startSideOptimizer(flags.optimizerConfig, engine, logger);
    } catch (e) {
      // The engine trades without the optimizer (it quotes on its configured models).
      process.stderr.write(
        `mm ${command}: optimizer not started: ${(e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ')}\n`,
      );
    }
  }
  out(
    `mm ${command}: ${config.assets.length} assets on ${config.venues.length} venues, transport ${engine.transportKind}` +
      (engine.metricsUrl ? `, metrics ${engine.metricsUrl}/metrics` : '') +
      (optimizer
        ? `; optimizer ${optimizer.kind === 'bullmq' ? 'on BullMQ' : 'embedded (worker threads)'}${optimizer.metricsUrl ? `, metrics ${optimizer.metricsUrl}/metrics` : ''}`
        : '') +
      '. Ctrl-C stops (cancels every order).',
  );
  out(`mm ${command}: logs (JSON lines) ${logs.where}`);
  const statusTimer =
    statusEvery > 0
      ? setInterval(() => out(formatStatus(engine.status(), config.assets)), statusEvery * 1000)
      : undefined;
  if (duration !== undefined) setTimeout(() => stopWith(`duration ${duration}s`), duration * 1000);
  const reason = await finished;
  if (statusTimer) clearInterval(statusTimer);
  await optimizer?.stop().catch(() => {});
  const report = await engine.stop(reason);
  out(formatStatus(engine.status(), config.assets));
  out(
    `mm ${command}: stopped (${reason}); ${report.fillsRecorded} fills recorded, ${report.leftoverOrders} orders left open`,
  );
  process.exitCode = report.leftoverOrders === 0 ? 0 : 1;
  // Venue sockets and Redis clients are closed; anything else must not keep us alive.
  setTimeout(() => process.exit(), 200).unref();
}

/** Where the JSON log lines go, and how the start-up output says so. */
interface LogDestination {
  stream: { write(line: string): void };
  /** `on stderr` or `in FILE`. */
  where: string;
}

/**
 * `--log-file` when given; else a file `mm-<command>.log` under the ledger directory when stdout
 * and stderr are both a terminal (the table and the logs would interleave); else stderr. Files
 * are appended to with synchronous writes, so no line is lost at exit.
 */
function logDestination(
  command: string,
  logFile: string | undefined,
  ledgerDir: string,
): LogDestination {
  const file =
    logFile ??
    (process.stdout.isTTY === true && process.stderr.isTTY === true
      ? join(ledgerDir, `mm-${command}.log`)
      : undefined);
  if (file === undefined) return { stream: process.stderr, where: 'on stderr' };
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const fd = openSync(file, 'a');
  return { stream: { write: (line: string) => void writeSync(fd, line) }, where: `in ${file}` };
}

/** The config option each run flag overrides, as the schema reports its path. */
const FLAG_OF_PATH: Readonly<Record<string, string>> = {
  'config.redis.url': '--redis',
  'config.redis.prefix': '--prefix',
  'config.metrics.port': '--metrics-port',
};

/**
 * `config` with `--redis`, `--prefix` and `--metrics-port` applied and checked by the config
 * schema itself; a message naming the flag when one is invalid.
 */
async function withFlagOverrides(
  config: import('@mm/config').EngineConfig,
  flags: RunFlags,
): Promise<import('@mm/config').EngineConfig | string> {
  if (flags.redis === undefined && flags.prefix === undefined && flags.metricsPort === undefined)
    return config;
  const { EngineConfigError, parseEngineConfig } = await import('@mm/config');
  const port = flags.metricsPort === undefined ? undefined : Number(flags.metricsPort);
  if (flags.metricsPort !== undefined && !/^\s*\d+\s*$/.test(flags.metricsPort)) {
    return `option "--metrics-port": expected an integer port in [0, 65535] (0: any free port), got ${JSON.stringify(flags.metricsPort)}`;
  }
  try {
    return parseEngineConfig({
      ...config,
      redis: {
        ...config.redis,
        // --redis asks for Redis explicitly: required (no silent embedded fallback)
        ...(flags.redis === undefined ? {} : { url: flags.redis, required: true }),
        ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
      },
      metrics: { ...config.metrics, ...(port === undefined ? {} : { port }) },
    });
  } catch (e) {
    if (!(e instanceof EngineConfigError)) throw e;
    const issue = e.issues[0];
    const flag = issue === undefined ? undefined : FLAG_OF_PATH[issue.path];
    return flag === undefined || issue === undefined
      ? e.message
      : `option "${flag}": ${issue.message}`;
  }
}

function withRunOptions(cmd: Command, defaultConfig?: string): Command {
  if (defaultConfig === undefined) {
    cmd.requiredOption('--config <file>', 'engine config, YAML or JSON');
  } else {
    cmd.option('--config <file>', 'engine config, YAML or JSON', defaultConfig);
  }
  return cmd
    .option('--duration <seconds>', 'stop after this long (default: run until Ctrl-C or SIGTERM)')
    .option('--status-every <seconds>', 'print the status table this often; 0: never', '5')
    .option('--redis <url>', "Redis URL (overrides the config's redis.url)")
    .option(
      '--prefix <prefix>',
      'deployment prefix of every Redis key, mm:{prefix}:... (overrides redis.prefix)',
    )
    .option(
      '--log-file <path>',
      'write the JSON logs here (default: stderr; a file under ledger.dir when stdout and stderr are a terminal)',
    )
    .option('--metrics-port <port>', 'Prometheus port; 0: any free port (overrides metrics.port)')
    .option(
      '--log-level <level>',
      `log level (${LOG_LEVELS.join(', ')}); LOG_LEVEL overrides`,
      'info',
    );
}

/** `mm run --config FILE`: the engine on any config. */
export function addRunCommand(program: Command): void {
  withRunOptions(
    program.command('run').description('Run the market-making engine on a config file'),
  ).action((flags: RunFlags) => runEngine('run', flags));
}

/** `mm start`: the engine on the default config (simulated venues). */
export function addStartEngineCommand(program: Command): void {
  withRunOptions(
    program
      .command('start')
      .description(
        'Run the system on the default config: the engine (three assets, two simulated venues, exact HJB quotes) and the optimizer',
      ),
    DEFAULT_CONFIG_PATH,
  )
    .option(
      '--optimizer-config <file>',
      'the optimizer run next to the engine (its redis settings follow the engine)',
      DEFAULT_OPTIMIZER_CONFIG_PATH,
    )
    .option('--no-optimizer', 'run the engine alone')
    .action((flags: RunFlags) => runEngine('start', flags));
}
