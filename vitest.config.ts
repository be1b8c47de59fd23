// The project's own tests (npm test): harness, reference, catalogue, reports, CLI. They need only Node and npm.
// Conformance scenarios run through the CLI (vitest.conformance.config.ts); tests/system via vitest.system.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/build-dist.ts'],
    exclude: ['tests/system/**', 'node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
