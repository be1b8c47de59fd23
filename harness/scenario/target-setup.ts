// vitest setup file of the conformance run: before a file registers its scenarios, the target has
// arrived (a run begun before its target launched: harness/run/run-suites.ts). The modules every
// suite file uses load first, while the target may still be launching.
import './scenario.ts';
import './fixtures.ts';
import './steps-users.ts';
import { receiveTarget } from './target.ts';

await receiveTarget();
