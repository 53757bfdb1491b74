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
  for (const title of ["Findings", "Overview", "Appendix: run configuration", "Comparisons", "Metric definitions and method"]) assert.ok(all.includes(`<h2>${title}</h2>`), title);
  // the findings open, the run configuration closes, folded
  assert.ok(all.indexOf("<h2>Findings</h2>") < all.indexOf("<h2>Overview</h2>"));
  assert.ok(all.indexOf("<h2>Appendix: run configuration</h2>") > all.indexOf("<h2>Metric definitions and method</h2>"));
  assert.ok(all.includes('<details class="bb-appendix"><summary><h2>Appendix: run configuration</h2></summary>'), "closed in the full view");
  assert.ok(all.includes("fixture &lt;b&gt;haiku&lt;/b&gt; standard vs optimized"), "run.json values escaped");
  // cell by cell: only the sections asked for, and the library is not embedded twice on the same display
  const before = outputs.length;
  showAnalysis(analysis, { display, sections: ["comparisons"] });
  const more = outputs.slice(before).join("\n");
  assert.ok(more.includes("<h2>Comparisons</h2>"));
  assert.ok(!more.includes("<h2>Overview</h2>"));
  assert.ok(!more.includes(LIB_MARKER));
  // the appendix asked for by name is shown open
  const again = outputs.length;
  showAnalysis(analysis, { display, sections: ["configuration"] });
  assert.ok(outputs.slice(again).join("\n").includes('<details class="bb-appendix" open><summary><h2>Appendix: run configuration</h2></summary>'));
});

test("a notebook shows the findings first: the fastest and cheapest configuration in words", async () => {
  const { display, outputs } = capture();
  showAnalysis(await analyzeResults(FIXTURE), { display });
  const all = outputs.join("\n");
  const findings = all.slice(all.indexOf("<h2>Findings</h2>"), all.indexOf("<h2>Overview</h2>"));
  assert.ok(findings.includes("<h3>Fastest and cheapest per model</h3>"));
  assert.ok(findings.includes("<li>us.anthropic.claude-3-5-haiku-20241022-v1:0: the fastest is optimized (us-east-1, tier default) with a median TTFT of 200 ms"));
  // (the figure without its "$": how the display escapes a dollar sign against math typesetting is display.ts's business)
  assert.match(findings, /The cheapest is the same configuration: \S*1\.17 per 1,000 successful requests/);
});
