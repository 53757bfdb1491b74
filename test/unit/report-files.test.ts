import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeResults } from "../../lib/analysis/analyze-results";
import { parseReportFormats, writeReports } from "../../lib/report/report-files";
import { summaryToCsv } from "../../lib/analysis/summary";

const FIXTURE = join(__dirname, "..", "fixtures", "analysis", "runs", "20250708_120000_fixture");

test("reports and the summary CSV are written side by side with one timestamp, never overwriting", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-report-files-"));
  try {
    const analysis = await analyzeResults(FIXTURE);
    const now = () => new Date(2025, 6, 9, 8, 30, 5);
    const first = await writeReports(analysis, { outputDir: dir, now });
    assert.deepEqual(first, {
      html: join(dir, "analysis_report_20250709_083005.html"),
      markdown: join(dir, "analysis_report_20250709_083005.md"),
      summaryCsv: join(dir, "analysis_summary_20250709_083005.csv"),
      simpleCsv: null,
      svgCharts: null,
    });
    assert.equal(await readFile(first.summaryCsv!, "utf8"), summaryToCsv(analysis.summary));
    assert.match(await readFile(first.markdown!, "utf8"), /\[the HTML report\]\(analysis_report_20250709_083005\.html#figure-ttft-box\)/);
    // a user's own file that takes a name: all three move on to the same free suffix, nothing is overwritten
    await writeFile(join(dir, "analysis_report_20250709_083005_2.md"), "mine");
    const second = await writeReports(analysis, { outputDir: dir, now });
    assert.deepEqual(second, {
      html: join(dir, "analysis_report_20250709_083005_3.html"),
      markdown: join(dir, "analysis_report_20250709_083005_3.md"),
      summaryCsv: join(dir, "analysis_summary_20250709_083005_3.csv"),
      simpleCsv: null,
      svgCharts: null,
    });
    assert.equal(await readFile(join(dir, "analysis_report_20250709_083005_2.md"), "utf8"), "mine");
    // only the files asked for decide the suffix: "_2" is free for an HTML report alone
    const htmlOnly = await writeReports(analysis, { outputDir: dir, now, formats: ["html"], summaryCsv: false });
    assert.deepEqual(htmlOnly, { html: join(dir, "analysis_report_20250709_083005_2.html"), markdown: null, summaryCsv: null, simpleCsv: null, svgCharts: null });
    assert.equal((await readdir(dir)).length, 8);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("report formats are checked", () => {
  assert.deepEqual(parseReportFormats(["md", "HTML", "markdown"]), ["md", "html"]);
  assert.deepEqual(parseReportFormats(["simple-csv", "Simple-CSV", "html"]), ["simple-csv", "html"]);
  assert.throws(() => parseReportFormats(["pdf"]), /Unknown report format "pdf"; expected html, md or simple-csv/);
  assert.throws(() => parseReportFormats([]), /at least one report format/);
});
