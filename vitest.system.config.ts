// Tests that need system packages: libfaketime, Chromium, a Docker engine (.ci/run installs them).
// Each fails loudly, naming the missing package, when its tool is absent.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/system/**/*.test.ts'],
    globalSetup: ['tests/build-dist.ts'],
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
