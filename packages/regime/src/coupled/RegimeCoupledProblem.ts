import {
  ExponentialIntensity,
  type HjbProblem,
  type TerminalPenalty,
  validateHjbProblem,
} from '@mm/hjb-core';
import { type GeneratorPerSec, validateGenerator } from '../model/generator.js';
import type { RegimeModel } from '../model/RegimeModel.js';
import type { RegimeParams } from '../regimeConfigSchema.js';

/**
 * The single-asset reduced HJB with regime switching (docs/math.md §8): one `HjbProblem` per regime
 * (own intensities, `phi`, `mu`, terminal penalty; one inventory grid `qMax` for all) and
 *
 *   dh_r/dtau = F_r(h_r) + sum_{r'} G[r][r'] (h_{r'} - h_r)
 *
 * with `F_r` the regime's own right-hand side (docs/math.md §2) and `G` switches per second.
 * Values are price units per lot. Taker impulses are not supported by the coupled solvers.
 */
export interface RegimeCoupledProblem {
  readonly problems: readonly HjbProblem[];
  readonly generatorPerSec: GeneratorPerSec;
}

/** Check at the edge; throws a RangeError naming the field (e.g. `problems[1].qMax`). */
export function validateRegimeCoupledProblem(coupled: RegimeCoupledProblem): void {
  const { problems, generatorPerSec } = coupled;
  if (problems.length < 1) throw new RangeError('problems: at least one regime');
  validateGenerator(generatorPerSec, 'generatorPerSec', problems.length);
  const qMax = problems[0]!.qMax;
  problems.forEach((p, r) => {
    try {
      validateHjbProblem(p);
    } catch (err) {
      throw new RangeError(`problems[${r}].${(err as Error).message}`);
    }
    if (p.qMax !== qMax)
      throw new RangeError(
        `problems[${r}].qMax must equal problems[0].qMax = ${qMax}, got ${p.qMax}`,
      );
    if (p.taker)
      throw new RangeError(`problems[${r}].taker: taker impulses are not supported with regimes`);
  });
}

/**
 * The coupled problem of a regime model: per regime exponential intensities `A exp(-k d)` on
 * both sides (gain risk aversion `xi`), `phi`, `mu`, and the optional terminal penalty.
 * Every regime must have the same `qMax`.
 */
export function coupledProblemFromModel(
  model: RegimeModel<RegimeParams>,
  terminal?: TerminalPenalty,
): RegimeCoupledProblem {
  const problems = model.params.map((p, r): HjbProblem => {
    if (p.qMax !== model.params[0]!.qMax)
      throw new RangeError(
        `params[${r}].qMax must equal params[0].qMax = ${model.params[0]!.qMax} for the coupled HJB, got ${p.qMax}`,
      );
    const intensity = { aPerSec: p.aPerSec, kPerPrice: p.kPerPrice, xi: p.xi };
    return {
      qMax: p.qMax,
      bid: new ExponentialIntensity(intensity),
      ask: new ExponentialIntensity(intensity),
      phiPerLot2Sec: p.phiPerLot2Sec,
      muPerLotSec: p.muPerLotSec,
      ...(terminal ? { terminal } : {}),
    };
  });
  const coupled = { problems, generatorPerSec: model.generatorPerSec };
  validateRegimeCoupledProblem(coupled);
  return coupled;
}
