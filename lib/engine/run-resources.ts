/**
 * What a session of a run holds open, released once whatever happens (`runExperiment` in lib/engine/runner.ts): what
 * it acquired to send requests (the emulator it started, the SDK clients, its listener on the caller's signal), last
 * acquired first released; then the run folder, last, as everything released before it may still write to its log.
 */

import type { ResultsStore } from "./results-writer";

type Release = () => void | Promise<void>;

export class RunResources {
  private readonly sending: Release[] = [];
  private folder: ResultsStore | null = null;

  /** Holds the run folder (reopened or created); it is closed last. Returns it. */
  holdFolder(store: ResultsStore): ResultsStore {
    this.folder = store;
    return store;
  }

  /** Adds the release of something acquired to send requests. */
  defer(release: Release): void {
    this.sending.push(release);
  }

  /** A warning in the run's log (dropped while no folder is held). */
  warn(message: string): void {
    this.folder?.log("warn", message);
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
