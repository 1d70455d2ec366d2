import { parseOptimizerConfig } from '@mm/config';
import { BusKey, InProcessTransport, type Message, streamNames } from '@mm/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedOptimizer } from '../src/embedded/EmbeddedOptimizer.js';
import { engineConfigFor, memoryLogger } from './support/configs.js';
import { sleep } from './support/redis.js';

/**
 * Embedded mode (no Redis): the schedules run in worker threads (from the built dist) and solve
 * results are published on the in-process bus, where the engine subscribes.
 */
describe('EmbeddedOptimizer', () => {
  let optimizer: EmbeddedOptimizer | undefined;
  afterEach(async () => {
    await optimizer?.stop();
    optimizer = undefined;
  });

  it('runs the solve and validation schedules in worker threads and publishes parameters in process', async () => {
    const engineConfig = engineConfigFor('embedded');
    // the engine's bus under `mm start`, keyed with the engine's own key
    const transport = new InProcessTransport({ key: BusKey.ephemeral() });
    const names = streamNames('embedded');
    const received: Message[] = [];
    const sub = transport.subscribe(names.params, (m) => received.push(m));
    await sub.ready;
    const { logger, records } = memoryLogger('info');
    const config = parseOptimizerConfig({
      redis: { prefix: 'embedded' },
      metrics: { enabled: false },
      engineConfig: '/dev/null', // not read: the engine config is passed in
      schedule: {
        solve: { everySec: 3600 },
        validation: { everySec: 3600, data: { paths: 4, horizonSec: 20 } },
        calibration: { everySec: 3600 },
      },
    });
    optimizer = EmbeddedOptimizer.start(config, {
      logger,
      engineConfig,
      transport,
      paramsStream: names.params,
    });
    const deadline = Date.now() + 30_000;
    while (optimizer.counts.completed < 3 && Date.now() < deadline) await sleep(50);
    expect(optimizer.counts).toMatchObject({ completed: 3, failed: 0, published: 1 });
    await transport.flush();
    const params = received.filter((m) => m.type === 'params');
    expect(params).toHaveLength(1);
    if (params[0]?.type === 'params') {
      expect(params[0].payload.assets.map((a) => a.asset).sort()).toEqual(['BTC', 'ETH']);
    }
    const gaps = records().filter((r) => r.msg === 'heuristic gap');
    expect(gaps).toHaveLength(2); // one validation per asset
    expect(records().some((r) => String(r.msg).includes('calibration needs Redis'))).toBe(true);
    await sub.unsubscribe();
    await transport.close();
  }, 40_000);
});
