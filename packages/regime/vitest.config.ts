import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'regime',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
  },
});
