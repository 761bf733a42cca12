import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser tests run axe on every page; on a busy 2-core machine a journey can take over a minute.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Browser tests start Chromium; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
