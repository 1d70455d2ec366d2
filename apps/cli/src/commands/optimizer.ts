import { displayUrl } from '@mm/contracts';
import type { Command } from 'commander';
import { say } from './optimize.js';
import { withFile } from './run.js';
import { EXIT_BAD_INPUT } from './solve.js';

interface OptimizerFlags {
  config: string;
  logLevel: string;
  metricsPort?: string;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function bad(message: string): void {
  say('optimizer', message);
  process.exitCode = EXIT_BAD_INPUT;
}

/**
 * Run the optimizer service (queues, schedules, sandboxed workers, result publisher, metrics)
 * until SIGINT/SIGTERM, then stop gracefully: workers take no new job and the active ones get
 * `workers.shutdownTimeoutMs` to finish (unfinished ones go back to other workers); exit 0.
 * Any number of these processes may share one Redis and prefix: that is how workers scale out.
 */
async function runOptimizer(flags: OptimizerFlags): Promise<void> {
  const level = process.env.LOG_LEVEL ?? flags.logLevel;
  if (!LOG_LEVELS.includes(level)) {
    return bad(
      `option "--log-level": expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(level)}`,
    );
  }
  let metricsPort: number | undefined;
  if (flags.metricsPort !== undefined) {
    metricsPort = Number(flags.metricsPort);
    if (!(/^\s*\d+\s*$/.test(flags.metricsPort) && metricsPort <= 65_535))
      return bad(
        `option "--metrics-port": expected an integer in [0, 65535] (0: a free port), got ${JSON.stringify(flags.metricsPort)}`,
      );
  }
  const { EngineConfigError } = await import('@mm/config');
  const { createLogger } = await import('@mm/telemetry');
  const { InvalidJobDataError, loadOptimizerConfig, Optimizer, OptimizerConfigError } =
    await import('@mm/optimizer');
  let config: Awaited<ReturnType<typeof loadOptimizerConfig>>;
  try {
    config = await loadOptimizerConfig(flags.config);
  } catch (e) {
    if (e instanceof OptimizerConfigError) return bad(withFile(flags.config, e.message));
    throw e;
  }
  if (metricsPort !== undefined)
    config = { ...config, metrics: { ...config.metrics, port: metricsPort } };
  // Logs are JSON lines on stderr; stdout carries the start and stop lines.
  const logger = createLogger({
    name: 'mm-optimizer',
    level,
    destination: process.stderr,
  }).child({ app: 'optimizer' });
  // Signals are caught from here on: one during start-up stops the optimizer once it is up.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (s: NodeJS.Signals) => {
      process.once(s, () => process.exit(130)); // a second Ctrl-C does not wait
      resolve(s);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  let optimizer: Awaited<ReturnType<typeof Optimizer.start>>;
  try {
    optimizer = await Optimizer.start(config, { logger });
  } catch (e) {
    // The engine's config (its file names itself) or a schedule's job data: bad input.
    if (e instanceof EngineConfigError)
      return bad(withFile(config.engineConfig ?? flags.config, e.message));
    if (e instanceof InvalidJobDataError) return bad(withFile(flags.config, e.message));
    const why = e instanceof Error ? e.message : String(e);
    const hint = /EADDRINUSE/.test(why)
      ? ' (another optimizer, or mm start, serves metrics on this machine: --metrics-port 0 picks a free port)'
      : '';
    say('optimizer', `optimizer did not start: ${why}${hint}`);
    process.exitCode = 1;
    setTimeout(() => process.exit(), 200).unref();
    return;
  }
  const out = (text: string) => process.stdout.write(`mm optimizer: ${text}\n`);
  const w = config.workers;
  const types = w.enabled ? (w.types ?? optimizer.queues.types) : [];
  const perType: Partial<Record<string, number>> = w.concurrency;
  const concurrency = types.map((t) => `${t} ${perType[t] ?? 1}`).join(', ');
  const schedules = optimizer.schedule.upserted.map((s) => `${s.id} every ${s.everyMs / 1000} s`);
  out(
    `queues ${optimizer.queues.types.join(', ')} on ${displayUrl(config.redis.url)} prefix ${config.redis.prefix}; ` +
      (w.enabled ? `workers: ${concurrency} (jobs at once, ${w.sandbox})` : 'no workers') +
      `; schedules: ${schedules.length > 0 ? schedules.join(', ') : 'none'}` +
      `; metrics ${optimizer.metricsUrl ? `${optimizer.metricsUrl}/metrics` : 'off'}. ` +
      `Ctrl-C stops (active jobs get ${w.shutdownTimeoutMs / 1000} s to finish).`,
  );
  const signal = await stopSignal;
  const report = await optimizer.stop(signal);
  out(
    report.timedOut
      ? `stopped (${signal}); jobs still running after ${w.shutdownTimeoutMs / 1000} s were handed back to other workers`
      : `stopped (${signal}); every active job finished`,
  );
  process.exitCode = 0;
  // Connections and the metrics server are closed; anything else must not keep us alive.
  setTimeout(() => process.exit(), 200).unref();
}

/** `mm optimizer --config FILE`: the optimizer service (workers, schedules, metrics). */
export function addOptimizerCommand(program: Command): void {
  program
    .command('optimizer')
    .description(
      'run the optimizer: job queues on Redis, scheduled jobs, sandboxed workers, metrics; ' +
        'run several (on any machines sharing the Redis) to scale out',
    )
    .requiredOption('--config <file>', 'optimizer config, YAML or JSON')
    .option('--metrics-port <port>', "metrics port, overriding the config's (0: a free port)")
    .option(
      '--log-level <level>',
      `log level (${LOG_LEVELS.join(', ')}); LOG_LEVEL overrides`,
      'info',
    )
    .action((flags: OptimizerFlags) => runOptimizer(flags));
}
