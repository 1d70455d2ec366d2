import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'optimizer',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
  },
});
