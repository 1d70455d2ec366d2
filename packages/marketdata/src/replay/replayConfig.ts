import { backtestConfigSchema } from '@mm/backtest/run';
import { z } from 'zod';

// `mm backtest --config` with `"market": {"data": ...}`: a replay of recorded events instead of a
// simulated market. Its own schema (the synthetic one is @mm/backtest/run's); policies and the
// objective are read the same way.

function num(what = '', ok: (v: number) => boolean = () => true) {
  const message = `expected a finite number${what}`;
  return z
    .number({ error: message })
    .refine((v) => Number.isFinite(v) && ok(v), { error: message });
}
const positive = () => num(' > 0', (v) => v > 0);
const nonNegative = () => num(' >= 0', (v) => v >= 0);
const file = z.string({ error: 'expected a file path' }).min(1, { error: 'expected a file path' });

/** The model the policies are solved with: sigma (price/sqrt s), A (/s), k (/price). */
const modelParams = z.strictObject({ sigma: positive(), A: positive(), k: positive() });

export const replayConfigSchema = z.strictObject({
  title: z.string({ error: 'expected a string' }).optional(),
  market: z.strictObject({
    /** Imported event files (`.mmb` or L2 JSON lines): one, or several replayed one by one. */
    data: z.union([file, z.array(file).min(1, { error: 'expected at least one file' })], {
      error: 'expected a file path or an array of file paths',
    }),
    /** Our order size, base units per lot (default 1). */
    lotSizeBase: positive().optional(),
    makerFeeBps: num().optional(),
    takerFeeBps: num().optional(),
    /** Order latency, seconds (default 0). */
    latencySec: nonNegative().optional(),
    /** Position limit, lots. */
    qMax: z
      .number({ error: 'expected an integer in [1, 10000]' })
      .refine((v) => Number.isInteger(v) && v >= 1 && v <= 10_000, {
        error: 'expected an integer in [1, 10000]',
      })
      .optional(),
    /** Price units per tick (default: the book's smallest level gap). */
    tickSize: positive().optional(),
  }),
  /** The model parameters, or the path of a `mm calibrate --json` output (asset i for file i). */
  model: z.union([modelParams, file], {
    error: 'expected {sigma, A, k} or the path of a mm calibrate --json file',
  }),
  run: z
    .strictObject({
      /** Decide at most every this many seconds (default 0.1). */
      dt: positive().optional(),
      /** Block length of the bootstrap intervals, seconds (default 30). */
      blockSec: positive().optional(),
      seed: z
        .number({ error: 'expected an integer in [0, 2147483647]' })
        .refine((v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1, {
          error: 'expected an integer in [0, 2147483647]',
        })
        .optional(),
    })
    .optional(),
  objective: backtestConfigSchema.shape.objective,
  policies: backtestConfigSchema.shape.policies,
});

export type ReplayBacktestConfig = z.infer<typeof replayConfigSchema>;

/** Whether a parsed config asks for a replay (`market.data` present). */
export function isReplayConfig(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const market = (input as Record<string, unknown>).market;
  return typeof market === 'object' && market !== null && 'data' in market;
}
