import { fileURLToPath } from 'node:url';
import { loadEngineConfig, positionLimitLotsOf } from '@mm/config';
import type { ParamsMessage } from '@mm/contracts';
import { checkParamsUpdate } from '@mm/engine';
import { runJob } from '@mm/optimizer';
import { describe, expect, it } from 'vitest';

// The optimizer's solve job and the engine's parameter check, on the shipped default config:
// what one app produces, the other accepts.

const NOW_MS = 1_700_000_000_000;
const DEFAULT_CONFIG = fileURLToPath(new URL('../config/default.yaml', import.meta.url));

describe('solve job -> engine params check', () => {
  it("the engine's update check accepts the payload built from its default config", async () => {
    const config = await loadEngineConfig(DEFAULT_CONFIG);
    const assets = config.assets.map((a) => ({
      asset: a.symbol,
      ...a.model,
      qMax: a.qMaxLots,
      quoteSizeLots: a.quoteSizeLots,
    }));
    const r = await runJob('solve', { assets }, { progress: () => {}, nowMs: NOW_MS });
    expect(r.models.every((m) => m.valid)).toBe(true);
    const message: ParamsMessage = {
      v: 2,
      type: 'params',
      ts: NOW_MS,
      source: 'optimizer',
      payload: r.params,
    };
    const check = checkParamsUpdate(message, {
      assets: config.assets,
      positionLimitLots: (a) => positionLimitLotsOf(config, a),
      maxChangeFactor: 10,
      nowMs: NOW_MS + 1,
    });
    expect(check.ok).toBe(true);
  });
});
