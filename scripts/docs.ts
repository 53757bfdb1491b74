// Regenerates the parts of README.md that come from code (the requests.csv and summary CSV column references, the
// emulator's ground-truth fields).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withColumnReference, withSummaryColumnReference } from "../lib/analysis/column-reference";
import { withGroundTruthReference } from "../lib/emulator/ground-truth-fields";

const file = join(__dirname, "..", "README.md");
const before = readFileSync(file, "utf8");
const after = withGroundTruthReference(withSummaryColumnReference(withColumnReference(before)));
if (after !== before) {
  writeFileSync(file, after);
  console.log("README.md: generated references updated");
} else {
  console.log("README.md: up to date");
}
