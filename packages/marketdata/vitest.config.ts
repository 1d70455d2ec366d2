import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'marketdata',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
  },
});
