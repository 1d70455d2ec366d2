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

// biome-ignore lint/suspicious/noExplicitAny: tests edit untyped config objects
type LooseConfig = Record<string, any>;

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
      'config.risk.staleDataTimeoutMs: expected a number of milliseconds in (0, 2147483647]',
    );
  });

  it('refuses timer spans of 2^31 ms or more (Node would fire them after 1 ms), naming the field', () => {
    const cases: [string, (c: LooseConfig) => void][] = [
      ['config.venues[0].latencyMs', (c) => (c.venues[0].latencyMs = 1e12)],
      ['config.snapshotIntervalMs', (c) => (c.snapshotIntervalMs = 3e9)],
      ['config.reconcileIntervalMs', (c) => (c.reconcileIntervalMs = 3e9)],
      ['config.risk.staleDataTimeoutMs', (c) => (c.risk.staleDataTimeoutMs = 2 ** 31)],
    ];
    for (const [field, edit] of cases) {
      const c = valid() as LooseConfig;
      edit(c);
      expect(() => parseEngineConfig(c)).toThrow(`${field}: expected a number of milliseconds in`);
    }
    // the largest span a timer holds is accepted
    const c = valid() as LooseConfig;
    c.reconcileIntervalMs = 2 ** 31 - 1;
    expect(parseEngineConfig(c).reconcileIntervalMs).toBe(2 ** 31 - 1);
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
