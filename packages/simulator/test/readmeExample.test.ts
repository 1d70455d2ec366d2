import { ClosedFormPolicy } from '@mm/hjb-core';
import { expect, it } from 'vitest';
import {
  arithmeticBrownian,
  bpsFees,
  constantLatency,
  exponentialFills,
  simulate,
} from '../src/index.js';

it('the README example runs', () => {
  const policy = new ClosedFormPolicy(
    { sigmaPerSqrtSec: 0.05, aPerSec: 1.5, kPerPrice: 20, gamma: 0.5, xi: 0.5, lotSize: 1 },
    10, // qMax, lots
  );
  const result = simulate({
    initialMidPrice: 100,
    midModel: arithmeticBrownian({ sigmaPerSqrtSec: 0.05 }),
    fillModel: exponentialFills({ aPerSec: 1.5, kPerPrice: 20 }),
    feeModel: bpsFees({ makerBps: -0.5, takerBps: 2.5 }),
    latencyModel: constantLatency(0.02),
    policy,
    dtSec: 0.1,
    horizonSec: 3600,
    seed: 7,
    recordEverySteps: 10,
  });
  expect(result.path!.tSec.length).toBe(3601);
  expect(result.counts.makerBuys + result.counts.makerSells).toBeGreaterThan(1000);
  expect(Math.abs(result.inventoryLots)).toBeLessThanOrEqual(10);
  expect(result.feesQuote).toBeLessThan(0); // maker rebates only
});
