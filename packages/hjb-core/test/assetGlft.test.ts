import { describe, expect, it } from 'vitest';
import { assetGlftParams, glftPhiPerLot2Sec, glftProblem } from '../src/index.js';

describe('asset -> GLFT problem', () => {
  it('phi = gamma sigma^2 Delta / 2 (by hand: 0.1 * 0.5^2 * 3 / 2 = 0.0375)', () => {
    expect(glftPhiPerLot2Sec(0.1, 0.5, 3)).toBeCloseTo(0.0375, 15);
    expect(glftPhiPerLot2Sec(2, 3)).toBe(9);
  });

  it('counts inventory in clips of the quote size and carries the units through', () => {
    const p = assetGlftParams({
      sigma: 0.5,
      A: 1,
      k: 2,
      gamma: 0.1,
      qMaxLots: 10,
      quoteSizeLots: 3,
    });
    expect(p).toEqual({
      sigmaPerSqrtSec: 0.5,
      aPerSec: 1,
      kPerPrice: 2,
      gamma: 0.1,
      lotSize: 3,
      qMax: 3, // floor(10 / 3) clips
    });
    expect(glftProblem(p).phiPerLot2Sec).toBeCloseTo(glftPhiPerLot2Sec(0.1, 0.5, 3), 15);
  });

  it('refuses a bound below one clip, naming both fields', () => {
    expect(() =>
      assetGlftParams({ sigma: 1, A: 1, k: 1, gamma: 1, qMaxLots: 2, quoteSizeLots: 3 }),
    ).toThrow('qMaxLots (2) must be at least quoteSizeLots (3)');
  });
});
