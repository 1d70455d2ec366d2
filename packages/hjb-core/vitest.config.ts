import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'hjb-core',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
  },
});
