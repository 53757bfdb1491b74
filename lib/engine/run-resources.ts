/**
 * What a session of a run holds open, released once whatever happens (`runExperiment` in lib/engine/runner.ts): what
 * it acquired to send requests (the emulator it started, the SDK clients, its listener on the caller's signal), last
 * acquired first released; then the run folder, last, as everything released before it may still write to its log.
 */

import type { ResultsWriter } from "./results-writer";

type Release = () => void | Promise<void>;

/** The type of the process warnings a run emits while it holds no folder to log them in. */
export const RUN_WARNING = "BedrockBenchRunWarning";

export class RunResources {
  private readonly sending: Release[] = [];
  private folder: ResultsWriter | null = null;

  /** Holds the run folder (reopened or created); it is closed last. Returns it. */
  holdFolder(store: ResultsWriter): ResultsWriter {
    this.folder = store;
    return store;
  }

  /** Adds the release of something acquired to send requests. */
  defer(release: Release): void {
    this.sending.push(release);
  }

  /** A warning in the run's log; while no folder is held, a process warning (on stderr unless the process handles it). */
  warn(message: string): void {
    if (this.folder) this.folder.log("warn", message);
    else process.emitWarning(`bedrock-bench run: ${message}`, RUN_WARNING);
  }

  /** Releases what was acquired to send requests, last acquired first; every release runs. Idempotent. */
  async releaseSending(): Promise<void> {
    let failure: { error: unknown } | null = null;
    for (let release = this.sending.pop(); release; release = this.sending.pop()) {
      try {
        await release();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  /** Releases everything: what sends requests, then the run folder. Idempotent. */
  async release(): Promise<void> {
    try {
      await this.releaseSending();
    } finally {
      this.folder?.close();
    }
  }
}
