import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arithmeticBrownian,
  binomialMid,
  choleskyOfCorrelation,
  exponentialFills,
  type MarketConfig,
  markovSwitchingMid,
  simulate,
  simulateMultiAsset,
} from '../src/index.js';
import { constantPolicy, quote } from './support/policies.js';
import { correlation } from './support/stats.js';

const market = (over: Partial<MarketConfig> = {}): MarketConfig => ({
  initialMidPrice: 100,
  midModel: arithmeticBrownian({ sigmaPerSqrtSec: 1 }),
  fillModel: exponentialFills({ aPerSec: 3, kPerPrice: 2 }),
  ...over,
});
const run = { dtSec: 0.1, horizonSec: 200, seed: 5 };

describe('choleskyOfCorrelation', () => {
  it('L L^T reproduces random correlation matrices (Gram matrices of unit vectors, often singular)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.array(
            fc.array(fc.double({ min: -1, max: 1, noNaN: true }), {
              minLength: n + 1,
              maxLength: n + 1,
            }),
            {
              minLength: n,
              maxLength: n,
            },
          ),
        ),
        (vs) => {
          const units = vs.map((v) => {
            const norm = Math.hypot(...v);
            return norm > 1e-3 ? v.map((x) => x / norm) : v.map((_, i) => (i === 0 ? 1 : 0));
          });
          const n = units.length;
          const c = units.map((a, i) =>
            units.map((b, j) => (i === j ? 1 : a.reduce((s, x, k) => s + x * b[k]!, 0))),
          );
          const l = choleskyOfCorrelation(c);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let k = 0; k < n; k++) s += l[i * n + k]! * l[j * n + k]!;
              // pivots below 1e-7 n count as zero (perfect correlation), dropping at most
              // sqrt(1e-7 n) < 1e-3 from near-singular matrices; well-conditioned ones are exact
              expect(Math.abs(s - c[i]![j]!)).toBeLessThan(1e-3);
            }
        },
      ),
    );
  });

  it('reproduces a well-conditioned correlation matrix to rounding', () => {
    const c = [
      [1, 0.6, -0.2],
      [0.6, 1, 0.1],
      [-0.2, 0.1, 1],
    ];
    const l = choleskyOfCorrelation(c);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l[i * 3 + k]! * l[j * 3 + k]!;
        expect(s).toBeCloseTo(c[i]![j]!, 14);
      }
  });

  it('allows perfectly correlated assets; rejects non-PSD, asymmetric or non-unit-diagonal matrices', () => {
    expect(
      Array.from(
        choleskyOfCorrelation([
          [1, 1],
          [1, 1],
        ]),
      ),
    ).toEqual([1, 0, 1, 0]);
    expect(() =>
      choleskyOfCorrelation([
        [1, 0.9, -0.9],
        [0.9, 1, 0.9],
        [-0.9, 0.9, 1],
      ]),
    ).toThrow(/semi-definite/);
    expect(() =>
      choleskyOfCorrelation([
        [1, 0.5],
        [0.4, 1],
      ]),
    ).toThrow(/correlation\[0\]\[1\]/);
    expect(() => choleskyOfCorrelation([[2]])).toThrow(/correlation\[0\]\[0\]/);
  });
});

describe('simulateMultiAsset', () => {
  it('with one asset it is exactly simulate', () => {
    for (const midModel of [
      binomialMid({ sigmaPerSqrtSec: 2 }),
      markovSwitchingMid({
        sigmasPerSqrtSec: [0.5, 2],
        generatorPerSec: [
          [-1, 1],
          [1, -1],
        ],
      }),
    ]) {
      const m = market({ midModel });
      const single = simulate({ ...m, ...run, policy: constantPolicy(0.4, 0.4) });
      const multi = simulateMultiAsset({
        ...run,
        assets: [m],
        correlation: [[1]],
        policies: [constantPolicy(0.4, 0.4)],
      });
      expect(multi.assets[0]).toEqual(single);
      expect(multi.pnlQuote).toBe(single.pnlQuote);
    }
  });

  it('mid increments carry the requested correlations; each asset keeps its own fills', () => {
    const c = [
      [1, 0.8, -0.3],
      [0.8, 1, 0],
      [-0.3, 0, 1],
    ];
    const r = simulateMultiAsset({
      ...run,
      horizonSec: 2000,
      assets: [
        market(),
        market({ initialMidPrice: 50 }),
        market({ midModel: arithmeticBrownian({ sigmaPerSqrtSec: 3 }) }),
      ],
      correlation: c,
      policies: [constantPolicy(0.4, 0.4), constantPolicy(0.4, 0.4), constantPolicy(0.4, 0.4)],
    });
    const inc = r.assets.map((a) => {
      const m = a.path!.midPrice;
      return Array.from({ length: m.length - 1 }, (_, i) => m[i + 1]! - m[i]!);
    });
    // 20k increments: the sample correlation's standard error is about 0.007
    expect(correlation(inc[0]!, inc[1]!)).toBeCloseTo(0.8, 1);
    expect(Math.abs(correlation(inc[0]!, inc[2]!) + 0.3)).toBeLessThan(0.035);
    expect(Math.abs(correlation(inc[1]!, inc[2]!))).toBeLessThan(0.035);
    expect(r.assets[0]!.fills).not.toEqual(r.assets[1]!.fills);
    const sum = r.assets.reduce((s, a) => s + a.pnlQuote, 0);
    expect(r.pnlQuote).toBeCloseTo(sum, 9);
    expect(r.pnlPathQuote![r.pnlPathQuote!.length - 1]).toBeCloseTo(sum, 9);
  });

  it('a portfolio policy sees every asset state and quotes each asset', () => {
    const seen: number[] = [];
    const r = simulateMultiAsset({
      ...run,
      horizonSec: 50,
      assets: [market(), market()],
      correlation: [
        [1, 0.5],
        [0.5, 1],
      ],
      policies: {
        decide(states) {
          seen.push(states.length);
          // hedge-like skew: quote the asset with the larger net exposure wider on the bid
          const net = states[0]!.inventoryLots + states[1]!.inventoryLots;
          return states.map(() =>
            quote(0.4 + 0.05 * Math.max(net, 0), 0.4 + 0.05 * Math.max(-net, 0)),
          );
        },
      },
    });
    expect(seen.length).toBe(500);
    expect(seen.every((n) => n === 2)).toBe(true);
    expect(r.assets.every((a) => a.decisions === 500)).toBe(true);
  });

  it('checks its inputs, naming the field', () => {
    const base = {
      ...run,
      assets: [market(), market()],
      policies: [constantPolicy(1, 1), constantPolicy(1, 1)],
    };
    expect(() => simulateMultiAsset({ ...base, correlation: [[1]] })).toThrow(/correlation/);
    expect(() =>
      simulateMultiAsset({
        ...base,
        correlation: [
          [1, 0],
          [0, 1],
        ],
        policies: [constantPolicy(1, 1)],
      }),
    ).toThrow(/policies/);
    expect(() =>
      simulateMultiAsset({
        ...base,
        assets: [market(), market({ lotSizeBase: -1 })],
        correlation: [
          [1, 0],
          [0, 1],
        ],
      }),
    ).toThrow(/assets\[1\]\.lotSizeBase/);
  });
});
