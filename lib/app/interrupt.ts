/**
 * Process signals wired to a run's `AbortController`, for the CLI (SIGINT, SIGTERM) and the notebooks (the kernel's
 * interrupt arrives as SIGINT), and the stand-alone emulator's wait for a stop signal. Listeners are removed when the
 * run ends, so a later run (or cell) starts from a clean process.
 */

export interface AbortOnSignalsOptions {
  /** Signals to listen to (default SIGINT and SIGTERM). */
  readonly signals?: readonly NodeJS.Signals[];
  /** Called on every signal with how many have arrived so far, before the controller is aborted (the first time). */
  readonly onSignal?: (signal: NodeJS.Signals, count: number) => void;
  /** The abort reason (default `new Error(<signal name>)`). */
  readonly reason?: (signal: NodeJS.Signals) => unknown;
}

/** Aborts `controller` on the first of `signals`; returns the function that stops listening. */
export function abortOnSignals(controller: AbortController, options: AbortOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ["SIGINT", "SIGTERM"];
  let count = 0;
  const listener = (signal: NodeJS.Signals): void => {
    count++;
    options.onSignal?.(signal, count);
    if (!controller.signal.aborted) controller.abort(options.reason ? options.reason(signal) : new Error(signal));
  };
  for (const s of signals) process.on(s, listener);
  return () => {
    for (const s of signals) process.off(s, listener);
  };
}

/** Resolves with the name of the first of `signals` (default SIGINT, SIGTERM) to arrive, then stops listening. */
export function waitForStopSignal(signals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"]): Promise<NodeJS.Signals> {
  return new Promise((resolveSignal) => {
    const controller = new AbortController();
    const stop = abortOnSignals(controller, {
      signals,
      onSignal: (signal) => {
        stop();
        resolveSignal(signal);
      },
    });
  });
}
