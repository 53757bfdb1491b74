/**
 * One timer for all of the emulator's scheduled writes.
 *
 * Tasks sit in two binary min-heaps ordered by due time (monotonic ms):
 * - **precise** tasks (first deltas, non-streaming responses: the moments a benchmark measures) — the scheduler arms
 *   a `setTimeout` `leadMs` before the earliest one (Node timers have 1 ms granularity and fire late, never early),
 *   then polls with `setImmediate`, which yields to I/O on every turn, and runs the task as soon as its time has
 *   passed: sub-millisecond lateness on an idle loop, for the price of polling during the last `leadMs` before each
 *   precise task;
 * - **relaxed** tasks (later chunks, whose ~1 ms jitter is far below their spacing) — plain timers, no polling, so a
 *   busy stream costs no CPU between its chunks.
 * Every tick runs all due tasks, re-reading the clock before each one: a precise task that is due runs before any
 * relaxed task (even one due earlier), so a burst of later chunks never delays a first delta by more than one write;
 * relaxed tasks run in due order among themselves. `checkpoint()` lets the server run due precise tasks from its I/O
 * callbacks (new connections, new requests), so they need not wait for the loop to reach the timer or check phase.
 * `leadMs: 0` disables polling altogether.
 */
export interface ScheduledTask {
  readonly dueMs: number;
  cancelled: boolean;
}

interface HeapEntry extends ScheduledTask {
  readonly order: number;
  readonly run: (lateMs: number) => void;
}

export interface SchedulerOptions {
  now: () => number;
  /** How long before a precise task the scheduler stops sleeping and starts polling. Default 1 ms. */
  leadMs?: number;
}

class TaskHeap {
  readonly items: HeapEntry[] = [];

  get top(): HeapEntry | undefined {
    return this.items[0];
  }

  push(entry: HeapEntry): void {
    const heap = this.items;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent] as HeapEntry)) break;
      heap[i] = heap[parent] as HeapEntry;
      i = parent;
    }
    heap[i] = entry;
  }

  pop(): HeapEntry | undefined {
    const heap = this.items;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right] as HeapEntry, heap[left] as HeapEntry) ? right : left;
      if (!before(heap[child] as HeapEntry, last)) break;
      heap[i] = heap[child] as HeapEntry;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Drops cancelled entries at the top. */
  prune(): void {
    while (this.items.length > 0 && (this.items[0] as HeapEntry).cancelled) this.pop();
  }
}

export class WriteTimer {
  private readonly precise = new TaskHeap();
  private readonly relaxed = new TaskHeap();
  private readonly now: () => number;
  private readonly leadMs: number;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private armedForMs = Number.POSITIVE_INFINITY;
  private sequence = 0;
  private stopped = false;
  private draining = false;

  constructor(options: SchedulerOptions) {
    this.now = options.now;
    this.leadMs = options.leadMs ?? 1;
  }

  /** Number of pending (including cancelled, not yet collected) tasks. */
  get size(): number {
    return this.precise.items.length + this.relaxed.items.length;
  }

  /** Runs `run(lateMs)` at monotonic time `dueMs` (or as soon as possible after it). */
  at(dueMs: number, run: (lateMs: number) => void, options: { precise?: boolean } = {}): ScheduledTask {
    const entry: HeapEntry = { dueMs, run, cancelled: false, order: this.sequence++ };
    if (this.stopped) {
      entry.cancelled = true;
      return entry;
    }
    const heap = options.precise ? this.precise : this.relaxed;
    heap.push(entry);
    if (heap.top === entry) this.arm();
    return entry;
  }

  cancel(task: ScheduledTask): void {
    task.cancelled = true;
  }

  /** Cancels everything; later `at()` calls are ignored. */
  stop(): void {
    this.stopped = true;
    for (const heap of [this.precise, this.relaxed]) {
      for (const entry of heap.items) entry.cancelled = true;
      heap.items.length = 0;
    }
    this.disarm();
  }

  private arm(): void {
    this.precise.prune();
    this.relaxed.prune();
    const precise = this.precise.top;
    const relaxed = this.relaxed.top;
    if (precise === undefined && relaxed === undefined) {
      this.disarm();
      return;
    }
    const now = this.now();
    if (precise !== undefined && precise.dueMs - now <= this.leadMs) {
      this.clearTimer();
      if (this.immediate === undefined) this.immediate = setImmediate(this.tick);
      return;
    }
    if (this.immediate !== undefined) return; // already polling; the tick re-arms
    // Wake `leadMs` before the precise task (to start polling), or at the relaxed task (never early).
    const wakePrecise = precise === undefined ? Number.POSITIVE_INFINITY : precise.dueMs - this.leadMs;
    const wakeRelaxed = relaxed === undefined ? Number.POSITIVE_INFINITY : relaxed.dueMs;
    const wakeMs = Math.min(wakePrecise, wakeRelaxed);
    if (this.timer !== undefined && this.armedForMs <= wakeMs) return;
    this.clearTimer();
    this.armedForMs = wakeMs;
    const wait = wakeMs - now;
    this.timer = setTimeout(this.tick, wakeMs === wakeRelaxed ? Math.max(0, Math.ceil(wait)) : Math.max(0, Math.floor(wait)));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
  }

  private disarm(): void {
    this.clearTimer();
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  /** Runs the precise tasks that are due now (a cheap no-op when none is); safe to call from any callback. */
  checkpoint(): void {
    if (this.draining || this.stopped) return;
    const top = this.precise.top;
    if (top === undefined || top.dueMs > this.now()) return;
    this.drain(false);
    this.arm();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
    if (!this.draining) this.drain(true);
    if (!this.stopped) this.arm();
  };

  /** Runs due tasks, precise ones first, reading the clock before each; relaxed ones only when `relaxed`. */
  private drain(relaxed: boolean): void {
    this.draining = true;
    try {
      for (;;) {
        this.precise.prune();
        if (relaxed) this.relaxed.prune();
        const now = this.now();
        const p = this.precise.top;
        let heap: TaskHeap;
        if (p !== undefined && p.dueMs <= now) heap = this.precise;
        else if (relaxed && this.relaxed.top !== undefined && this.relaxed.top.dueMs <= now) heap = this.relaxed;
        else break;
        const next = heap.pop() as HeapEntry;
        try {
          next.run(now - next.dueMs);
        } catch (err) {
          // A failing task must not stop the others nor crash the host (a notebook kernel): report it loudly.
          process.emitWarning(`bedrock-bench emulator: a scheduled write failed: ${(err as Error).stack ?? String(err)}`, "EmulatorSchedulerWarning");
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
}
