// The conformance scenarios' vitest settings (harness/run/conformance-config.ts), for running vitest
// by hand; omega-conformance passes the same settings inline.
import { defineConfig } from 'vitest/config';
import { CONFORMANCE_TEST_CONFIG } from './harness/run/conformance-config.ts';

export default defineConfig({ test: CONFORMANCE_TEST_CONFIG });
