import { test } from "node:test";
import assert from "node:assert/strict";
import { runConfiguration } from "../../lib/report/run-configuration";

test("run.json is flattened, the fields readers look for first, the rest in order", () => {
  const items = runConfiguration({
    versions: { node: "v20.20.2" },
    experiment: { maxAttempts: 1, concurrency: 8, target: "emulator", arrivals: { ratePerSec: 5, distribution: "poisson" } },
    dataset: { path: "datasets/x.jsonl", sha256: "ab12" },
    regions: ["us-east-1", "us-west-2"],
    emulator: {},
    runId: "20250708_120000",
  });
  assert.deepEqual(items, [
    { path: "runId", value: "20250708_120000" },
    { path: "experiment.target", value: "emulator" },
    { path: "dataset.path", value: "datasets/x.jsonl" },
    { path: "dataset.sha256", value: "ab12" },
    { path: "experiment.concurrency", value: "8" },
    { path: "experiment.arrivals.ratePerSec", value: "5" },
    { path: "experiment.arrivals.distribution", value: "poisson" },
    { path: "experiment.maxAttempts", value: "1" },
    { path: "versions.node", value: "v20.20.2" },
    { path: "regions", value: "us-east-1, us-west-2" },
    { path: "emulator", value: "(none)" },
  ]);
});

test("secret-looking fields are masked, long values shortened, huge manifests capped", () => {
  const items = runConfiguration({
    credentials: { accessKeyId: "AKIA…", secretAccessKey: "s" },
    aws: { sessionToken: "t", maxTokens: 5 },
    prompt: "x".repeat(500),
    many: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i])),
  });
  assert.deepEqual(items[0], { path: "credentials", value: "(hidden: the name suggests a secret)" });
  assert.deepEqual(items[1], { path: "aws.sessionToken", value: "(hidden: the name suggests a secret)" });
  assert.deepEqual(items[2], { path: "aws.maxTokens", value: "5" }, "a token count is not a secret");
  assert.equal(items[3]!.value.length, 240);
  assert.ok(items[3]!.value.endsWith("…"));
  assert.equal(items.length, 201);
  // 1 + 2 + 1 + 300 = 304 fields, 200 shown
  assert.deepEqual(items[200], { path: "…", value: "104 more fields in run.json" });
});
