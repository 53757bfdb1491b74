import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configurationKey, loadScenarios, parseScenario } from "../../lib/inputs/scenarios";
import { DatasetError, formatProblem } from "../../lib/base/input-error";
import { withTempDir, writeJsonl } from "../helpers/temp-dir";

const AWS_SAMPLE = join(__dirname, "..", "fixtures", "datasets", "aws-notebook-dummy-prompts.jsonl");
const base = { text_prompt: "Hello", expected_output_tokens: 50, model_id: "us.amazon.nova-pro-v1:0", region: "us-east-1" };

/** Loads a dataset expected to be invalid and returns its problems as formatted lines. */
async function problemsOf(path: string): Promise<string[]> {
  try {
    await loadScenarios(path);
  } catch (err) {
    assert.ok(err instanceof DatasetError, `expected a DatasetError, got ${String(err)}`);
    assert.match(err.message, /nothing was sent|Cannot read/);
    return err.problems.map(formatProblem);
  }
  assert.fail("the dataset was accepted");
}

describe("loadScenarios: the AWS notebook's sample", () => {
  test("loads unchanged, with its hash and its fields mapped", async () => {
    const set = await loadScenarios(AWS_SAMPLE);
    assert.equal(set.path, AWS_SAMPLE);
    assert.equal(set.sha256, createHash("sha256").update(readFileSync(AWS_SAMPLE)).digest("hex"));
    assert.equal(set.scenarios.length, 5);
    const [first] = set.scenarios;
    assert.deepEqual(first, {
      id: "line-1",
      line: 1,
      taskType: "Text-Generation",
      modelId: "us.meta.llama3-1-70b-instruct-v1:0",
      region: "us-east-2",
      performanceConfig: "optimized",
      serviceTier: null,
      systemPrompt: null,
      messages: [{ role: "user", text: "Explain the concept of machine learning in simple terms." }],
      maxTokens: 50,
      expectedOutputTokens: 50,
      temperature: null,
      topP: null,
      stopSequences: [],
      promptCache: "none",
      tags: [],
    });
    assert.deepEqual(
      set.scenarios.map((s) => s.line),
      [1, 2, 3, 4, 5],
    );
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first!.messages) && Object.isFrozen(set.scenarios));
  });
});

describe("loadScenarios: richer fields", () => {
  test("every optional field is read and normalised", async () => {
    await withTempDir(async (dir) => {
      const path = writeJsonl(dir, "rich.jsonl", [
        {
          scenario_id: "support-1",
          task_type: "chat",
          model_id: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
          region: "us-west-2",
          inference_profile: "optimized",
          system_prompt: "You are terse.",
          messages: [
            { role: "user", content: "Hi" },
            { role: "assistant", content: [{ text: "Hello" }, { text: " there" }] },
          ],
          text_prompt: "What is 2+2?",
          max_tokens: 200,
          expected_output_tokens: 20,
          temperature: 0,
          top_p: 0.9,
          stop_sequences: ["\n\nHuman:"],
          service_tier: "priority",
          prompt_cache: "system+messages",
          tags: ["support", "short"],
        },
      ]);
      const [s] = (await loadScenarios(path)).scenarios;
      assert.deepEqual(s, {
        id: "support-1",
        line: 1,
        taskType: "chat",
        modelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
        region: "us-west-2",
        performanceConfig: "optimized",
        serviceTier: "priority",
        systemPrompt: "You are terse.",
        messages: [
          { role: "user", text: "Hi" },
          { role: "assistant", text: "Hello there" },
          { role: "user", text: "What is 2+2?" },
        ],
        maxTokens: 200,
        expectedOutputTokens: 20,
        temperature: 0,
        topP: 0.9,
        stopSequences: ["\n\nHuman:"],
        promptCache: "system+messages",
        tags: ["support", "short"],
      });
    });
  });

  test("max_tokens alone sets both the limit sent and the expected length; a conversation may end with the user", () => {
    const { scenario } = parseScenario(
      { model_id: "m.x", region: "eu-west-1", max_tokens: 64, messages: [{ role: "user", content: "Q" }] },
      { file: "inline", line: 7 },
    );
    assert.equal(scenario?.maxTokens, 64);
    assert.equal(scenario?.expectedOutputTokens, 64);
    assert.equal(scenario?.id, "line-7");
    assert.equal(scenario?.performanceConfig, "standard");
  });

  test("CRLF line endings, a BOM and blank lines keep line numbers right", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "crlf.jsonl");
      const good = JSON.stringify(base);
      writeFileSync(path, `\uFEFF${good}\r\n\r\n${JSON.stringify({ ...base, region: "nowhere" })}\r\n${good}`);
      assert.deepEqual(await problemsOf(path), [
        `${path}:3: field 'region' is "nowhere" (string); expected an AWS region such as "us-east-1"`,
      ]);
      writeFileSync(path, `\uFEFF${good}\r\n\r\n${good}\r\n`);
      assert.deepEqual(
        (await loadScenarios(path)).scenarios.map((s) => s.id),
        ["line-1", "line-3"],
      );
    });
  });

  test("configurations are keyed by model, region, performance config and tier", () => {
    const s = parseScenario({ ...base, service_tier: "flex" }, { file: "x", line: 1 }).scenario!;
    assert.equal(configurationKey(s), "us.amazon.nova-pro-v1:0 | us-east-1 | standard | flex");
    const d = parseScenario(base, { file: "x", line: 2 }).scenario!;
    assert.equal(configurationKey(d), "us.amazon.nova-pro-v1:0 | us-east-1 | standard | default");
  });
});

describe("loadScenarios: malformed datasets are rejected with file:line, field, value and expectation", () => {
  test("every problem of the file is listed at once, in line order", async () => {
    await withTempDir(async (dir) => {
      const path = writeJsonl(dir, "bad.jsonl", [
        { ...base, inference_profile: "fast" },
        "",
        { ...base, expected_output_tokens: 0, region: "useast", max_token: 5 },
        "{not json",
        { messages: [{ role: "assistant", content: "a" }], expected_output_tokens: 5, model_id: "m", region: "us-east-1" },
        "[1,2]",
        { ...base, temperature: 1.5, tags: ["a;b"] },
      ]);
      assert.deepEqual(await problemsOf(path), [
        `${path}:1: field 'inference_profile' is "fast" (string); expected "standard" or "optimized"`,
        `${path}:3: field 'expected_output_tokens' is 0 (number); expected an integer ≥ 1 (the expected output length in tokens)`,
        `${path}:3: field 'region' is "useast" (string); expected an AWS region such as "us-east-1"`,
        `${path}:3: field 'max_token' is 5 (number); unknown field, did you mean 'max_tokens'?; expected one of the known fields ` +
          "(text_prompt, expected_output_tokens, task_type, model_id, region, inference_profile, scenario_id, system_prompt, " +
          "messages, max_tokens, temperature, top_p, stop_sequences, service_tier, prompt_cache, tags)",
        `${path}:4: the line is "{not json" (not valid JSON); expected one JSON object per line`,
        `${path}:5: field 'messages[0].role' is "assistant" (string); expected the conversation to start with a "user" message`,
        `${path}:6: the line is [1,2] (array); expected one JSON object per line`,
        `${path}:7: field 'temperature' is 1.5 (number); expected a number from 0 to 1`,
        `${path}:7: field 'tags[0]' is "a;b" (string); expected a tag of 1–64 characters without ';' or line breaks`,
      ]);
    });
  });

  test("missing prompt and length, bad conversations and cross-field contradictions", async () => {
    await withTempDir(async (dir) => {
      const path = writeJsonl(dir, "cross.jsonl", [
        { model_id: "m", region: "us-east-1" },
        { ...base, messages: [{ role: "user", content: "a" }] },
        { ...base, text_prompt: undefined, messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }] },
        { ...base, prompt_cache: "system" },
        { ...base, max_tokens: 10, expected_output_tokens: 20 },
        { ...base, scenario_id: "dup" },
        { ...base, scenario_id: "dup" },
      ]);
      assert.deepEqual(await problemsOf(path), [
        `${path}:1: field 'text_prompt' is missing; expected a prompt: "text_prompt" (a string) or "messages" (a conversation)`,
        `${path}:1: field 'expected_output_tokens' is missing; expected an output length: "expected_output_tokens" or "max_tokens" (an integer ≥ 1)`,
        `${path}:2: field 'text_prompt' is "Hello" (string); expected messages to end with an "assistant" turn when "text_prompt" adds the final user turn`,
        `${path}:3: field 'messages[1].role' is "user" (string); expected roles to alternate between user and assistant`,
        `${path}:4: field 'prompt_cache' is "system" (string); expected a "system_prompt" to place the cache point after (or prompt_cache "messages")`,
        `${path}:5: field 'expected_output_tokens' is 20 (number); expected at most max_tokens (10)`,
        `${path}:7: field 'scenario_id' is "dup" (string); expected a unique scenario_id (line 6 uses it already)`,
      ]);
    });
  });

  test("nested fields: message content, roles, stop sequences and tags are named with their index", async () => {
    await withTempDir(async (dir) => {
      const content = 'message content: a non-empty string, or a non-empty array of {"text": "…"} blocks';
      const path = writeJsonl(dir, "nested.jsonl", [
        { ...base, stop_sequences: ["", 3], tags: "x" },
        { ...base, text_prompt: undefined, messages: [{ role: "user", content: [] }] },
        { ...base, text_prompt: undefined, messages: [{ role: "user", content: [{ txt: "a" }] }] },
        { ...base, text_prompt: undefined, messages: [{ role: "user", content: "" }, { role: "bot", content: "x" }, { role: "user" }] },
        { ...base, messages: "hi", expected_output_tokens: 5.5, model_id: "m m", service_tier: "gold", scenario_id: "" },
      ]);
      assert.deepEqual(await problemsOf(path), [
        `${path}:1: field 'stop_sequences[0]' is "" (string); expected a non-empty string`,
        `${path}:1: field 'stop_sequences[1]' is 3 (number); expected a non-empty string`,
        `${path}:1: field 'tags' is "x" (string); expected an array of tags, each a tag of 1–64 characters without ';' or line breaks`,
        `${path}:2: field 'messages[0].content' is [] (array); expected ${content}`,
        `${path}:3: field 'messages[0].content' is [{"txt":"a"}] (array); expected ${content}`,
        `${path}:4: field 'messages[0].content' is "" (string); expected ${content}`,
        `${path}:4: field 'messages[1].role' is "bot" (string); expected "user" or "assistant"`,
        `${path}:4: field 'messages[2].content' is missing; expected ${content}`,
        `${path}:5: field 'expected_output_tokens' is 5.5 (number); expected an integer ≥ 1 (the expected output length in tokens)`,
        `${path}:5: field 'model_id' is "m m" (string); expected a Bedrock model ID, inference-profile ID or ARN without spaces (e.g. "us.amazon.nova-pro-v1:0")`,
        `${path}:5: field 'scenario_id' is "" (string); expected a non-empty string of at most 128 characters without line breaks`,
        `${path}:5: field 'messages' is "hi" (string); expected an array of {"role", "content"} messages`,
        `${path}:5: field 'service_tier' is "gold" (string); expected one of "default", "priority", "flex", "reserved"`,
      ]);
    });
  });

  test("a null line stops the parser, and the message says the rest was not checked", async () => {
    await withTempDir(async (dir) => {
      const path = writeJsonl(dir, "null.jsonl", [base, "null", base, base]);
      assert.deepEqual(await problemsOf(path), [
        `${path}:2: the line is null; expected one JSON object per line (the 2 lines after it could not be checked: fix this line first)`,
      ]);
    });
  });

  test("an empty file and a missing file", async () => {
    await withTempDir(async (dir) => {
      const empty = join(dir, "empty.jsonl");
      writeFileSync(empty, "\n\n");
      assert.deepEqual(await problemsOf(empty), [`${empty}: expected at least one scenario (the file has no JSON lines)`]);
      const missing = join(dir, "missing.jsonl");
      assert.deepEqual(await problemsOf(missing), [`${missing}: expected a readable JSONL file (ENOENT)`]);
    });
  });
});

describe("loadScenarios: whitespace-only lines and UTF-8 (issue 18, defect 9)", () => {
  test("lines of only spaces, tabs and carriage returns are skipped like blank lines; line numbers stay right", async () => {
    await withTempDir(async (dir) => {
      const good = JSON.stringify(base);
      const path = join(dir, "ws.jsonl");
      writeFileSync(path, `  \n${good}\n\t \r\n   ${good}\n \r \r\n${JSON.stringify({ ...base, region: "nowhere" })}\n   `);
      const problems = await problemsOf(path);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /ws\.jsonl:6: field 'region'/);
      writeFileSync(path, `  \n${good}\n\t \r\n   ${JSON.stringify({ ...base, scenario_id: "b" })}\n  \t`);
      const set = await loadScenarios(path);
      assert.deepEqual(set.scenarios.map((s) => s.line), [2, 4]);
    });
  });

  test("bytes that are not UTF-8 are refused, naming the file and each line", async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, "latin1.jsonl");
      const good = Buffer.from(`${JSON.stringify(base)}\n`);
      const bad = (id: string) => Buffer.concat([Buffer.from(`{"scenario_id":"${id}","text_prompt":"caf`), Buffer.from([0xe9]), Buffer.from(`","expected_output_tokens":5,"model_id":"m","region":"us-east-1"}\n`)]);
      writeFileSync(path, Buffer.concat([good, bad("a"), Buffer.from("\n"), bad("b"), Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0x0a])]));
      const problems = await problemsOf(path);
      assert.deepEqual(problems, [
        `${path}:2: expected UTF-8 text (the line holds bytes that are not valid UTF-8; save the file as UTF-8)`,
        `${path}:4: expected UTF-8 text (the line holds bytes that are not valid UTF-8; save the file as UTF-8)`,
        `${path}:5: the line is "😀" (not valid JSON); expected one JSON object per line`,
      ]);
    });
  });
});
