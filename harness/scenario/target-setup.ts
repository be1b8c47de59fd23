// vitest setup file of the conformance run: before a file registers its scenarios, the target has
// arrived (a run begun before its target launched: harness/run/run-suites.ts).
import { receiveTarget } from './target.ts';

await receiveTarget();
