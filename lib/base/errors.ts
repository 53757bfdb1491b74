/**
 * The root of every error bedrock-bench throws on purpose. Each class says what kind of failure it is, and callers decide
 * by that kind (the CLI's exit code, a notebook's advice), never by listing classes: the AWS SDK's `ServiceException`
 * with its `$fault` is the model. A class's kind is fixed; a thrown value that is not a `BenchError` is a bug or an
 * unexpected system error (`errorKind` gives `undefined`).
 *
 * The emulator's `BedrockError` is not one: it is the wire error the emulator sends, not a failure of the tool.
 */

/**
 * - `input`: what the caller gave is invalid (a file, flag, option, parameter or request); it was refused before
 *   anything was done: no request sent, no file written.
 * - `budget`: the run's estimated cost is above its cap (or cannot be checked against it); nothing was sent.
 * - `results`: saved results cannot be read or used (a missing path, a bad cell, a folder that is not a run).
 * - `runtime`: something failed while working: Jupyter or a notebook cell, the demo's notebooks, a response stream, a
 *   record that cannot be written while a run sends requests.
 */
export const ERROR_KINDS = Object.freeze(["input", "budget", "results", "runtime"] as const);
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The root class: every error class of the library extends it and fixes its `kind`. */
export abstract class BenchError extends Error {
  override name = "BenchError";
  /** What kind of failure this is: see {@link ErrorKind}. */
  abstract readonly kind: ErrorKind;
}

/** The kind of a thrown value: a `BenchError`'s kind, or `undefined` for anything else (a bug, a system error). */
export function errorKind(err: unknown): ErrorKind | undefined {
  return err instanceof BenchError ? err.kind : undefined;
}
