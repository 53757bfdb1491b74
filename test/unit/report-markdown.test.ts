import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { buildReport } from "../../lib/report/report";
import { reportMarkdown } from "../../lib/report/report-markdown";
import { HOSTILE_ERROR, HOSTILE_MODEL, SCRIPT_PAYLOAD, writeHostileRun } from "../fixtures/analysis/hostile-run";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FOLDER = join(ANALYSIS, "aws-notebook");

/** The Markdown table following a bold caption, as rows of cells. */
function tableAfter(markdown: string, caption: string): string[][] {
  const start = markdown.indexOf(`**${caption}**`);
  assert.ok(start >= 0, `table '${caption}' is present`);
  const lines = markdown.slice(start).split("\n").slice(2);
  const rows: string[][] = [];
  for (const line of lines) {
    if (!line.startsWith("|")) break;
    rows.push(line.slice(2, -2).split(" | "));
  }
  return rows;
}

test("the Markdown report has every section, the configuration, the tables with the fixture's values and the definitions", async () => {
  const md = reportMarkdown(buildReport(await analyzeResults(FIXTURE), { title: "Fixture" }), { htmlFile: "analysis_report_x.html" });
  assert.match(md, /^# Fixture\n/);
  for (const heading of [
    "Findings",
    "Overview",
    "Appendix: run configuration",
    "Results per group",
    "Latency: time to first token and total time",
    "Token rates and throughput",
    "Comparisons",
    "Errors, throttles, retries and fallbacks",
    "Cost",
    "Metric definitions and method",
  ]) {
    assert.match(md, new RegExp(`^## ${heading}$`, "m"), heading);
  }
  // configuration from run.json, leading fields first
  const config = tableAfter(md, "Configuration of 20250708\\_120000\\_fixture (run.json)");
  assert.deepEqual(config.slice(2, 5), [
    ["runId", "20250708\\_120000\\_fixture"],
    ["experiment.name", "fixture &lt;b&gt;haiku&lt;/b&gt; standard vs optimized"],
    ["experiment.target", "emulator"],
  ]);
  assert.ok(config.some(([field, value]) => field === "experiment.maxAttempts" && value === "2"));
  // overview: 11 requests (warm-up apart), 7 successes of 10 not aborted
  const overview = tableAfter(md, "Overview");
  assert.ok(overview.some((r) => r[0] === "Successful" && r[1] === "7 (70.0%)"));
  assert.ok(overview.some((r) => r[0] === "Warm-up requests" && r[1] === "1 (excluded from the statistics)"));
  assert.ok(overview.some((r) => r[0] === "Cost (usage × prices, excl. warm-up)" && r[1] === "$0.0115"));
  // TTFT by hand (test/unit/summary.test.ts): standard 450 / 570 / 585 / 597, optimized 200 / 240 / 245 / 249
  const ttft = tableAfter(md, "Time to first token (ms), successful requests");
  assert.deepEqual(ttft[2]!.slice(1), ["4", "450", "450", "570", "585", "597", "129", "300", "600"]);
  assert.deepEqual(ttft[3]!.slice(1), ["3", "200", "200", "240", "245", "249", "50.0", "150", "250"]);
  // AWS-compatible columns in seconds
  const aws = tableAfter(md, "AWS-notebook-compatible summary (seconds; OTPS = output tokens / total time)");
  assert.deepEqual(aws[0]!.slice(3, 8), ["sample\\_size", "TTFT\\_mean", "TTFT\\_p50", "TTFT\\_p90", "TTFT\\_std"]);
  assert.deepEqual(aws[2]!.slice(2, 7), ["standard", "4", "0.450", "0.450", "0.570"]);
  // comparison: 4 vs 3 successes is too few, and the report says so with the sample size needed
  const comparisons = tableAfter(md, "Comparisons (candidate vs baseline)");
  assert.deepEqual(comparisons[2]!.slice(1, 4), ["optimized vs standard", "TTFT", "3 / 4"]);
  assert.equal(comparisons[2]!.at(-1), "too few samples");
  assert.match(md, /> \*\*Warning:\*\* optimized vs standard \(.*\): Too few samples to conclude anything about TTFT: 4 standard vs 3 optimized/);
  assert.match(md, /About \d[\d,]* requests per configuration would pin the median difference/);
  // errors: classes with their messages, sides, throttles, the fallbacks
  const classes = tableAfter(md, "Failures by error class");
  assert.deepEqual(
    classes.slice(2).map((r) => r.slice(1, 4)),
    [
      ["ThrottlingException", "1", "20.0%"],
      ["ModelStreamErrorException", "1", "20.0%"],
      ["TimeoutError", "1", "20.0%"],
    ],
  );
  assert.match(classes[2]![4]!, /^Too many requests, please wait before trying again\. \(×1\)$/);
  const fallbacks = tableAfter(md, "Served vs asked");
  assert.ok(fallbacks.some((r) => r[2] === "performance-config" && r[3] === "optimized" && r[4] === "5" && r[5] === "1" && r[6] === "20.0%" && r[7] === "standard ×1"));
  // charts are named and linked to the HTML report
  assert.match(md, /- Chart: \*\*Time to first token \(ms\) by group, successful requests\*\* — interactive in \[the HTML report\]\(analysis_report_x\.html#figure-ttft-box\)/);
  // definitions and the percentile method
  assert.match(md, /- \*\*TTFT \(time to first token\)\*\*: First contentBlockDelta event carrying non-empty text − start\./);
  assert.match(md, /R-7, the default of numpy and pandas/);
  assert.match(md, /Wilcoxon rank-sum/);
});

test("user strings are escaped in Markdown: no raw HTML, no table break, no emphasis or link", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-report-md-"));
  try {
    const md = reportMarkdown(buildReport(await analyzeResults(await writeHostileRun(dir))));
    assert.ok(!md.includes("<script"), "no raw <script>");
    assert.ok(!md.includes("<img"), "no raw <img>");
    assert.ok(!md.includes("<b>"), "no raw <b>");
    assert.ok(!md.includes("must-not-appear"), "a secret-looking run.json field is masked");
    assert.ok(md.includes("us.anthropic.claude-&lt;script&gt;alert(1)&lt;/script&gt;-v1:0"), "the model ID, as text");
    assert.ok(md.includes("&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*not bold\\* \\[link\\](http://example.com)"), "the error message, as text");
    assert.ok(HOSTILE_MODEL.includes(SCRIPT_PAYLOAD) && HOSTILE_ERROR.includes("|"));
    // every table row still has as many cells as its header
    for (const block of md.split("\n\n").filter((b) => b.startsWith("| "))) {
      const widths = block.split("\n").map((line) => line.split(/(?<!\\)\|/).length);
      assert.equal(new Set(widths).size, 1, block.slice(0, 200));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the Markdown report of AWS-notebook files carries their caveats and no invented numbers", async () => {
  const md = reportMarkdown(buildReport(await analyzeResults(AWS_FOLDER)));
  assert.match(md, /invocations\\_20250708\\_111100: imported from the AWS latency-benchmarking notebook \(experiment demo-v1\)/);
  assert.match(md, /- Imported from the AWS latency-benchmarking notebook: its times are wall-clock/);
  assert.match(md, /no response in these results says what Bedrock served/);
  assert.match(md, /Charts left out: the decode rate chart \(no decode rate recorded/);
  const groups = tableAfter(md, "Results per group");
  // decode rate and cost are not derivable from the notebook's data: shown as —, never as 0
  for (const row of groups.slice(2)) {
    assert.equal(row[9], "—");
    assert.equal(row[12], "—");
  }
});
