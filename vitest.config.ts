// Unit tests of the suite itself (npm run test:unit). tests/system/ needs system packages: vitest.system.config.ts.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/system/**'],
  },
});
