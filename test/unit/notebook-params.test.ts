import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotebookParamsError, notebookParameters } from "../../lib/app/notebook-params";

const defaults = { dataset: "../datasets/demo.jsonl", concurrency: 4, dryRun: false, models: ["a"], resume: null as string | null };

function paramsFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "bb-params-")), "params.json");
  writeFileSync(file, content);
  return file;
}

describe("notebookParameters", () => {
  test("returns the defaults, frozen, when nothing overrides them", () => {
    const p = notebookParameters(defaults, {});
    assert.deepEqual(p, defaults);
    assert.ok(Object.isFrozen(p));
  });

  test("a params file overrides defaults, then BB_PARAM_ variables override the file", () => {
    const file = paramsFile(JSON.stringify({ concurrency: 16, dataset: "x.jsonl", resume: "results/r1" }));
    const p = notebookParameters(defaults, { BEDROCK_BENCH_PARAMS: file, BB_PARAM_CONCURRENCY: "32", BB_PARAM_DRY_RUN: "true", BB_PARAM_MODELS: "m1, m2" });
    assert.deepEqual(p, { dataset: "x.jsonl", concurrency: 32, dryRun: true, models: ["m1", "m2"], resume: "results/r1" });
  });

  test("an unknown BB_PARAM_ variable is reported, not silently ignored; known ones are not", () => {
    const warnings: string[] = [];
    const p = notebookParameters(defaults, { BB_PARAM_CONCURENCY: "8", BB_PARAM_CONCURRENCY: "6", OTHER: "x" }, (m) => warnings.push(m));
    assert.equal(p.concurrency, 6);
    assert.deepEqual(warnings, [
      "BB_PARAM_CONCURENCY is ignored: this notebook has no such parameter (it takes BB_PARAM_DATASET, BB_PARAM_CONCURRENCY, BB_PARAM_DRY_RUN, BB_PARAM_MODELS, BB_PARAM_RESUME)",
    ]);
  });

  test("names the file and the parameter for unknown names and wrong types", () => {
    const unknown = paramsFile(JSON.stringify({ concurency: 3 }));
    assert.throws(() => notebookParameters(defaults, { BEDROCK_BENCH_PARAMS: unknown }), (err: unknown) => {
      assert.ok(err instanceof NotebookParamsError);
      assert.match(err.message, new RegExp(`${unknown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: unknown parameter 'concurency'`));
      return true;
    });
    const wrong = paramsFile(JSON.stringify({ concurrency: "8" }));
    assert.throws(() => notebookParameters(defaults, { BEDROCK_BENCH_PARAMS: wrong }), /parameter 'concurrency' is "8" \(string\); expected a number/);
    assert.throws(() => notebookParameters(defaults, { BB_PARAM_CONCURRENCY: "many" }), /BB_PARAM_CONCURRENCY: 'many' is not a number/);
    assert.throws(() => notebookParameters(defaults, { BEDROCK_BENCH_PARAMS: paramsFile("[1]") }), /expected a JSON object/);
  });
});
