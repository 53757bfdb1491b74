// `bedrock-bench run` as a user runs it: a child process, its exit code, stdout and stderr.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { overridesFromFlags, resumeHint } from "../lib/cli/run-command";
import { CliError } from "../lib/cli/cli-error";
import { runCli } from "./helpers/cli";
import { withTempDir, writeJsonl } from "./helpers/temp-dir";

const AWS_SAMPLE = join(__dirname, "fixtures", "datasets", "aws-notebook-dummy-prompts.jsonl");

describe("bedrock-bench run: help and usage", () => {
  test("--help lists every flag, the examples and the exit codes", async () => {
    const r = await runCli(["run", "--help"]);
    assert.equal(r.code, 0);
    for (const flag of [
      "--config <file>",
      "--name <name>",
      "--target <target>",
      "--invocations <n>",
      "--repeats <n>",
      "--concurrency <n>",
      "--rate <perSec>",
      "--poisson",
      "--duration <sec>",
      "--warmup <n>",
      "--max-attempts <n>",
      "--max-cost <usd>",
      "--handler <handler>",
      "--out <dir>",
      "--endpoint <url>",
      "--seed <n>",
      "--resume <folder>",
      "--estimate-only",
      "--json",
      "--no-color",
    ]) {
      assert.ok(r.stdout.includes(flag), `help mentions ${flag}`);
    }
    assert.match(r.stdout, /Exit codes: 0 done; 1 the run failed \(or every request failed\); 2 bad input, nothing sent; 130 interrupted/);
    const top = await runCli(["--help"]);
    assert.match(top.stdout, /run \[options\] \[dataset\]/);
  });

  test("bad flags, a missing dataset and a malformed dataset exit 2 with a reason, sending nothing", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "results");
      const badNumber = await runCli(["run", AWS_SAMPLE, "--concurrency", "lots", "--out", out]);
      assert.equal(badNumber.code, 2);
      assert.match(badNumber.stderr, /--concurrency expects an integer, got 'lots'/);

      const badChoice = await runCli(["run", AWS_SAMPLE, "--handler", "http3", "--out", out]);
      assert.equal(badChoice.code, 2);
      assert.match(badChoice.stderr, /argument 'http3' is invalid\. Allowed choices are http2, http1/);

      const contradiction = await runCli(["run", AWS_SAMPLE, "--rate", "5", "--handler", "http2", "--concurrency", "0", "--out", out]);
      assert.equal(contradiction.code, 2);
      assert.match(contradiction.stderr, /^bedrock-bench: Experiment configuration .* is invalid: 1 problem \(nothing was sent\)\n  - .*field 'concurrency' is 0 \(number\); expected an integer from 1 to 10000/m);

      const missing = await runCli(["run", join(dir, "nope.jsonl"), "--out", out]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /nope\.jsonl: expected a readable JSONL file \(ENOENT\)/);

      const bad = writeJsonl(dir, "bad.jsonl", [{ text_prompt: "x", expected_output_tokens: 5, model_id: "m", region: "us-east-1", temperature: 3 }]);
      const malformed = await runCli(["run", bad, "--out", out]);
      assert.equal(malformed.code, 2);
      assert.match(malformed.stderr, /^bedrock-bench: Dataset .*bad\.jsonl is invalid: 1 problem on 1 line \(nothing was sent\)\n  - .*bad\.jsonl:1: field 'temperature' is 3 \(number\); expected a number from 0 to 1\n$/);

      const noDataset = await runCli(["run", "--out", out]);
      assert.equal(noDataset.code, 2);
      assert.match(noDataset.stderr, /missing the dataset/);

      const poisson = await runCli(["run", AWS_SAMPLE, "--poisson", "--out", out]);
      assert.equal(poisson.code, 2);
      assert.match(poisson.stderr, /--poisson needs an arrival rate/);

      const notARun = await runCli(["run", "--resume", dir]);
      assert.equal(notARun.code, 2);
      assert.match(notARun.stderr, /--resume .*: cannot read .*run\.json/);

      const config = join(dir, "exp.json");
      writeFileSync(config, '{"concurency": 3}');
      const badConfig = await runCli(["run", AWS_SAMPLE, "--config", config, "--out", out]);
      assert.equal(badConfig.code, 2);
      assert.match(badConfig.stderr, /field 'concurency' is 3 \(number\); unknown field, did you mean 'concurrency'\?/);

      assert.equal(existsSync(out), false, "no results folder was made");
    });
  });
});

describe("bedrock-bench run --estimate-only", () => {
  test("prints the request count and cost; --json prints one document; over the cap exits 2", async () => {
    const text = await runCli(["run", AWS_SAMPLE, "--estimate-only", "--invocations", "3", "--warmup", "1"]);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^20 request\(s\): 15 measured \+ 5 warm-up; closed loop, concurrency 1; target emulator$/m);
    assert.match(text.stdout, /^estimated cost: \$0\.\d+$/m);
    assert.match(text.stdout, /us\.anthropic\.claude-3-5-haiku-20241022-v1:0 \| us-east-2 \| optimized \| default: 4 × ≈14 in \/ 50 out tokens/);

    const json = await runCli(["run", AWS_SAMPLE, "--estimate-only", "--json", "--rate", "2", "--duration", "1"]);
    assert.equal(json.code, 0);
    const doc = JSON.parse(json.stdout) as { estimate: { requests: number; durationBoundRequests: number; loadModel: string; withinBudget: boolean } };
    assert.deepEqual([doc.estimate.requests, doc.estimate.durationBoundRequests, doc.estimate.loadModel, doc.estimate.withinBudget], [5, 2, "open", true]);

    const over = await runCli(["run", AWS_SAMPLE, "--estimate-only", "--max-cost", "0.000001"]);
    assert.equal(over.code, 2);
    assert.match(over.stdout, /^refused: estimated cost \$0\.\d+ for 5 requests exceeds the budget cap maxCostUsd \$0\.00000100/m);
  });
});

describe("run-command helpers", () => {
  test("flags map to experiment fields; --poisson alone keeps the config's rate", () => {
    const o = overridesFromFlags({ rate: 4, poisson: true, invocations: 3, maxCost: 1.5, handler: "http1", out: "r" }, null);
    assert.deepEqual(o["arrivals"], { ratePerSec: 4, distribution: "poisson" });
    assert.deepEqual([o["invocationsPerScenario"], o["maxCostUsd"], o["httpHandler"], o["outputDir"], o["concurrency"]], [3, 1.5, "http1", "r", undefined]);
    assert.deepEqual(overridesFromFlags({ poisson: true }, { ratePerSec: 9 })["arrivals"], { ratePerSec: 9, distribution: "poisson" });
    assert.throws(() => overridesFromFlags({ poisson: true }, null), CliError);
  });

  test("the resume hint is a command that can be pasted", () => {
    assert.equal(resumeHint("/abs/data set.jsonl", "/abs/results/x"), "bedrock-bench run '/abs/data set.jsonl' --resume /abs/results/x");
  });
});
