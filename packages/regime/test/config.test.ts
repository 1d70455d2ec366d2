import { describe, expect, it } from 'vitest';
import {
  coupledProblemFromModel,
  createRegimeModel,
  MarkovSwitchingFilter,
  parseRegimeConfig,
  RegimeConfigError,
  regimeModelFromConfig,
  solveCoupledStationary,
  validateGenerator,
} from '../src/index.js';

const valid = {
  regimes: [
    {
      name: 'calm',
      sigmaPerSqrtSec: 0.5,
      aPerSec: 2,
      kPerPrice: 1.5,
      phiPerLot2Sec: 0.005,
      qMax: 6,
    },
    { name: 'storm', sigmaPerSqrtSec: 2, aPerSec: 1, kPerPrice: 1.5, phiPerLot2Sec: 0.08, qMax: 6 },
  ],
  generatorPerSec: [
    [-0.002, 0.002],
    [0.01, -0.01],
  ],
};

function issuesOf(input: unknown): string[] {
  try {
    parseRegimeConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(RegimeConfigError);
    expect((err as RegimeConfigError).name).toBe('RegimeConfigError');
    expect((err as RegimeConfigError).code).toBe('REGIME_CONFIG_INVALID');
    return (err as RegimeConfigError).issues.map((i) => i.path);
  }
  throw new Error('expected the config to be rejected');
}

describe('regime config (zod)', () => {
  it('parses a valid config and applies defaults', () => {
    const config = parseRegimeConfig(valid);
    expect(config.regimes[0]!.xi).toBe(0);
    expect(config.regimes[0]!.muPerLotSec).toBe(0);
    expect(config.switching).toEqual({ threshold: 0.8, minDwellSec: 0 });
  });

  it('names the field path of every problem', () => {
    const bad = structuredClone(valid) as typeof valid & Record<string, unknown>;
    (bad.regimes[0] as Record<string, unknown>).kPerPrice = -1;
    (bad.regimes[1] as Record<string, unknown>).qMax = 2.5;
    bad.generatorPerSec[1]![0] = -0.01;
    expect(issuesOf(bad)).toEqual(
      expect.arrayContaining(['regimes[0].kPerPrice', 'regimes[1].qMax', 'generatorPerSec[1][0]']),
    );
  });

  it('rejects rows that do not sum to 0, a wrong shape, duplicate names, unknown keys', () => {
    expect(
      issuesOf({
        ...valid,
        generatorPerSec: [
          [-1, 0.5],
          [0.1, -0.1],
        ],
      }),
    ).toEqual(['generatorPerSec[0]']);
    expect(issuesOf({ ...valid, generatorPerSec: [[0]] })).toEqual(['generatorPerSec']);
    expect(
      issuesOf({ ...valid, regimes: [valid.regimes[0], { ...valid.regimes[1], name: 'calm' }] }),
    ).toEqual(['regimes[1].name']);
    expect(
      issuesOf({ ...valid, regimes: [{ ...valid.regimes[0], sigma: 1 }, valid.regimes[1]] }),
    ).toEqual(['regimes[0]']);
    expect(issuesOf({ ...valid, switching: { threshold: 0.4, minDwellSec: 0 } })).toEqual([
      'switching.threshold',
    ]);
  });
});

describe('RegimeModel', () => {
  it('from config: names, generator and parameters, usable by the filter and the coupled HJB', () => {
    const model = regimeModelFromConfig(parseRegimeConfig(valid));
    expect(model.names).toEqual(['calm', 'storm']);
    expect(Object.isFrozen(model.generatorPerSec[0])).toBe(true);
    const filter = MarkovSwitchingFilter.fromModel(model);
    // Default prior: the stationary distribution of G (0.01 / 0.012 calm).
    expect(filter.value[0]).toBeCloseTo(0.01 / 0.012, 12);
    const st = solveCoupledStationary(coupledProblemFromModel(model));
    expect(st.tables).toHaveLength(2);
  });

  it('names the field when invalid', () => {
    const params = [{}, {}];
    expect(() =>
      createRegimeModel({
        names: ['a', 'a'],
        generatorPerSec: [
          [0, 0],
          [0, 0],
        ],
        params,
      }),
    ).toThrow(/names\[1\]/);
    expect(() =>
      createRegimeModel({
        names: ['a', 'b'],
        generatorPerSec: [
          [0, 0],
          [0, 0],
        ],
        params: [{}],
      }),
    ).toThrow(/params/);
    expect(() =>
      validateGenerator([
        [-1, 1],
        [1, Number.NaN],
      ]),
    ).toThrow(/generatorPerSec\[1\]\[1\]/);
    const model = regimeModelFromConfig(parseRegimeConfig(valid));
    expect(() =>
      coupledProblemFromModel({
        ...model,
        params: [model.params[0]!, { ...model.params[1]!, qMax: 3 }],
      }),
    ).toThrow(/params\[1\]\.qMax/);
  });
});
