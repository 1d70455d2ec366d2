import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.e2e.test.ts'],
    exclude: ['node_modules/**'],
    setupFiles: ['../tooling/fastCheckSetup.ts'],
    // Engine and optimizer on real Redis: generous on a loaded machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
