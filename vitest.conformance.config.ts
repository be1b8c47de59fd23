// How the conformance scenarios run: one worker, files in sequence, modules shared between files,
// because one target has one clock and one health state (harness/scenario/health.ts).
import { defineConfig } from 'vitest/config';
import { PathOrderSequencer } from './harness/run/sequencer.ts';

export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    exclude: [],
    pool: 'threads',
    maxWorkers: 1,
    isolate: false,
    fileParallelism: false,
    sequence: { shuffle: false, concurrent: false, sequencer: PathOrderSequencer },
    // No results cache: it would reorder files and is shared by concurrent runs.
    cache: false,
    testTimeout: 120_000,
    hookTimeout: 30_000,
    watch: false,
  },
});
