// Kept apart from the loader so the CLI can name the error without loading zod.

/** The baseline cannot be used: the run cannot start (exit code 2). */
export class BaselineError extends Error {
  override name = 'BaselineError';
}
