import { Writable } from 'node:stream';
import {
  type EngineConfig,
  type OptimizerConfig,
  parseEngineConfig,
  parseOptimizerConfig,
} from '@mm/config';
import { type Logger, pino } from 'pino';
import { REDIS_URL } from './redis.js';

/** The engine's model of the test assets (price units, fills per second). */
export const BTC_MODEL = { sigma: 0.5, A: 1, k: 2, gamma: 0.1 } as const;
export const ETH_MODEL = { sigma: 0.05, A: 2, k: 20, gamma: 1 } as const;

/** An engine config on the sim venue: BTC and ETH, real Redis under `prefix`, metrics on port 0. */
export function engineConfigFor(prefix: string, ledgerDir = './var'): EngineConfig {
  return parseEngineConfig({
    assets: [
      {
        symbol: 'BTC',
        lotSizeBase: 0.001,
        tickSize: 0.01,
        qMaxLots: 4,
        policy: 'exact',
        model: BTC_MODEL,
      },
      {
        symbol: 'ETH',
        lotSizeBase: 0.01,
        tickSize: 0.001,
        qMaxLots: 6,
        policy: 'exact',
        model: ETH_MODEL,
      },
    ],
    venues: [
      {
        name: 'sim',
        kind: 'sim',
        seed: 3,
        bookIntervalMs: 50,
        initialMidPrice: { BTC: 100, ETH: 10 },
      },
    ],
    risk: {
      positionLimitLots: 5,
      portfolioNotionalLimit: 1e6,
      maxOrdersPerSec: 100,
      staleDataTimeoutMs: 2000,
      priceBandBps: 2000,
    },
    redis: { url: REDIS_URL, prefix, connectTimeoutMs: 1000 },
    metrics: { port: 0 },
    ledger: { dir: ledgerDir },
  });
}

/** An optimizer config for tests: Redis under `prefix`, no metrics server unless overridden. */
export function optimizerConfigFor(prefix: string, overrides: object = {}): OptimizerConfig {
  return parseOptimizerConfig({
    redis: { url: REDIS_URL, prefix },
    metrics: { enabled: false },
    ...overrides,
  });
}

/** A pino logger whose JSON lines are kept in memory. */
export function memoryLogger(level = 'debug'): {
  logger: Logger;
  lines: string[];
  records: () => Array<Record<string, unknown>>;
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      cb();
    },
  });
  return {
    logger: pino({ level, base: undefined }, destination),
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
