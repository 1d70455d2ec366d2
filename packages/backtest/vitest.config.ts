import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'backtest',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
  },
});
