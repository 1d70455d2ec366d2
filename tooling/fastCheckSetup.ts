// Vitest setup for every project: property tests explore new random inputs on developers'
// machines, and replay one fixed seed in CI (CI=true) so that a red build is reproducible.
// Override either way with FC_SEED=<integer>; a failure prints its seed and path.
import fc from 'fast-check';

const fromEnv = process.env.FC_SEED === undefined ? Number.NaN : Number(process.env.FC_SEED);
const seed = Number.isInteger(fromEnv) ? fromEnv : process.env.CI ? 20261124 : undefined;
if (seed !== undefined) fc.configureGlobal({ seed });
