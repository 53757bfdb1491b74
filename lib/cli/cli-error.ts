/** An error the CLI reports as one line on stderr, exiting with `exitCode` (never a stack trace). */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
  }
}

/** Exit codes shared by every subcommand. */
export const EXIT = Object.freeze({
  ok: 0,
  failure: 1,
  usage: 2,
  /** The run stopped early (SIGINT / abort); completed records are kept and the run can be resumed. */
  interrupted: 130,
});
