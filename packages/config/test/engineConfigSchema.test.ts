import { EngineConfigError, parseEngineConfig } from '@mm/config';
import { describe, expect, it } from 'vitest';

const valid = () => ({
  assets: [
    {
      symbol: 'BTC-USD',
      lotSizeBase: 0.001,
      tickSize: 0.1,
      qMaxLots: 10,
      policy: 'exact',
      model: { A: 1.5, k: 0.3, sigma: 2, gamma: 0.01 },
    },
  ],
  venues: [{ name: 'sim1', kind: 'sim' }],
  risk: {
    positionLimitLots: 10,
    portfolioNotionalLimit: 100_000,
    maxOrdersPerSec: 5,
    staleDataTimeoutMs: 2000,
    priceBandBps: 50,
  },
});

describe('parseEngineConfig', () => {
  it('accepts a valid config and fills defaults (paper mode, 1-lot quotes)', () => {
    const c = parseEngineConfig(valid());
    expect(c.venues[0]?.mode).toBe('paper');
    expect(c.assets[0]?.quoteSizeLots).toBe(1);
    expect(c.replaceToleranceTicks).toBe(0);
  });

  it('names the field path of a non-positive lot size', () => {
    const c = valid();
    (c.assets[0] as { lotSizeBase: number }).lotSizeBase = 0;
    expect(() => parseEngineConfig(c)).toThrow(
      'config.assets[0].lotSizeBase: expected a number > 0',
    );
  });

  it('names the field path of a missing or mistyped field', () => {
    const c = valid() as Record<string, unknown>;
    (c.risk as Record<string, unknown>).staleDataTimeoutMs = 'soon';
    expect(() => parseEngineConfig(c)).toThrow(
      'config.risk.staleDataTimeoutMs: expected a number > 0',
    );
  });

  it('rejects an unknown policy, venue kind and mode with their paths', () => {
    const c = valid() as unknown as {
      assets: { policy: string }[];
      venues: { kind: string; mode?: string }[];
    };
    c.assets[0]!.policy = 'magic';
    c.venues[0]!.mode = 'yolo';
    try {
      parseEngineConfig(c);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EngineConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain("config.assets[0].policy: expected 'exact' | 'grid' | 'heuristic'");
      expect(msg).toContain("config.venues[0].mode: expected 'paper' | 'live'");
      expect((e as EngineConfigError).code).toBe('ENGINE_CONFIG_INVALID');
    }
  });

  it('rejects a non-positive model parameter and duplicate symbols', () => {
    const c = valid();
    c.assets[0]!.model.gamma = -1;
    c.assets.push({ ...c.assets[0]!, model: { A: 1, k: 1, sigma: 1, gamma: 1 } });
    expect(() => parseEngineConfig(c)).toThrow(
      'config.assets[0].model.gamma: expected a number > 0',
    );
    expect(() => parseEngineConfig(c)).toThrow('config.assets[1].symbol: duplicate symbol');
  });

  it('rejects a non-object', () => {
    expect(() => parseEngineConfig(null)).toThrow(EngineConfigError);
  });
});
