import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { recordColumnsMarkdown, summaryColumnsMarkdown, withColumnReference, withSummaryColumnReference } from "../../lib/analysis/column-reference";
import { RECORD_COLUMNS } from "../../lib/records/request-record";
import { SUMMARY_COLUMNS } from "../../lib/analysis/summary";

describe("column reference", () => {
  test("lists every requests.csv column once, in order", () => {
    const rows = recordColumnsMarkdown().split("\n").slice(2);
    assert.deepEqual(
      rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1]),
      RECORD_COLUMNS.map((c) => c.name),
    );
  });
  test("lists every summary CSV column once, in order, then the error-class columns", () => {
    const rows = summaryColumnsMarkdown().split("\n").slice(2);
    assert.deepEqual(
      rows.map((r) => /^\| `([^`]+)`/.exec(r)?.[1]),
      [...SUMMARY_COLUMNS.map((c) => c.name), "error_rate_<class>"],
    );
  });
  test("the README's column references are up to date (run `npm run docs`)", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    assert.equal(withColumnReference(readme), readme);
    assert.equal(withSummaryColumnReference(readme), readme);
  });
});
