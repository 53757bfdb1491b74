/**
 * One timer for all of the emulator's scheduled writes.
 *
 * Tasks sit in a binary min-heap ordered by due time (monotonic ms). A single `setTimeout` is armed `leadMs` before the
 * earliest task (Node timers have 1 ms granularity and fire late, never early); once inside that lead window the
 * scheduler polls with `setImmediate`, which yields to I/O on every turn, and runs each task as soon as its due time has
 * passed. This keeps first-delta lateness well under a millisecond on an idle loop, at the cost of polling during the
 * last `leadMs` before a task. `leadMs: 0` disables polling (plain timers: cheaper, ~1 ms later).
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
  /** How long before a task the scheduler stops sleeping and starts polling. Default 1 ms. */
  leadMs?: number;
}

export class Scheduler {
  private readonly heap: HeapEntry[] = [];
  private readonly now: () => number;
  private readonly leadMs: number;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private armedForMs = Number.POSITIVE_INFINITY;
  private sequence = 0;
  private stopped = false;

  constructor(options: SchedulerOptions) {
    this.now = options.now;
    this.leadMs = options.leadMs ?? 1;
  }

  /** Number of pending (including cancelled, not yet collected) tasks. */
  get size(): number {
    return this.heap.length;
  }

  /** Runs `run(lateMs)` at monotonic time `dueMs` (or as soon as possible after it). */
  at(dueMs: number, run: (lateMs: number) => void): ScheduledTask {
    const entry: HeapEntry = { dueMs, run, cancelled: false, order: this.sequence++ };
    if (this.stopped) {
      entry.cancelled = true;
      return entry;
    }
    this.push(entry);
    if (this.heap[0] === entry) this.arm();
    return entry;
  }

  cancel(task: ScheduledTask): void {
    task.cancelled = true;
  }

  /** Cancels everything; later `at()` calls are ignored. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.heap) entry.cancelled = true;
    this.heap.length = 0;
    this.disarm();
  }

  private arm(): void {
    const first = this.heap[0];
    if (first === undefined) {
      this.disarm();
      return;
    }
    const wait = first.dueMs - this.now();
    if (wait <= this.leadMs) {
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.armedForMs = Number.POSITIVE_INFINITY;
      }
      if (this.immediate === undefined) this.immediate = setImmediate(this.tick);
      return;
    }
    if (this.timer !== undefined && this.armedForMs <= first.dueMs) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedForMs = first.dueMs;
    this.timer = setTimeout(this.tick, Math.max(0, Math.floor(wait - this.leadMs)));
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    this.armedForMs = Number.POSITIVE_INFINITY;
    let now = this.now();
    let ran = 0;
    while (this.heap.length > 0) {
      const first = this.heap[0] as HeapEntry;
      if (first.cancelled) {
        this.pop();
        continue;
      }
      if (first.dueMs > now) {
        if (ran > 0) now = this.now();
        if (first.dueMs > now) break;
      }
      this.pop();
      ran++;
      try {
        first.run(now - first.dueMs);
      } catch (err) {
        // A failing task must not stop the others; surface the bug instead of swallowing it.
        process.nextTick(() => {
          throw err;
        });
      }
    }
    if (!this.stopped) this.arm();
  };

  private push(entry: HeapEntry): void {
    const heap = this.heap;
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

  private pop(): HeapEntry | undefined {
    const heap = this.heap;
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
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.order < b.order);
}
