import { fileURLToPath } from 'node:url';
import type { EngineStatus } from '@mm/engine';
import type { Command } from 'commander';
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
  logger: import('@mm/engine').Logger,
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

/** One status table: an asset per row (stdout, for a human watching the terminal). */
export function formatStatus(status: EngineStatus): string {
  const head = `transport ${status.transport} | fills ${status.fills}${status.killed ? ` | KILLED (${status.killReasons.join('; ')})` : ''}`;
  const rows = status.assets.map((a) => {
    const bids = a.quotes.map((q) => q.bid).filter((x): x is number => x !== null);
    const asks = a.quotes.map((q) => q.ask).filter((x): x is number => x !== null);
    const bid = bids.length > 0 ? String(Math.max(...bids)) : '-';
    const ask = asks.length > 0 ? String(Math.min(...asks)) : '-';
    const mid = Number.isFinite(a.midPrice) ? a.midPrice.toFixed(4) : '-';
    return `  ${a.asset.padEnd(8)} mid ${mid.padStart(12)}  bid ${bid.padStart(11)}  ask ${ask.padStart(11)}  inv ${a.inventoryLots.toFixed(2).padStart(7)} lots  realized ${a.realizedQuote.toFixed(2).padStart(9)}  open ${a.unrealizedQuote.toFixed(2).padStart(9)}`;
  });
  return [head, ...rows].join('\n');
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
  const { createLogger, Engine, EngineConfigError, loadEngineConfig } = await import('@mm/engine');
  const { BusKeyError, loadBusKey } = await import('@mm/contracts');
  let config: Awaited<ReturnType<typeof loadEngineConfig>>;
  try {
    config = await loadEngineConfig(flags.config);
  } catch (e) {
    // Read and parse errors already start with the file name; field errors do not.
    if (e instanceof EngineConfigError) return fail(command, withFile(flags.config, e.message));
    throw e;
  }
  let busKey: import('@mm/contracts').BusKey | null;
  try {
    busKey = await loadBusKey({ file: config.redis.busKeyFile });
  } catch (e) {
    if (e instanceof BusKeyError) return fail(command, withFile(flags.config, e.message));
    throw e;
  }
  // Logs are JSON lines on stderr; stdout carries the human status table.
  const logger = createLogger({ level, destination: process.stderr });
  // Signals are caught from here on: one during start-up stops the engine as soon as it is up
  // (every order canceled), instead of killing the process with orders resting.
  let stopWith: (reason: string) => void = () => {};
  const finished = new Promise<string>((resolve) => {
    stopWith = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    process.once(signal, () => process.exit(130)); // a second Ctrl-C does not wait
    stopWith(signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
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
  const statusTimer =
    statusEvery > 0
      ? setInterval(() => out(formatStatus(engine.status())), statusEvery * 1000)
      : undefined;
  if (duration !== undefined) setTimeout(() => stopWith(`duration ${duration}s`), duration * 1000);
  const reason = await finished;
  if (statusTimer) clearInterval(statusTimer);
  await optimizer?.stop().catch(() => {});
  const report = await engine.stop(reason);
  out(formatStatus(engine.status()));
  out(
    `mm ${command}: stopped (${reason}); ${report.fillsRecorded} fills recorded, ${report.leftoverOrders} orders left open`,
  );
  process.exitCode = report.leftoverOrders === 0 ? 0 : 1;
  // Venue sockets and Redis clients are closed; anything else must not keep us alive.
  setTimeout(() => process.exit(), 200).unref();
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
