import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { showAnalysis } from "../../lib/notebook/analysis-display";
import { Display } from "../../lib/notebook/display";
import { escapeHtml } from "../../lib/base/html";
import { chartsOf } from "../../lib/report/analysis-charts";

const FIXTURE = join(__dirname, "..", "fixtures", "analysis", "runs", "20250708_120000_fixture");
const LIB_MARKER = "plotly.js, bundled by bedrock-bench";

function capture(): { display: Display; outputs: string[] } {
  const outputs: string[] = [];
  return { display: new Display({ html: (h) => outputs.push(h) }), outputs };
}

test("a notebook shows every section, each chart once with its caption, plotly.js embedded once", async () => {
  const analysis = await analyzeResults(FIXTURE);
  const { display, outputs } = capture();
  showAnalysis(analysis, { display });
  const all = outputs.join("\n");
  assert.equal(all.split(LIB_MARKER).length - 1, 1);
  assert.equal(outputs.filter((o) => o.includes('class="bb-chart"')).length, chartsOf(analysis).charts.length);
  for (const chart of chartsOf(analysis).charts) assert.ok(all.includes(escapeHtml(chart.caption)), chart.id);
  for (const title of ["Overview", "Configuration", "Comparisons", "Metric definitions and method"]) assert.ok(all.includes(`<h2>${title}</h2>`), title);
  assert.ok(all.includes("fixture &lt;b&gt;haiku&lt;/b&gt; standard vs optimized"), "run.json values escaped");
  // cell by cell: only the sections asked for, and the library is not embedded twice on the same display
  const before = outputs.length;
  showAnalysis(analysis, { display, sections: ["comparisons"] });
  const more = outputs.slice(before).join("\n");
  assert.ok(more.includes("<h2>Comparisons</h2>"));
  assert.ok(!more.includes("<h2>Overview</h2>"));
  assert.ok(!more.includes(LIB_MARKER));
});
