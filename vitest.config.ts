import { configDefaults, defineConfig } from 'vitest/config';

const BROWSER_TESTS = 'test/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    // Database tests on a busy 2-core machine: generous, never a measure of speed.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores do not gain from more workers.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-and-routes',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, BROWSER_TESTS],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Browser tests run after everything else, one file at a time: Chromium and axe need the
        // whole machine, and a page waiting for a busy CPU is not a failure of the page.
        extends: true,
        test: {
          name: 'browser',
          include: [BROWSER_TESTS],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 180_000,
          hookTimeout: 120_000,
          // govuk-frontend initialises components after load; give it time on a loaded machine.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
