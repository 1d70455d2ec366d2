import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'infra',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../tooling/fastCheckSetup.ts'],
    // The tests spawn promtool, Prometheus, redis-server and the engine: generous timeouts.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
