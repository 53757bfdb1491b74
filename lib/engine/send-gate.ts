/**
 * The send gate: one request at a time in the SDK's preparation (serialisation, endpoint rules, SigV4 signing,
 * ≈0.3–0.5 ms of CPU each on a small machine). Node runs that work on one thread, so a burst of N simultaneous
 * `send()` calls is prepared one after the other anyway, as one chain of microtasks that also holds back every
 * connection's I/O: measured on a 2-core machine, the first wave of a closed loop at concurrency 100 reached the
 * server ≈100 ms after its `send()` calls, all of it counted as TTFT. With the gate, a request enters `send()` when
 * the previous one has reached the HTTP handler and the event loop has turned once (its I/O ran): its measured
 * interval holds only its own preparation and transfer, and the wait for the gate is a client-side queue, recorded
 * (`queueWaitMs`, hence `scheduleLagMs`) like any other wait the client imposes (docs/measurement.md: "a
 * concurrency limit we impose is a queue: its wait is not service latency"). A large wait says the client machine,
 * not the service, limits the offered load.
 */

export class SendGate {
  private busy = false;
  private readonly waiting: ((release: () => void) => void)[] = [];

  /**
   * Resolves with a release function once the gate is free (release is idempotent), or with null when `signal`
   * aborts first (the place in the queue is given up).
   */
  acquire(signal?: AbortSignal): Promise<(() => void) | null> {
    if (signal?.aborted) return Promise.resolve(null);
    if (!this.busy) {
      this.busy = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const take = (release: () => void): void => {
        signal?.removeEventListener("abort", giveUp);
        resolve(release);
      };
      const giveUp = (): void => {
        const i = this.waiting.indexOf(take);
        if (i < 0) return; // already admitted (on its way): the caller gets the release and must use it
        this.waiting.splice(i, 1);
        resolve(null);
      };
      this.waiting.push(take);
      signal?.addEventListener("abort", giveUp, { once: true });
    });
  }

  /** Requests waiting for the gate. */
  get queued(): number {
    return this.waiting.length;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (!next) {
        this.busy = false;
        return;
      }
      // Admit the next one on a later turn of the event loop, so that the I/O of the request just handed over
      // (connecting, writing) runs before the next preparation, not after a whole burst of them.
      setImmediate(() => next(this.releaser()));
    };
  }
}
