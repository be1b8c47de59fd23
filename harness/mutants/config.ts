// The fixed settings of a mutation run: one place, so the worker and the CLI agree.
import { resolve } from 'node:path';
import { PACKAGE_ROOT } from '../run/version.ts';

/** Property budget for mutants: small and fixed, so runs are comparable. */
export const MUTANT_SEED = 42;
export const MUTANT_RUNS = 15;
/** Reply bound: short, so dead or silent variants end quickly (harness/scenario/health.ts). */
export const MUTANT_REPLY_TIMEOUT_MS = 1000;
/** Reply bound of the confirming run, for outcomes that rested on reply timeouts only (0: no confirming run). */
export const MUTANT_CONFIRM_TIMEOUT_MS = 5000;
/** A run slower than this is pointed out. */
export const MUTANT_SLOW_MS = 30_000;
/** Upper bound on one variant's whole run (a child process); it is killed past it. */
export const MUTANT_BOUND_MS = 90_000;
export const MUTANT_CONCURRENCY = 2;
/**
 * Lanes of npm run selftest: more than the cores, since many runs wait on reply bounds running out
 * (silent or dead variants) while their lane's CPU idles; measured in bench (issue 16).
 */
export const SELFTEST_CONCURRENCY = 3;
export const DEFAULT_JSON_REPORT = resolve(PACKAGE_ROOT, 'reports/out/mutants.json');
/** The name the worker and the reports use for the unmodified reference. */
export const REFERENCE_NAME = 'reference';
