import { escapeHtml } from "../base/html";
import { formatUsd } from "../base/number-format";
import type { ProgressSnapshot } from "../engine/run-progress";
import { notebookHtml, type DisplaySink } from "./display";

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m ${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** The progress box as HTML: a bar and the counts, escaped. */
export function progressHtml(p: ProgressSnapshot): string {
  const pct = p.total > 0 ? Math.min(100, (100 * p.done) / p.total) : 0;
  const parts = [
    `${p.done} / ${p.total} requests (${pct.toFixed(0)}%)`,
    `${p.errors} errors`,
    `${p.throttles} throttled`,
    `${p.inFlight} in flight`,
    `${p.ratePerSec.toFixed(2)} req/s`,
    `elapsed ${formatDuration(p.elapsedMs)}`,
  ];
  if (p.costUsd !== undefined) parts.push(formatUsd(p.costUsd));
  const status = p.finished ? "finished" : "running";
  const message = (p.message ? `<div>${escapeHtml(p.message)}</div>` : "") + (p.note ? `<div class="bb-progress-note">${escapeHtml(p.note)}</div>` : "");
  return (
    `<div class="bb-progress" data-status="${status}" style="font-family:monospace">` +
    `<progress max="${p.total}" value="${p.done}" style="width:16em;vertical-align:middle"></progress> ` +
    `<span>${escapeHtml(parts.join(" · "))}</span>${message}</div>`
  );
}

/**
 * A progress display that updates one output in place (tslab's `newDisplay()`), at most every `minIntervalMs`
 * except for the final update, which is always shown.
 */
export class ProgressView {
  private lastShownMs = Number.NEGATIVE_INFINITY;
  private pending: ProgressSnapshot | undefined;

  constructor(
    private readonly sink: DisplaySink,
    private readonly minIntervalMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(snapshot: ProgressSnapshot): void {
    const t = this.now();
    if (!snapshot.finished && t - this.lastShownMs < this.minIntervalMs) {
      this.pending = snapshot;
      return;
    }
    this.pending = undefined;
    this.lastShownMs = t;
    this.sink.html(notebookHtml(progressHtml(snapshot)));
  }

  /** Shows the latest snapshot that was held back by the rate limit, if any. */
  flush(): void {
    if (this.pending) {
      this.sink.html(notebookHtml(progressHtml(this.pending)));
      this.pending = undefined;
    }
  }
}

/** A progress view bound to a fresh, in-place tslab output. */
export function notebookProgress(minIntervalMs = 250): ProgressView {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tslab = require("tslab") as typeof import("tslab");
  const entry = tslab.newDisplay();
  return new ProgressView({ html: (h) => entry.html(h) }, minIntervalMs);
}
