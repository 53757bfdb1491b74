import { BenchError, errorKind, type ErrorKind } from "../base/errors";

/** Exit codes shared by every subcommand. */
export const EXIT = Object.freeze({
  ok: 0,
  failure: 1,
  usage: 2,
  /** The run stopped early (SIGINT / abort); completed records are kept and the run can be resumed. */
  interrupted: 130,
});

/**
 * The exit code of each kind of error (lib/base/errors.ts): the one place the CLI decides it. Whatever was refused
 * before anything was done (bad input, a budget above its cap, unreadable results) is a usage error, 2; a failure while
 * working is 1. An interrupted run is not an error: `run` returns {@link EXIT}.interrupted from its outcome.
 */
export const EXIT_CODE_OF_KIND: Readonly<Record<ErrorKind, number>> = Object.freeze({
  input: EXIT.usage,
  budget: EXIT.usage,
  results: EXIT.usage,
  runtime: EXIT.failure,
});

/** The exit code for an error thrown out of a command: by its kind; anything else (a bug, a system error) is a failure. */
export function exitCodeOf(err: unknown): number {
  const kind = errorKind(err);
  return kind === undefined ? EXIT.failure : EXIT_CODE_OF_KIND[kind];
}

/** An error of the CLI itself (a flag, a missing argument), reported as one line on stderr; its kind gives the exit code. */
export class CliError extends BenchError {
  override name = "CliError";
  constructor(
    message: string,
    override readonly kind: ErrorKind,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** The exit code its kind gives ({@link EXIT_CODE_OF_KIND}). */
  get exitCode(): number {
    return EXIT_CODE_OF_KIND[this.kind];
  }
}
