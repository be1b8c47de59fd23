// How the conformance scenarios run: one worker, files in sequence (path order), modules shared
// between files, because one target has one clock and one health state (harness/scenario/health.ts).
// Handed to vitest inline (no config file to load through the module hooks), and re-exported by
// vitest.conformance.config.ts for maintainers who run vitest by hand.
import { fileURLToPath } from 'node:url';
import { PathOrderSequencer } from './sequencer.ts';

/** The setup file that waits for the target, in the form this code runs as (.ts sources or compiled .js). */
const TARGET_SETUP = fileURLToPath(
  new URL(`../scenario/target-setup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

export const CONFORMANCE_TEST_CONFIG = {
  // .ts from the sources, .js from the compiled build (dist/): the root is the one the code runs from.
  include: ['suites/**/*.test.{ts,js}'],
  exclude: [] as string[],
  setupFiles: [TARGET_SETUP],
  pool: 'threads' as const,
  maxWorkers: 1,
  isolate: false,
  fileParallelism: false,
  sequence: { shuffle: false, concurrent: false, sequencer: PathOrderSequencer },
  // No results cache: it would reorder files and is shared by concurrent runs.
  cache: false as const,
  testTimeout: 120_000,
  hookTimeout: 30_000,
  watch: false,
};
