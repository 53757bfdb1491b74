import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AWS_NOTEBOOK_NOTES, AwsNotebookReader, isAwsNotebookHeader } from "../../lib/records/aws-notebook-import";
import { loadResults } from "../../lib/analysis/results-loader";

const SAMPLE = join(__dirname, "..", "fixtures", "analysis", "aws-notebook", "invocations_20250708_111100.csv");

test("the notebook's invocations CSV becomes records: seconds to ms, status to class, E2E OTPS as it computes it", async () => {
  const set = await loadResults(SAMPLE, { keepRecords: true });
  const records = set.records!;
  assert.equal(records.length, 20);
  const first = records[0]!;
  assert.equal(first.runId, "invocations_20250708_111100");
  assert.equal(first.modelId, "us.meta.llama3-1-70b-instruct-v1:0");
  assert.equal(first.region, "us-east-2");
  assert.equal(first.performanceConfigAsked, "optimized");
  assert.equal(first.performanceConfigServed, "", "the notebook does not record what was served");
  assert.equal(first.ttftMs, 400); // 0.4 s
  assert.equal(first.totalMs, 670); // 0.67 s
  assert.equal(first.outputTokensPerSecondE2E, 50 / 0.67);
  assert.equal(first.outputTokensPerSecond, null, "decode rate is not derivable");
  assert.equal(first.interTokenLatencyMs, null);
  assert.equal(first.generationMs, null);
  assert.equal(first.inputTokens, 26);
  assert.equal(first.outputTokens, 50);
  assert.equal(first.maxTokens, 50);
  assert.equal(first.invocation, 1);
  assert.equal(first.taskType, "Text-Generation");
  assert.equal(first.target, "aws");
  assert.equal(first.concurrency, 0);
  assert.equal(first.temperature, null, "TEMPERATURE holds the config, not what was sent");
  assert.equal(first.status, "success");
  assert.equal(first.startTimeIso, "2025-07-08T11:11:00.000Z");
  assert.equal(first.sendOffsetMs, 0);
  assert.equal(records[1]!.sendOffsetMs, 60_000); // one minute later
  const throttled = records[19]!;
  assert.equal(throttled.status, "error");
  assert.equal(throttled.errorClass, "ThrottlingException");
  assert.match(throttled.errorMessage, /^An error occurred \(ThrottlingException\) when calling the ConverseStream operation/);
  assert.equal(throttled.ttftMs, null);
  assert.equal(throttled.totalMs, null);
  assert.equal(throttled.outputTokensPerSecondE2E, null);
  const run = set.runs[0]!;
  assert.equal(run.source, "aws-notebook");
  assert.equal(run.experimentName, "demo-v1");
  assert.deepEqual(run.notes, [...AWS_NOTEBOOK_NOTES]);
  assert.ok(run.notes.some((n) => /rounded to 10 ms/.test(n)) && run.notes.some((n) => /decode OTPS.*not derivable/.test(n)));
  assert.ok(set.groups.every((g) => g.key.source === "aws-notebook"));
});

test("the earlier script's run_*.csv (performance_config column, pandas floats, extra columns) loads too", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bb-aws-"));
  try {
    const file = join(dir, "run_20250101_101010.csv");
    await writeFile(
      file,
      [
        "time_to_first_byte,time_to_last_byte,job_timestamp_iso,configured_output_tokens_for_request,model_input_tokens,model_output_tokens,model,region,invocation_id,api_call_status,full_error_message,temperature,top_p,top_k,experiment_name,task_type,performance_config,timestamp,run_count",
        "0.5,1.0,2025-01-01T10:10:10Z,100,12.0,80.0,amazon.nova-micro-v1:0,us-east-1,0,Success,Success,1,1,250,exp-a,QA,standard,2025-01-01 10:10:20,1",
        ",,2025-01-01T10:10:12Z,100,,,amazon.nova-micro-v1:0,us-east-1,1,ServiceUnavailableException,down,1,1,250,exp-a,QA,standard,2025-01-01 10:10:20,1",
      ].join("\n"),
    );
    const set = await loadResults(file, { keepRecords: true });
    const [ok, failed] = set.records!;
    assert.equal(ok!.performanceConfigAsked, "standard");
    assert.equal(ok!.inputTokens, 12);
    assert.equal(ok!.outputTokensPerSecondE2E, 80);
    assert.equal(ok!.invocation, 0);
    assert.equal(failed!.errorClass, "ServiceUnavailableException");
    assert.equal(failed!.sendOffsetMs, 2000);
    assert.equal(set.runs[0]!.experimentName, "exp-a");
    const bad = join(dir, "invocations_bad.csv");
    await writeFile(
      bad,
      "time_to_first_byte,time_to_last_byte,job_timestamp_iso,model_input_tokens,model_output_tokens,model,region,api_call_status,inference_profile\n0.5,1.0,2025-01-01T10:10:10Z,12.5,80,m,us-east-1,Success,standard\n",
    );
    await assert.rejects(loadResults(bad), /invocations_bad\.csv:2: column 'model_input_tokens' is '12\.5'; expected a whole number ≥ 0/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("notebook files are recognised by their header, not their name", () => {
  const header = ["time_to_first_byte", "time_to_last_byte", "job_timestamp_iso", "model_input_tokens", "model_output_tokens", "model", "region", "api_call_status", "inference_profile"];
  assert.equal(isAwsNotebookHeader(header), true);
  assert.equal(isAwsNotebookHeader(header.filter((h) => h !== "api_call_status")), false);
  assert.equal(isAwsNotebookHeader(header.filter((h) => h !== "inference_profile")), false);
  assert.throws(() => new AwsNotebookReader(["model"], "x.csv"), /x\.csv:1: not an AWS-notebook invocations file: the header lacks 'time_to_first_byte'/);
});
