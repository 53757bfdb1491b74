// `bedrock-bench run` as a user runs it: a child process, its exit code, stdout and stderr.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { overridesFromFlags, resumeHint } from "../../lib/cli/run-command";
import { CliError } from "../../lib/cli/cli-error";
import { readRequestsCsv } from "../../lib/records/record-reader";
import { runCli, startCli } from "../helpers/cli";
import { withTempDir, writeJsonl } from "../helpers/temp-dir";

const AWS_SAMPLE = join(__dirname, "..", "fixtures", "datasets", "aws-notebook-dummy-prompts.jsonl");

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
      assert.equal(badChoice.stderr, "bedrock-bench: option '--handler <handler>' argument 'http3' is invalid. Allowed choices are http2, http1. (run with --help for usage)\n");

      const unknown = await runCli(["run", AWS_SAMPLE, "--bogus"]);
      assert.equal(unknown.code, 2);
      assert.equal(unknown.stderr, "bedrock-bench: unknown option '--bogus' (run with --help for usage)\n");

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

  test("--json with bad input prints one JSON error document on stdout, the usual line on stderr, exit 2 (issue 18, defect 9e)", async () => {
    await withTempDir(async (dir) => {
      const out = join(dir, "results");
      const bad = writeJsonl(dir, "bad.jsonl", [{ text_prompt: "x", expected_output_tokens: 5, model_id: "m", region: "us-east-1", temperature: 3 }]);
      const r = await runCli(["run", bad, "--out", out, "--json"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^bedrock-bench: Dataset .*bad\.jsonl is invalid: 1 problem on 1 line \(nothing was sent\)\n/);
      assert.deepEqual(JSON.parse(r.stdout), {
        error: {
          kind: "input",
          name: "DatasetError",
          message: `Dataset ${bad} is invalid: 1 problem on 1 line (nothing was sent)`,
          problems: [{ file: bad, line: 1, field: "temperature", value: "3 (number)", expected: "a number from 0 to 1" }],
        },
      });

      const endpoint = await runCli(["run", AWS_SAMPLE, "--target", "aws", "--endpoint", "http://example.com", "--out", out, "--json"]);
      assert.equal(endpoint.code, 2);
      const doc = JSON.parse(endpoint.stdout) as { error: { kind: string; name: string; problems: { field: string; expected: string }[] } };
      assert.equal(doc.error.kind, "input");
      assert.equal(doc.error.name, "ExperimentConfigError");
      assert.deepEqual(doc.error.problems.map((p) => p.field), ["endpoint"]);
      assert.match(doc.error.problems[0]!.expected, /^an https:\/\/ endpoint for target "aws"/);

      const flag = await runCli(["run", AWS_SAMPLE, "--concurrency", "lots", "--out", out, "--json"]);
      assert.equal(flag.code, 2);
      assert.match(flag.stderr, /^bedrock-bench: option '--concurrency <n>' argument 'lots' is invalid/);
      assert.deepEqual(JSON.parse(flag.stdout), {
        error: { kind: "input", name: "UsageError", message: "option '--concurrency <n>' argument 'lots' is invalid. --concurrency expects an integer, got 'lots'.", problems: [] },
      });

      const noJson = await runCli(["run", bad, "--out", out]);
      assert.equal(noJson.stdout, "", "without --json, stdout stays empty");
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

describe("bedrock-bench run against the emulator (a child process, as users run it)", () => {
  const MICRO = { text_prompt: "Explain the concept of machine learning in simple terms.", expected_output_tokens: 50, model_id: "amazon.nova-micro-v1:0", region: "us-east-1" };

  test("--json prints the outcome alone on stdout; exit 0", async () => {
    await withTempDir(async (dir) => {
      writeJsonl(dir, "micro.jsonl", [MICRO]);
      writeFileSync(join(dir, "exp.json"), JSON.stringify({ emulator: { timeScale: 0.1 }, invocationsPerScenario: 3 }));
      const r = await runCli(["run", "micro.jsonl", "--config", "exp.json", "--concurrency", "3", "--name", "cli", "--json"], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      const outcome = JSON.parse(r.stdout) as { status: string; runId: string; folder: string; counts: { byStatus: { success: number } }; resumeCommand: string | null };
      assert.equal(outcome.status, "completed");
      assert.equal(outcome.counts.byStatus.success, 3);
      assert.equal(outcome.resumeCommand, null);
      assert.match(outcome.runId, /^\d{8}_\d{6}_cli$/);
      assert.equal(readRequestsCsv(join(outcome.folder, "requests.csv")).length, 3);
      assert.match(r.stderr, /run \d{8}_\d{6}_cli: 3 request\(s\) to send/);
    });
  });

  test("an output folder that cannot be created (--out a file, a path under a file, /dev/null; outputDir a file) exits 2 at once, naming it; nothing written (issue 18)", async () => {
    await withTempDir(async (dir) => {
      writeJsonl(dir, "micro.jsonl", [MICRO]);
      const file = join(dir, "a-file");
      writeFileSync(file, "not a folder");
      writeFileSync(join(dir, "exp.json"), JSON.stringify({ emulator: { timeScale: 0.1 }, invocationsPerScenario: 1, outputDir: "a-file" }));
      for (const [args, field, path, problem] of [
        [["--out", file], "--out", file, "it exists and is not a folder"],
        [["--out", join(file, "results")], "--out", join(file, "results"), "a part of its path is a file, not a folder"],
        [["--out", "/dev/null"], "--out", "/dev/null", "it exists and is not a folder"],
        [["--config", "exp.json"], "the experiment's outputDir", file, "it exists and is not a folder"],
      ] as const) {
        const started = Date.now();
        const cli = startCli(["run", "micro.jsonl", ...args], { cwd: dir });
        // The old code printed the errno, then hung with the emulator listening: never wait for ever.
        const timer = setTimeout(() => cli.child.kill("SIGKILL"), 20_000);
        const r = await cli.result;
        clearTimeout(timer);
        assert.equal(r.signal, null, `the command hung; stderr: ${r.stderr}`);
        assert.equal(r.code, 2, r.stderr);
        assert.ok(Date.now() - started < 15_000, "refused at once");
        assert.equal(r.stderr, `bedrock-bench: ${field} ${path} cannot be used: ${problem}; expected a folder that can be created (nothing was done)\n`);
      }
      assert.equal(readFileSync(file, "utf8"), "not a folder");
      assert.deepEqual(readdirSync(dir).sort(), ["a-file", "exp.json", "micro.jsonl"]);
    });
  });

  test("a model missing from the pricing table is named next to the cost, not silently costed at $0", async () => {
    await withTempDir(async (dir) => {
      writeJsonl(dir, "micro.jsonl", [MICRO]);
      writeFileSync(join(dir, "exp.json"), JSON.stringify({ emulator: { timeScale: 0.1 }, invocationsPerScenario: 2 }));
      writeFileSync(join(dir, "pricing.csv"), "model_pattern,input_per_1k,output_per_1k,cache_read_per_1k,cache_write_per_1k,optimized_input_per_1k,optimized_output_per_1k,priority_multiplier,flex_multiplier,as_of,source\nanthropic.claude-3-haiku-*,0.00025,0.00125,,,,,,,2026-12-02,test\n");
      const r = await runCli(["run", "micro.jsonl", "--config", "exp.json", "--pricing", "pricing.csv", "--no-color"], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout + r.stderr, /cost: measured \$0(\.0+)?, estimated \$0(\.0+)? \(without amazon\.nova-micro-v1:0: not in the pricing table\)\n/);
      const json = await runCli(["run", "micro.jsonl", "--config", "exp.json", "--pricing", "pricing.csv", "--json"], { cwd: dir });
      assert.deepEqual((JSON.parse(json.stdout) as { unpricedModels: string[] }).unpricedModels, ["amazon.nova-micro-v1:0"]);
    });
  });

  test("SIGINT keeps the completed records, marks those in flight aborted, says how to resume; resuming completes the run", async () => {
    await withTempDir(async (dir) => {
      writeJsonl(dir, "micro.jsonl", [MICRO]);
      writeFileSync(join(dir, "exp.json"), JSON.stringify({ emulator: { timeScale: 1, seed: 2 }, invocationsPerScenario: 40, concurrency: 2, seed: 8 }));
      const cli = startCli(["run", "micro.jsonl", "--config", "exp.json", "--progress-interval", "100"], { cwd: dir });
      await cli.waitFor(/\] ([4-9]|[1-3]\d)\/40 done/);
      cli.child.kill("SIGINT");
      const first = await cli.result;
      assert.equal(first.code, 130, first.stderr);
      assert.match(first.stderr, /SIGINT: stopping, aborting the requests in flight/);
      const hint = /to resume: (bedrock-bench run .*)$/m.exec(first.stderr);
      assert.ok(hint, `a resume hint in:\n${first.stderr}`);
      assert.match(hint[1]!, /^bedrock-bench run micro\.jsonl --resume results\/\d{8}_\d{6}$/);
      const folder = join(dir, hint[1]!.split(" --resume ")[1]!);
      const kept = readRequestsCsv(join(folder, "requests.csv"));
      assert.ok(kept.filter((r) => r.status === "success").length >= 4);
      assert.ok(kept.filter((r) => r.status === "aborted").length >= 1, "the requests in flight are recorded as aborted");
      assert.match(first.stdout, /^interrupted: \d+ succeeded, 0 errors, 0 timeouts, \d+ aborted; \d+ scheduled request\(s\) not completed$/m);

      const second = await runCli([...hint[1]!.split(" ").slice(1), "--json"], { cwd: dir });
      assert.equal(second.code, 0, second.stderr);
      const outcome = JSON.parse(second.stdout) as { status: string; counts: { missing: number; sentThisSession: number } };
      assert.equal(outcome.status, "completed");
      assert.equal(outcome.counts.missing, 0);
      const all = readRequestsCsv(join(folder, "requests.csv"));
      const completed = all.filter((r) => r.status !== "aborted");
      assert.equal(completed.length, 40);
      assert.equal(new Set(completed.map((r) => r.sequence)).size, 40, "no request completed twice");
      assert.equal(outcome.counts.sentThisSession, 40 - kept.filter((r) => r.status !== "aborted").length);
    });
  });
});

describe("bedrock-bench run --target aws", () => {
  test("without credentials: exit 2 before anything is sent, naming the default provider chain", async () => {
    await withTempDir(async (dir) => {
      writeJsonl(dir, "d.jsonl", [{ text_prompt: "x", expected_output_tokens: 5, model_id: "us.amazon.nova-pro-v1:0", region: "us-east-1" }]);
      const env = {
        AWS_ACCESS_KEY_ID: "",
        AWS_SECRET_ACCESS_KEY: "",
        AWS_SESSION_TOKEN: "",
        AWS_PROFILE: "",
        AWS_BEARER_TOKEN_BEDROCK: "",
        AWS_CONFIG_FILE: join(dir, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "",
        AWS_CONTAINER_CREDENTIALS_FULL_URI: "",
        AWS_WEB_IDENTITY_TOKEN_FILE: "",
      };
      const r = await runCli(["run", "d.jsonl", "--target", "aws"], { cwd: dir, env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^bedrock-bench: No AWS credentials for target "aws" \(nothing was sent\)\n  - AWS credentials: expected credentials from the AWS SDK's default provider chain/m);
      assert.equal(existsSync(join(dir, "results")), false);
    });
  });
});
