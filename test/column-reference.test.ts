import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { recordColumnsMarkdown, withColumnReference } from "../lib/column-reference";
import { RECORD_COLUMNS } from "../lib/records";

describe("column reference", () => {
  test("lists every requests.csv column once, in order", () => {
    const rows = recordColumnsMarkdown().split("\n").slice(2);
    assert.deepEqual(
      rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1]),
      RECORD_COLUMNS.map((c) => c.name),
    );
  });
  test("the README's column reference is up to date (run `npm run docs`)", () => {
    const readme = readFileSync(join(__dirname, "..", "README.md"), "utf8");
    assert.equal(withColumnReference(readme), readme);
  });
});
