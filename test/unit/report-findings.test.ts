import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { findingsOf } from "../../lib/analysis/findings";
import { resultSetFromRecords } from "../../lib/analysis/results-loader";
import { buildReport, REPORT_SECTION_IDS } from "../../lib/report/report";
import { reportHtml } from "../../lib/report/report-html";
import { reportMarkdown } from "../../lib/report/report-markdown";
import { wordedFindings } from "../../lib/report/findings";
import { metricVerdict } from "../../lib/report/verdicts";
import type { RequestRecord } from "../../lib/records/request-record";
import { failedRecord, successRecord } from "../fixtures/analysis/synthetic-records";
import { HOSTILE_MODEL, HOSTILE_RUN, SCRIPT_PAYLOAD, writeHostileRun } from "../fixtures/analysis/hostile-run";

const ANALYSIS = join(__dirname, "..", "fixtures", "analysis");
const FIXTURE = join(ANALYSIS, "runs", "20250708_120000_fixture");
const AWS_FOLDER = join(ANALYSIS, "aws-notebook");
const HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const LLAMA = "us.meta.llama3-1-70b-instruct-v1:0";

/** The Markdown between `## title` and the next second-level heading. */
function markdownSection(md: string, title: string): string {
  const start = md.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `section '${title}' is present`);
  const end = md.indexOf("\n## ", start + 1);
  return md.slice(start + 1, end === -1 ? undefined : end);
}

test("the findings select, per model, the fastest and the cheapest configuration of the fixture, with its figures", async () => {
  const f = findingsOf(await analyzeResults(FIXTURE));
  assert.equal(f.models.length, 1);
  const m = f.models[0]!;
  assert.equal(m.model, HAIKU);
  assert.equal(m.configurations, 2);
  // TTFT by hand (test/unit/summary.test.ts): optimized 150 / 200 / 250, standard median 450
  assert.equal(m.fastest?.group.key.performanceConfig, "optimized");
  assert.equal(m.fastest.group.key.region, "us-east-1");
  assert.equal(m.fastest.group.key.serviceTier, "default");
  assert.equal(m.fastest.ttftMedianMs, 200);
  assert.deepEqual([m.fastest.ttftMedianCi?.lower, m.fastest.ttftMedianCi?.upper, m.fastest.ttftMedianCi?.level], [150, 250, 0.95]);
  assert.equal(m.fastest.samples, 3);
  assert.equal(m.fastest.belowMinSamples, true);
  assert.equal(m.fastest.totalP90Ms, 1140);
  assert.equal(m.fastestRunnerUp?.group.key.performanceConfig, "standard");
  assert.equal(m.fastestRunnerUp.value, 450);
  assert.equal(m.fastestVersusRunnerUp, "too-few-samples");
  assert.equal(m.lowestTotalP90, null, "the fastest by TTFT also has the lowest p90 total time");
  // cost per success: optimized $0.0035 / 3, standard $0.008 / 4
  assert.equal(m.cheapest?.group.key.performanceConfig, "optimized");
  assert.ok(Math.abs(m.cheapest.costUsdPerSuccess - 0.0035 / 3) < 1e-12);
  assert.ok(Math.abs(m.cheapestRunnerUp!.value - 0.002) < 1e-12);
  // differences, fallbacks, errors, limits
  assert.equal(f.comparisons, 1);
  assert.deepEqual([f.clearDifferences.length, f.noClearDifference.length, f.tooFewSamples.length], [0, 0, 1]);
  assert.deepEqual(
    f.tooFewSamples[0]!.needed.map((n) => [n.metric, n.suggestedSamples, n.precisionMs]),
    [
      ["ttftMs", 134, 22.5],
      ["totalMs", 463, 72.5],
    ],
  );
  assert.deepEqual(
    f.fallbacks.map((r) => [r.kind, r.asked, r.fallbacks, r.requests]),
    [
      ["performance-config", "optimized", 1, 5],
      ["service-tier", "priority", 1, 1],
    ],
  );
  assert.deepEqual(
    f.throttles.map((t) => [t.group.key.performanceConfig, t.throttles, t.requests]),
    [["standard", 1, 5]],
  );
  assert.deepEqual(
    f.errors.map((e) => [e.group.key.performanceConfig, e.errorClass, e.failures, e.requests]),
    [
      ["optimized", "ModelStreamErrorException", 1, 5],
      ["optimized", "TimeoutError", 1, 5],
    ],
  );
  assert.equal(f.otherFailures, 0);
  assert.deepEqual(f.servedUnknown, []);
  assert.equal(f.warnings.length, 1);
});

test("the Markdown report opens with the findings in words: the fixture's figures as rendered", async () => {
  const md = reportMarkdown(buildReport(await analyzeResults(FIXTURE), { title: "Fixture" }));
  const headings = [...md.matchAll(/^## (.*)$/gm)].map((h) => h[1]);
  assert.equal(headings[0], "Findings", "the findings are the first section");
  const findings = markdownSection(md, "Findings");
  assert.deepEqual(
    [...findings.matchAll(/^### (.*)$/gm)].map((h) => h[1]),
    ["Fastest and cheapest per model", "Differences that are real", "Fallbacks and errors worth knowing", "What this sample cannot tell"],
  );
  assert.match(findings, /Fastest: the configuration with the lowest median time to first token \(TTFT\), with its 95% bootstrap confidence interval/);
  assert.match(findings, /Cheapest: the lowest cost per successful request/);
  assert.ok(
    findings.includes(
      "- us.anthropic.claude-3-5-haiku-20241022-v1:0: the fastest is optimized (us-east-1, tier default) with a median TTFT of 200 ms " +
        "(95% CI 150 ms to 250 ms) over 3 successful requests, fewer than the 30 per configuration a comparison needs for a verdict; " +
        "next: standard (us-east-1, tier default), 450 ms (too few samples to tell the two apart). Its p90 total time, 1,140 ms, is also the lowest. " +
        "The cheapest is the same configuration: $1.17 per 1,000 successful requests (failed requests' cost included); next: standard (us-east-1, tier default), $2.00.\n",
    ),
    findings,
  );
  assert.ok(
    findings.includes(
      "2 tests in 1 comparison (TTFT and total time each): 0 show a clear difference, 0 no clear difference, 2 too few samples to tell. " +
        "No comparison shows a clear difference.",
    ),
  );
  for (const line of [
    "- Fallback: us.anthropic.claude-3-5-haiku-20241022-v1:0 in us-east-1: asked for optimized, 1 of 5 requests (20.0%) was served standard.",
    "- Fallback: us.anthropic.claude-3-5-haiku-20241022-v1:0 in us-east-1: asked for tier priority, 1 of 1 request (100.0%) was served tier default.",
    "- Throttling: us.anthropic.claude-3-5-haiku-20241022-v1:0, standard (us-east-1, tier default): 1 of 5 requests (20.0%) was throttled " +
      "(ThrottlingException or HTTP 429: a quota was reached at this load).",
    "- Errors: us.anthropic.claude-3-5-haiku-20241022-v1:0, optimized (us-east-1, tier default): ModelStreamErrorException in 1 of 5 requests (20.0%).",
    "- Errors: us.anthropic.claude-3-5-haiku-20241022-v1:0, optimized (us-east-1, tier default): TimeoutError in 1 of 5 requests (20.0%).",
    "- 1 of 1 comparisons rest on fewer than 30 successful requests per side: their verdicts say so and give the sample size that would support a conclusion.",
    "- optimized vs standard (us.anthropic.claude-3-5-haiku-20241022-v1:0, us-east-1, concurrency 2, tags short): Only 4 standard and 3 optimized successful " +
      "requests: too few to support a conclusion (at least 30 per configuration are needed). Requests per configuration that would pin the median " +
      "difference: about 134 for TTFT (±22.5 ms), 463 for total time (±72.5 ms).",
  ]) {
    assert.ok(findings.split("\n").includes(line), line);
  }
});

test("several models and an AWS-notebook import: each model named in full, the cost and the served values it lacks said", async () => {
  const md = reportMarkdown(buildReport(await analyzeResults([FIXTURE, AWS_FOLDER])));
  const findings = markdownSection(md, "Findings");
  const items = findings.split("\n").filter((l) => l.startsWith(`- ${HAIKU}: `) || l.startsWith(`- ${LLAMA}: `));
  assert.equal(items.length, 2);
  // the configurations of the emulator run and of the import differ in concurrency, tags, target and source: named
  assert.match(items[0]!, /^- us\.anthropic\.claude-3-5-haiku-20241022-v1:0: the fastest is optimized \(us-east-1, tier default, concurrency 2, tags short, target emulator, source bedrock-bench\) with a median TTFT of 200 ms/);
  assert.equal(
    items[1],
    "- us.meta.llama3-1-70b-instruct-v1:0: the fastest is optimized (us-east-2, tier default) with a median TTFT of 400 ms (95% CI 360 ms to 450 ms) " +
      "over 5 successful requests, fewer than the 30 per configuration a comparison needs for a verdict; next: standard (us-east-2, tier default), 850 ms " +
      "(too few samples to tell the two apart). Its p90 total time, 726 ms, is also the lowest. No cost was recorded, so none can be called cheapest.",
  );
  assert.ok(
    findings.includes(
      "- Fallbacks cannot be counted for us.anthropic.claude-3-5-haiku-20241022-v1:0 in us-east-2; us.meta.llama3-1-70b-instruct-v1:0 in us-east-2: " +
        "no response says what Bedrock served (AWS-notebook imports do not record it).",
    ),
  );
  assert.match(findings, /^10 tests in 5 comparisons \(TTFT and total time each\): 0 show a clear difference, 0 no clear difference, 10 too few samples to tell\./m);
});

/** 40 requests per configuration: llama optimized 200 ms faster than standard, haiku the same whatever was asked. */
function separatedRecords(): RequestRecord[] {
  const out: RequestRecord[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(successRecord({ modelId: LLAMA, ttftMs: 500 + 5 * i, totalMs: 1500 + 5 * i, sendOffsetMs: 100 * i }));
    out.push(
      successRecord({
        modelId: LLAMA,
        performanceConfigAsked: "optimized",
        performanceConfigServed: "optimized",
        ttftMs: 300 + 5 * i,
        totalMs: 1300 + 5 * i,
        outputTokens: 120,
        sendOffsetMs: 100 * i + 50,
      }),
    );
    const ttft = 400 + (i % 10) * 10;
    out.push(successRecord({ modelId: HAIKU, ttftMs: ttft, totalMs: ttft + 600 }));
    out.push(successRecord({ modelId: HAIKU, performanceConfigAsked: "optimized", performanceConfigServed: "optimized", ttftMs: ttft, totalMs: ttft + 600 }));
  }
  // one failure of a class below 5% of its configuration's requests, three (7.0%) above
  out.push(failedRecord({ modelId: LLAMA, errorClass: "InternalServerException", httpStatus: 500 }));
  for (let i = 0; i < 3; i++) out.push(failedRecord({ modelId: HAIKU, errorClass: "ModelTimeoutException", httpStatus: 408, performanceConfigAsked: "optimized" }));
  return out;
}

test("which differences are real: the verdicts of the clear differences, the tests without one, errors above the threshold only", async () => {
  const analysis = await analyzeResults(resultSetFromRecords(separatedRecords()));
  const f = findingsOf(analysis);
  const w = wordedFindings(analysis, f);
  // the selection: every clear test, and haiku's two tests without a clear difference
  assert.equal(f.clearDifferences.length, 6);
  assert.ok(f.clearDifferences.every((t) => t.metric.outcome === "candidate-faster" || t.metric.outcome === "candidate-slower"));
  assert.deepEqual(
    f.noClearDifference.map((t) => [t.comparison.baseline.key.model, t.comparison.kind, t.metric.metric]),
    [
      [HAIKU, "performance-config", "ttftMs"],
      [HAIKU, "performance-config", "totalMs"],
    ],
  );
  assert.equal(w.differencesSummary, "8 tests in 4 comparisons (TTFT and total time each): 6 show a clear difference, 2 no clear difference, 0 too few samples to tell.");
  // each clear difference is the comparison's own verdict sentence
  assert.deepEqual(
    w.differences,
    f.clearDifferences.map((t) => `${t.comparison.candidate.name} vs ${t.comparison.baseline.name} (${t.comparison.context}): ${metricVerdict(t.comparison, t.metric)}`),
  );
  assert.match(
    w.differences[0]!,
    /^optimized vs standard \(us\.meta\.llama3-1-70b-instruct-v1:0, us-east-1, concurrency 1\): Optimized is faster than standard on TTFT: −33\.5% at the median\. Median TTFT 598 ms \(standard\) vs 398 ms \(optimized\), −200 ms/,
  );
  assert.equal(
    w.noClearDifference,
    "No clear difference: optimized vs standard (us.anthropic.claude-3-5-haiku-20241022-v1:0, us-east-1, concurrency 1) on TTFT; " +
      "optimized vs standard (us.anthropic.claude-3-5-haiku-20241022-v1:0, us-east-1, concurrency 1) on total time.",
  );
  // the fastest's lead is a clear difference; equal medians and costs are a tie, not a ranking
  const [haiku, llama] = w.models;
  assert.match(llama!, /the fastest is optimized \(us-east-1, tier default\) with a median TTFT of 398 ms \(95% CI 368 ms to 425 ms\) over 40 successful requests; next: standard \(us-east-1, tier default\), 598 ms \(a clear difference\)\./);
  assert.match(llama!, /The cheapest is standard \(us-east-1, tier default\): \$1\.00 per 1,000 successful requests \(failed requests' cost included\); next: optimized \(us-east-1, tier default\), \$1\.20\.$/);
  assert.match(haiku!, /the fastest is standard \(us-east-1, tier default\) with a median TTFT of 445 ms \(95% CI 430 ms to 460 ms\) over 40 successful requests; tied with optimized \(us-east-1, tier default\)\./);
  assert.match(haiku!, /The cheapest is the same configuration, tied with optimized \(us-east-1, tier default\)/);
  // 3 of 43 (7.0%) is listed; 1 of 41 (2.4%) is counted, not listed
  assert.deepEqual(w.fallbacksAndErrors, [
    "Errors: us.anthropic.claude-3-5-haiku-20241022-v1:0, optimized (us-east-1, tier default): ModelTimeoutException in 3 of 43 requests (7.0%).",
    "No fallback: every request whose served configuration and tier are known was served what it asked for.",
    '1 other failure, each of a class below 5% of its configuration\'s requests: see "Errors, throttles, retries and fallbacks".',
  ]);
  assert.deepEqual(w.limits, ["Every comparison rests on at least 30 successful requests per side."]);
  // a lower threshold lists the rarer class too
  assert.deepEqual(
    findingsOf(analysis, { errorRateThreshold: 0.02 }).errors.map((e) => [e.errorClass, e.failures, e.requests]),
    [
      ["ModelTimeoutException", 3, 43],
      ["InternalServerException", 1, 41],
    ],
  );
  assert.throws(() => findingsOf(analysis, { errorRateThreshold: 0 }), /errorRateThreshold/);
});

test("the HTML report opens with the findings and folds the run configuration in a closed <details> at the end", async () => {
  const doc = buildReport(await analyzeResults(FIXTURE), { title: "Fixture" });
  assert.deepEqual(
    doc.sections.map((s) => s.id),
    [...REPORT_SECTION_IDS],
  );
  assert.equal(doc.sections[0]!.title, "Findings");
  assert.equal(doc.sections.at(-1)!.title, "Appendix: run configuration");
  const html = reportHtml(doc);
  const sectionIds = [...html.matchAll(/<section id="([^"]+)">/g)].map((s) => s[1]);
  assert.equal(sectionIds[0], "findings");
  assert.equal(sectionIds.at(-1), "configuration");
  assert.ok(html.indexOf('<h2>Findings</h2>') < html.indexOf("<h2>Overview</h2>"));
  assert.match(html, /<section id="findings"><h2>Findings<\/h2>\n<h3>Fastest and cheapest per model<\/h3>/);
  assert.match(html, /<li>us\.anthropic\.claude-3-5-haiku-20241022-v1:0: the fastest is optimized \(us-east-1, tier default\) with a median TTFT of 200 ms \(95% CI 150 ms to 250 ms\)/);
  // the appendix: a <details> without `open`, holding the run.json table; nothing but the footer after it
  const appendix = html.slice(html.indexOf('<section id="configuration">'));
  assert.match(appendix, /^<section id="configuration"><details class="bb-appendix"><summary><h2>Appendix: run configuration<\/h2><\/summary>\n/);
  const details = appendix.slice(0, appendix.indexOf("</details>"));
  assert.ok(details.includes('<caption>Configuration of 20250708_120000_fixture (run.json)</caption>'));
  assert.ok(details.includes("fixture &lt;b&gt;haiku&lt;/b&gt; standard vs optimized"));
  assert.match(appendix.slice(appendix.indexOf("</details>")), /^<\/details><\/section>\n<footer>/);
  assert.ok(!/<details[^>]*\bopen\b/.test(html), "closed by default");
  // and in the navigation, last
  assert.match(html, /<li><a href="#definitions">Metric definitions and method<\/a><\/li><li><a href="#configuration">Appendix: run configuration<\/a><\/li><\/ol><\/nav>/);
});

test("the Markdown report ends with the run configuration as its last section", async () => {
  const md = reportMarkdown(buildReport(await analyzeResults(FIXTURE), { title: "Fixture" }));
  const headings = [...md.matchAll(/^## (.*)$/gm)].map((h) => h[1]);
  assert.equal(headings.at(-1), "Appendix: run configuration");
  assert.equal(headings.filter((h) => h === "Appendix: run configuration").length, 1);
  const appendix = markdownSection(md, "Appendix: run configuration");
  assert.ok(appendix.includes("**Configuration of 20250708\\_120000\\_fixture (run.json)**"));
  assert.ok(md.indexOf("**Configuration of 20250708\\_120000\\_fixture") > md.indexOf("## Metric definitions and method"));
  assert.match(md, /- \[Appendix: run configuration\]\(#appendix-run-configuration\)\n\n## Findings\n/);
  assert.match(md, /\n---\n\n\*Generated [^\n]*\*\n$/);
});

test("a model ID and a run name carrying <script> are escaped in the findings and the appendix, HTML and Markdown", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-report-findings-"));
  try {
    const analysis = await analyzeResults(await writeHostileRun(dir));
    const doc = buildReport(analysis);
    const findingsText = doc.sections[0]!.blocks.map((b) => ("text" in b ? b.text : "items" in b ? b.items.join("\n") : "")).join("\n");
    assert.ok(findingsText.includes(`${HOSTILE_MODEL}: the fastest is optimized`), "the findings name the model as given");
    const html = reportHtml(doc);
    const findingsHtml = html.slice(html.indexOf('<section id="findings">'), html.indexOf('<section id="overview">'));
    assert.ok(!findingsHtml.includes("<script"), "no raw <script> in the findings");
    assert.ok(findingsHtml.includes("<li>us.anthropic.claude-&lt;script&gt;alert(1)&lt;/script&gt;-v1:0: the fastest is optimized"));
    const appendixHtml = html.slice(html.indexOf('<section id="configuration">'));
    assert.ok(!appendixHtml.includes("<script") && !appendixHtml.includes("<img"), "no raw element in the appendix");
    assert.ok(appendixHtml.includes("20250708_130000_&lt;img src=x onerror=alert(3)&gt;"), "the run name, as text");
    assert.ok(appendixHtml.includes("Ignore this &lt;script&gt;alert(1)&lt;/script&gt; prompt"), "the prompt, as text");
    const md = reportMarkdown(doc);
    const findingsMd = markdownSection(md, "Findings");
    assert.ok(!findingsMd.includes("<script"));
    assert.ok(findingsMd.includes("- us.anthropic.claude-&lt;script&gt;alert(1)&lt;/script&gt;-v1:0: the fastest is optimized"));
    const appendixMd = markdownSection(md, "Appendix: run configuration");
    assert.ok(!appendixMd.includes("<script") && !appendixMd.includes("<img"));
    assert.ok(appendixMd.includes("Ignore this &lt;script&gt;alert(1)&lt;/script&gt; prompt"));
    assert.ok(HOSTILE_RUN.includes("<img") && HOSTILE_MODEL.includes(SCRIPT_PAYLOAD));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
