// run.json's contract (lib/records/run-manifest.ts): what parseRunManifest accepts and refuses, what readers that only
// show a run.json get, and the atomic write. (The engine's side, building and resuming, is in runner.test.ts.)
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  MANIFEST_FILE,
  ManifestError,
  type RunManifest,
  parseRunManifest,
  readManifestContent,
  readRunManifest,
  writeRunManifest,
} from "../../lib/records/run-manifest";
import { withTempDir } from "../helpers/temp-dir";

/** A complete manifest of this version, as the engine writes it (values are arbitrary but well typed). */
function manifest(): RunManifest {
  return {
    format: "bedrock-bench/run",
    formatVersion: 1,
    runId: "20250708_120000_unit",
    status: "completed",
    stopReason: null,
    message: "completed: 3 succeeded, 0 errors, 0 timeouts",
    experiment: { name: "unit", seed: 5, concurrency: 2 },
    dataset: { path: "/data/scenarios.jsonl", sha256: "ab12", scenarios: 3 },
    pricing: { path: "/data/pricing.csv", sha256: "cd34" },
    schedule: { requests: 3, warmupRequests: 0, measuredRequests: 3, seed: 5, order: "interleaved" },
    transport: {
      target: "emulator",
      httpHandler: "http2",
      handler: "NodeHttp2Handler { disableConcurrentStreams: true }",
      maxSockets: null,
      maxAttempts: 3,
      retryMode: "standard",
      endpoint: "http://127.0.0.1:4000",
      credentials: "dummy static credentials (emulator)",
      regions: ["us-east-1"],
    },
    emulator: { startedByRun: true, endpoint: "http://127.0.0.1:4000", options: { seed: 1 } },
    versions: { node: "v20.19.0", awsSdkClientBedrockRuntime: "3.900.0", bedrockBench: "0.1.0" },
    host: { hostname: "h", platform: "linux", release: "6.1", arch: "x64", cpus: 2, cpuModel: "cpu", totalMemoryBytes: 8e9 },
    startedAt: "2025-07-08T12:00:00.000Z",
    endedAt: "2025-07-08T12:00:01.000Z",
    sessions: [
      {
        startedAt: "2025-07-08T12:00:00.000Z",
        endedAt: "2025-07-08T12:00:01.000Z",
        status: "completed",
        sent: 3,
        pid: 1234,
        offsetOrigin: { monotonicMs: 100.5, epochMs: 1751976000000 },
      },
    ],
    estimate: { totalUsd: 0.01, requests: 3, unpricedRequests: 0, method: "expected_output_tokens" },
    measured: { costUsd: 0.009, byStatus: { success: 3, error: 0, timeout: 0, aborted: 0 }, recorded: 3 },
  };
}

/** The ManifestError message `fn` throws. */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ManifestError, `threw ${String(err)}`);
    assert.equal(err.kind, "results");
    return err.message;
  }
  assert.fail("did not throw");
}

describe("parseRunManifest", () => {
  test("returns a complete manifest as it is, with a sessions list of its own", () => {
    const value = manifest();
    const parsed = parseRunManifest(value, "r/run.json");
    assert.deepEqual(parsed, manifest());
    assert.notEqual(parsed.sessions, value.sessions);
    assert.equal(parsed.sessions[0], value.sessions[0]);
    assert.equal(parsed.transport, value.transport, "the value itself, not a copy made by the checks");
  });

  test("refuses what is not a bedrock-bench manifest", () => {
    const expected = 'r/run.json is not a bedrock-bench run manifest (no "format": "bedrock-bench/run")';
    for (const value of [null, 3, "run", [], {}, { ...manifest(), format: "other-tool/run" }]) {
      assert.equal(refusal(() => parseRunManifest(value, "r/run.json")), expected, JSON.stringify(value));
    }
  });

  test("refuses another format version, or none", () => {
    assert.equal(
      refusal(() => parseRunManifest({ ...manifest(), formatVersion: 2 }, "r/run.json")),
      "r/run.json has manifest format version 2; this version of bedrock-bench reads 1",
    );
    const { formatVersion: _, ...unversioned } = manifest();
    assert.equal(refusal(() => parseRunManifest(unversioned, "r/run.json")), "r/run.json has manifest format version undefined; this version of bedrock-bench reads 1");
  });

  test("refuses an incomplete manifest: the field and what is wrong with it; at most 5 issues, then how many more", () => {
    const one = { ...manifest(), status: "paused" };
    assert.equal(
      refusal(() => parseRunManifest(one, "r/run.json")),
      'r/run.json is not a complete run manifest: status: Invalid option: expected one of "running"|"completed"|"stopped"|"interrupted"|"failed"',
    );
    const nested = manifest() as unknown as { sessions: Record<string, unknown>[] };
    nested.sessions[0]!["sent"] = "3";
    assert.equal(refusal(() => parseRunManifest(nested, "r/run.json")), "r/run.json is not a complete run manifest: sessions[0].sent: Invalid input: expected number, received string");
    // Only the format and version: every other field (17) is missing.
    assert.equal(
      refusal(() => parseRunManifest({ format: "bedrock-bench/run", formatVersion: 1 }, "r/run.json")),
      "r/run.json is not a complete run manifest: " +
        "runId: Invalid input: expected string, received undefined; " +
        'status: Invalid option: expected one of "running"|"completed"|"stopped"|"interrupted"|"failed"; ' +
        'stopReason: Invalid option: expected one of "aborted"|"duration"|"budget"; ' +
        "message: Invalid input: expected string, received undefined; " +
        "experiment: Invalid input: expected record, received undefined; " +
        "12 more",
    );
  });

  test("accepts sessions without offsetOrigin (format version 1 as first written, before it was added)", () => {
    const old = manifest() as unknown as { sessions: Record<string, unknown>[] };
    delete old.sessions[0]!["offsetOrigin"];
    const parsed = parseRunManifest(old, "r/run.json");
    assert.equal(parsed.sessions[0]!.offsetOrigin, undefined);
    assert.equal("offsetOrigin" in parsed.sessions[0]!, false);
  });

  test("keeps fields it does not know (a later version's), at every level, and they survive a write and a read", async () => {
    await withTempDir((dir) => {
      const value = {
        ...manifest(),
        laterField: { kept: true },
        transport: { ...manifest().transport, proxy: "http://proxy:3128" },
        sessions: [{ ...manifest().sessions[0]!, hostname: "h2" }],
      };
      const parsed = parseRunManifest(value, "r/run.json");
      assert.deepEqual((parsed as unknown as Record<string, unknown>)["laterField"], { kept: true });
      writeRunManifest(dir, parsed);
      const read = readRunManifest(dir);
      assert.deepEqual(read, value);
      assert.deepEqual(Object.keys(read), Object.keys(value), "in the same order");
    });
  });
});

describe("readManifestContent (for readers that only show a run.json)", () => {
  test("an absent file: no content, no problem", async () => {
    await withTempDir((dir) => {
      assert.deepEqual(readManifestContent(dir), { path: join(dir, MANIFEST_FILE), content: null, problem: null });
    });
  });

  test("a file that is not JSON, or a JSON array: no content, and why", async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, MANIFEST_FILE), "{ not json");
      let parseMessage = "";
      try {
        JSON.parse("{ not json");
      } catch (err) {
        parseMessage = (err as Error).message;
      }
      assert.ok(parseMessage.length > 0);
      assert.deepEqual(readManifestContent(dir), { path: join(dir, MANIFEST_FILE), content: null, problem: `not valid JSON (${parseMessage})` });
      writeFileSync(join(dir, MANIFEST_FILE), "[1, 2]");
      assert.deepEqual(readManifestContent(dir), { path: join(dir, MANIFEST_FILE), content: null, problem: "expected a JSON object" });
      writeFileSync(join(dir, MANIFEST_FILE), "null");
      assert.deepEqual(readManifestContent(dir), { path: join(dir, MANIFEST_FILE), content: null, problem: "expected a JSON object" });
    });
  });

  test("any JSON object, unchecked (another tool's run.json too)", async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, MANIFEST_FILE), '{"format":"other-tool/run","runs":2}');
      assert.deepEqual(readManifestContent(dir), { path: join(dir, MANIFEST_FILE), content: { format: "other-tool/run", runs: 2 }, problem: null });
    });
  });
});

describe("writeRunManifest", () => {
  test("writes atomically: the whole file replaces the last one, and no temporary file is left", async () => {
    await withTempDir((dir) => {
      const folder = join(dir, "run");
      mkdirSync(folder);
      const first = manifest();
      writeRunManifest(folder, first);
      const second = { ...manifest(), status: "running" as const, endedAt: null };
      writeRunManifest(folder, second);
      assert.deepEqual(readdirSync(folder), [MANIFEST_FILE]);
      assert.equal(readFileSync(join(folder, MANIFEST_FILE), "utf8"), `${JSON.stringify(second, null, 2)}\n`);
      assert.deepEqual(readRunManifest(folder), second);
    });
  });
});
