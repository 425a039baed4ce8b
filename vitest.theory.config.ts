import { defineConfig } from 'vitest/config';

/** Only the src/theory tests: what Stryker (`npm run mutate`) runs against each mutant. */
export default defineConfig({
  test: {
    include: ['test/theory/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    reporters: ['default'],
  },
});
