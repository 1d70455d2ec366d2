import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../../tooling/fastCheckSetup.ts'],
    // Every test here spawns the built CLI (3-5 s each on a loaded 2-core machine): generous
    // timeouts, so a busy machine never fails a test that waits for the right event.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
