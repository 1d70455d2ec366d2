import { z } from 'zod';
import { formatPath, generatorIssues } from './model/generator.js';

const positive = (what: string) => z.number().positive(`${what} must be > 0`);
const nonNegative = (what: string) => z.number().nonnegative(`${what} must be >= 0`);

/** One regime's market and model parameters (docs/math.md §8), as configured. */
export const regimeParamsSchema = z.strictObject({
  /** Volatility of the mid, price units per sqrt(second). */
  sigmaPerSqrtSec: positive('sigmaPerSqrtSec'),
  /** Fill rate of a quote at the mid, fills (lots) per second (`A` of `A exp(-k d)`). */
  aPerSec: positive('aPerSec'),
  /** Intensity decay per price unit of quote distance (`k`). */
  kPerPrice: positive('kPerPrice'),
  /** Gain risk aversion (GLFT model A: gamma; 0: risk-neutral gain), per price unit per lot. */
  xi: nonNegative('xi').default(0),
  /** Running inventory penalty `phi`, price units per lot^2 per second. */
  phiPerLot2Sec: nonNegative('phiPerLot2Sec'),
  /** Drift `mu`, price units per lot per second. */
  muPerLotSec: z.number().default(0),
  /** Inventory limit in lots, `|q| <= qMax`. */
  qMax: z.number().int('qMax must be an integer').min(1, 'qMax must be >= 1'),
});

/** Hysteresis of the regime the engine acts on (see `RegimeHysteresis`). */
export const regimeSwitchingSchema = z.strictObject({
  /** Probability another regime must reach before the acted-on regime changes. */
  threshold: z.number().gt(0.5, 'threshold must be > 0.5').lte(1, 'threshold must be <= 1'),
  /** Seconds it must stay at or above the threshold, continuously. */
  minDwellSec: nonNegative('minDwellSec'),
});

/** Regimes with their parameters, the generator between them, and the switching hysteresis. */
export const regimeConfigSchema = z
  .strictObject({
    regimes: z
      .array(regimeParamsSchema.extend({ name: z.string().min(1, 'name must not be empty') }))
      .min(1, 'at least one regime')
      .max(4, 'at most 4 regimes'),
    /** `G[r][r']`, switches per second from regime r to r'; rows sum to 0. */
    generatorPerSec: z.array(z.array(z.number())).superRefine((g, ctx) => {
      // Checked on the field itself, so these are reported even when a regime has errors.
      for (const issue of generatorIssues(g, 'generatorPerSec'))
        ctx.addIssue({ code: 'custom', path: issue.path.slice(1), message: issue.message });
    }),
    switching: regimeSwitchingSchema.default({ threshold: 0.8, minDwellSec: 0 }),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.regimes.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['regimes', i, 'name'],
          message: `duplicate name ${r.name}`,
        });
      names.add(r.name);
    });
    if (config.generatorPerSec.length !== config.regimes.length)
      ctx.addIssue({
        code: 'custom',
        path: ['generatorPerSec'],
        message: `must have ${config.regimes.length} rows (one per regime), got ${config.generatorPerSec.length}`,
      });
  });

export type RegimeParams = z.output<typeof regimeParamsSchema>;
export type RegimeConfig = z.output<typeof regimeConfigSchema>;
/** The accepted input shape (defaults not yet applied). */
export type RegimeConfigInput = z.input<typeof regimeConfigSchema>;

/** Invalid regime configuration; `issues` lists every problem with its field path. */
export class RegimeConfigError extends Error {
  override readonly name = 'RegimeConfigError';
  readonly code = 'REGIME_CONFIG_INVALID';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`invalid regime config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

/** Parse and validate at the edge; throws a `RegimeConfigError` naming each field path. */
export function parseRegimeConfig(input: unknown): RegimeConfig {
  const result = regimeConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new RegimeConfigError(
    result.error.issues.map((i) => ({
      path: formatPath(i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))) || '(root)',
      message: i.message,
    })),
  );
}
