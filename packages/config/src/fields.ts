import { z } from 'zod';

// The zod field builders every schema of the project uses, in two families whose messages are
// a contract (tests and scripts match them):
// - config fields (`expected a number > 0`): engine and optimizer config files;
// - data fields (`expected a finite number > 0`): job data, `mm solve` input, backtest configs,
//   whose error reporters add the path and the offending value.

const POSITIVE = 'expected a number > 0';
const NON_NEGATIVE = 'expected a number >= 0';
const POSITIVE_INT = 'expected an integer > 0';
const NON_EMPTY = 'expected a non-empty string';

/** A config number > 0. */
export const positive = () => z.number({ error: POSITIVE }).gt(0, { error: POSITIVE });
/** A config number >= 0. */
export const nonNegative = () => z.number({ error: NON_NEGATIVE }).gte(0, { error: NON_NEGATIVE });
/** A config integer > 0. */
export const positiveInt = () =>
  z.number({ error: POSITIVE_INT }).int({ error: POSITIVE_INT }).gt(0, { error: POSITIVE_INT });
/** A non-empty config string. */
export const nonEmptyString = () => z.string({ error: NON_EMPTY }).min(1, { error: NON_EMPTY });
/** A TCP port, 0 for any free one. */
export const tcpPort = () => {
  const message = 'expected an integer in [0, 65535]';
  return z
    .number({ error: message })
    .int({ error: message })
    .gte(0, { error: message })
    .lte(65_535, { error: message });
};
/** A deployment prefix: Redis keys and streams are `mm:{prefix}:...`. */
export const deploymentPrefix = () =>
  z
    .string({ error: 'expected a string' })
    .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'expected letters, digits, _ . : -' });

/** A finite data number satisfying `ok`; `what` completes "expected a finite number...". */
export function finiteNumber(what = '', ok: (v: number) => boolean = () => true) {
  const message = `expected a finite number${what}`;
  return z
    .number({ error: message })
    .refine((v) => Number.isFinite(v) && ok(v), { error: message });
}
/** A finite data number > 0 (and <= `max` when given). */
export const finitePositive = (max = Number.MAX_VALUE) =>
  finiteNumber(max === Number.MAX_VALUE ? ' > 0' : ` in (0, ${max}]`, (v) => v > 0 && v <= max);
/** A finite data number >= 0. */
export const finiteNonNegative = () => finiteNumber(' >= 0', (v) => v >= 0);
/** A data integer in `[min, max]`. */
export function integerIn(min: number, max: number) {
  const message = `expected an integer in [${min}, ${max}]`;
  return z
    .number({ error: message })
    .refine((v) => Number.isInteger(v) && v >= min && v <= max, { error: message });
}
