import type { RegimeConfig, RegimeParams } from '../regimeConfigSchema.js';
import { type GeneratorPerSec, validateGenerator } from './generator.js';

/**
 * `R` volatility regimes with a generator between them and one parameter set per regime
 * (docs/math.md §8). Shared by the single-asset coupled HJB (`coupled/`) and the multi-asset coupled
 * Riccati (`coupledMulti/`); `P` is the per-regime parameter set (default: the configured
 * `RegimeParams`).
 */
export interface RegimeModel<P = RegimeParams> {
  /** One name per regime, e.g. `['calm', 'storm']`. */
  readonly names: readonly string[];
  /** `G[r][r']`, switches per second; off-diagonals >= 0, rows sum to 0. */
  readonly generatorPerSec: GeneratorPerSec;
  /** Parameters of each regime, index-aligned with `names`. */
  readonly params: readonly P[];
}

/** Number of regimes `R`. */
export function regimeCount(model: RegimeModel<unknown>): number {
  return model.names.length;
}

/**
 * Check a model and return a frozen copy: names non-empty and unique, one parameter set and one
 * generator row per name, the generator valid. Throws a RangeError naming the field.
 */
export function createRegimeModel<P>(model: RegimeModel<P>): RegimeModel<P> {
  const { names, generatorPerSec, params } = model;
  if (names.length < 1) throw new RangeError('names: at least one regime');
  names.forEach((name, r) => {
    if (name.length === 0) throw new RangeError(`names[${r}]: must not be empty`);
    if (names.indexOf(name) !== r) throw new RangeError(`names[${r}]: duplicate name ${name}`);
  });
  if (params.length !== names.length)
    throw new RangeError(`params: must have ${names.length} entries, got ${params.length}`);
  validateGenerator(generatorPerSec, 'generatorPerSec', names.length);
  return Object.freeze({
    names: Object.freeze([...names]),
    generatorPerSec: Object.freeze(generatorPerSec.map((row) => Object.freeze([...row]))),
    params: Object.freeze([...params]),
  });
}

/** The model of a parsed `RegimeConfig` (see `parseRegimeConfig`). */
export function regimeModelFromConfig(config: RegimeConfig): RegimeModel<RegimeParams> {
  return createRegimeModel({
    names: config.regimes.map((r) => r.name),
    generatorPerSec: config.generatorPerSec,
    params: config.regimes.map(({ name: _name, ...params }) => params),
  });
}
