/** What the CLI and the notebooks share: how paths are shown, and process signals wired to a run's abort. */
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { abortOnSignals, waitForStopSignal } from "../../lib/app/interrupt";
import { shownPath } from "../../lib/app/shown-path";

describe("shownPath", () => {
  test("relative inside the folder, as given outside it or for the folder itself", () => {
    const root = resolve("/work/project");
    assert.equal(shownPath(join(root, "results", "20250708_120000_demo"), root), join("results", "20250708_120000_demo"));
    assert.equal(shownPath("/elsewhere/run", root), "/elsewhere/run");
    assert.equal(shownPath(join(root, "..", "sibling", "x.csv"), root), join(root, "..", "sibling", "x.csv"));
    assert.equal(shownPath(root, root), root);
  });

  test("from the working directory by default", () => {
    assert.equal(shownPath(join(process.cwd(), "results", "a")), join("results", "a"));
  });
});

describe("abortOnSignals", () => {
  const before = { SIGINT: process.listenerCount("SIGINT"), SIGTERM: process.listenerCount("SIGTERM") };
  afterEach(() => {
    assert.equal(process.listenerCount("SIGINT"), before.SIGINT, "no SIGINT listener left behind");
    assert.equal(process.listenerCount("SIGTERM"), before.SIGTERM, "no SIGTERM listener left behind");
  });

  test("the first signal aborts with the signal's name; each one is counted; stop() removes the listeners", () => {
    const controller = new AbortController();
    const seen: [string, number][] = [];
    const stop = abortOnSignals(controller, { onSignal: (signal, count) => seen.push([signal, count]) });
    assert.equal(process.listenerCount("SIGINT"), before.SIGINT + 1);
    assert.equal(process.listenerCount("SIGTERM"), before.SIGTERM + 1);
    process.emit("SIGTERM", "SIGTERM");
    assert.equal(controller.signal.aborted, true);
    assert.equal((controller.signal.reason as Error).message, "SIGTERM");
    process.emit("SIGINT", "SIGINT");
    assert.deepEqual(seen, [["SIGTERM", 1], ["SIGINT", 2]]);
    assert.equal((controller.signal.reason as Error).message, "SIGTERM", "the first reason stays");
    stop();
  });

  test("only the signals asked for, with the reason asked for", () => {
    const controller = new AbortController();
    const stop = abortOnSignals(controller, { signals: ["SIGINT"], reason: () => new Error("interrupted from the notebook") });
    assert.equal(process.listenerCount("SIGTERM"), before.SIGTERM);
    process.emit("SIGINT", "SIGINT");
    assert.equal((controller.signal.reason as Error).message, "interrupted from the notebook");
    stop();
  });

  test("waitForStopSignal resolves with the first signal and stops listening", async () => {
    const waiting = waitForStopSignal();
    process.emit("SIGTERM", "SIGTERM");
    assert.equal(await waiting, "SIGTERM");
  });
});
