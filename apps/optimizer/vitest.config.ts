import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'optimizer',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
    // Tests here run real Redis servers and child processes: generous on a loaded machine.
    testTimeout: 30_000,
  },
});
