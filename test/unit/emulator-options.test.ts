import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { EmulatorOptionsError, parseEmulatorOptions, resolveEmulatorOptions } from "../../lib/emulator/options";
import { formatProblem } from "../../lib/base/input-error";
import { withTempDir } from "../helpers/temp-dir";

describe("emulator options: groundTruthFile (issue 18, defect 9d)", () => {
  test("a folder is refused at validation, on field groundTruthFile", async () => {
    await withTempDir((dir) => {
      try {
        parseEmulatorOptions({ groundTruthFile: dir }, "exp.json");
        assert.fail("a folder was accepted");
      } catch (err) {
        assert.ok(err instanceof EmulatorOptionsError);
        assert.deepEqual(err.problems.map(formatProblem), [
          `exp.json: field 'emulator.groundTruthFile' is ${JSON.stringify(dir.length > 60 ? `${dir.slice(0, 57)}…` : dir)} (string); expected a file path (this is a folder; name a file inside it, e.g. ground-truth.jsonl)`,
        ]);
      }
      assert.throws(
        () => resolveEmulatorOptions({ groundTruthFile: dir }),
        (err: unknown) => err instanceof EmulatorOptionsError && err.problems[0]?.field === "groundTruthFile",
      );
    });
  });

  test("a file that does not exist yet, or exists, is accepted", async () => {
    await withTempDir((dir) => {
      const file = join(dir, "truth.jsonl");
      assert.equal(parseEmulatorOptions({ groundTruthFile: file }, "exp.json").groundTruthFile, file);
    });
  });
});
