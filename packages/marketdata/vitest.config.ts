import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'marketdata',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
    // Imports of the real recordings read megabytes of gzip: generous on a loaded machine.
    testTimeout: 60_000,
  },
});
