import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ProgressSnapshot } from "../../lib/engine/run-progress";
import { ProgressView, progressHtml } from "../../lib/notebook/progress-view";
import { notebookHtml } from "../../lib/notebook/display";

const base: ProgressSnapshot = { done: 3, total: 12, errors: 1, throttles: 1, inFlight: 2, elapsedMs: 65_000, ratePerSec: 0.0461 };

describe("progressHtml", () => {
  test("shows counts, percent, rate and elapsed time", () => {
    const html = progressHtml(base);
    assert.match(html, /<progress max="12" value="3"/);
    assert.match(html, /3 \/ 12 requests \(25%\) · 1 errors · 1 throttled · 2 in flight · 0\.05 req\/s · elapsed 1m 05s/);
    assert.match(html, /data-status="running"/);
  });
  test("shows the cost so far when known", () => {
    assert.doesNotMatch(progressHtml(base), /\$/);
    assert.match(progressHtml({ ...base, costUsd: 0.012345 }), /elapsed 1m 05s · \$0\.0123<\/span>/);
  });
  test("escapes the closing message", () => {
    assert.match(progressHtml({ ...base, finished: true, message: "<b>stopped</b>" }), /&lt;b&gt;stopped&lt;\/b&gt;/);
  });
});

describe("ProgressView", () => {
  test("rate-limits intermediate updates but always shows the final one", () => {
    const shown: string[] = [];
    let t = 0;
    const view = new ProgressView({ html: (h) => shown.push(h) }, 250, () => t);
    view.update({ ...base, done: 1 });
    t = 100;
    view.update({ ...base, done: 2 }); // held back
    t = 200;
    view.update({ ...base, done: 3, finished: true });
    assert.equal(shown.length, 2);
    // each update is the whole box, wrapped like every notebook output against math typesetting (display.ts)
    assert.equal(shown[0], notebookHtml(progressHtml({ ...base, done: 1 })));
    assert.match(shown[0]!, /value="1"/);
    assert.match(shown[1]!, /value="3"/);
    t = 300;
    view.update({ ...base, done: 4 }); // held back again (100 ms after the final one)
    view.flush();
    assert.equal(shown.length, 3);
    assert.match(shown[2]!, /value="4"/);
  });
});
