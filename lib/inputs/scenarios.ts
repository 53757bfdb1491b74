/**
 * Scenario datasets: JSONL files, one scenario (prompt × model × region × configuration) per line.
 *
 * The AWS latency-benchmarking notebook's format is accepted unchanged
 * (`text_prompt, expected_output_tokens, task_type, model_id, region, inference_profile`), plus optional richer fields
 * (`scenario_id, system_prompt, messages, max_tokens, temperature, top_p, stop_sequences, service_tier, prompt_cache,
 * tags`). The file is streamed through `ndjson`; every problem in the file is collected and reported in one
 * `DatasetError` naming file, line, field, bad value and expectation, before anything is sent.
 */

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import ndjson from "ndjson";
import { z } from "zod";
import { DatasetError, describeValue, type InputProblem, problemsFromIssues } from "../base/input-error";

export const PERFORMANCE_CONFIGS = ["standard", "optimized"] as const;
export type PerformanceConfig = (typeof PERFORMANCE_CONFIGS)[number];
export const SERVICE_TIERS = ["default", "priority", "flex", "reserved"] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];
/** Where `cachePoint` blocks go: after the system prompt, after the last message, both, or nowhere. */
export const PROMPT_CACHE_PLACEMENTS = ["none", "system", "messages", "system+messages"] as const;
export type PromptCachePlacement = (typeof PROMPT_CACHE_PLACEMENTS)[number];

export interface ScenarioMessage {
  readonly role: "user" | "assistant";
  readonly text: string;
}

/** A validated, normalised, frozen scenario. */
export interface Scenario {
  /** `scenario_id`, or `line-<n>` when the dataset gives none. */
  readonly id: string;
  /** 1-based line in the dataset file. */
  readonly line: number;
  readonly taskType: string;
  readonly modelId: string;
  readonly region: string;
  /** Asked `performanceConfig.latency` (the AWS notebook's `inference_profile`). */
  readonly performanceConfig: PerformanceConfig;
  /** Asked `serviceTier.type`; null sends none (Bedrock's default tier). */
  readonly serviceTier: ServiceTier | null;
  readonly systemPrompt: string | null;
  /** The whole conversation sent, ending with a user turn (`text_prompt` is the last user turn). */
  readonly messages: readonly ScenarioMessage[];
  /** `inferenceConfig.maxTokens` sent: `max_tokens`, else `expected_output_tokens`. */
  readonly maxTokens: number;
  /** Expected output length, for cost estimates: `expected_output_tokens`, else `max_tokens`. */
  readonly expectedOutputTokens: number;
  readonly temperature: number | null;
  readonly topP: number | null;
  readonly stopSequences: readonly string[];
  readonly promptCache: PromptCachePlacement;
  readonly tags: readonly string[];
}

/** A loaded dataset: where it came from, its content hash (for resume), and its scenarios in file order. */
export interface ScenarioSet {
  /** Absolute path of the dataset file. */
  readonly path: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly scenarios: readonly Scenario[];
}

export const SCENARIO_FIELDS = [
  "text_prompt",
  "expected_output_tokens",
  "task_type",
  "model_id",
  "region",
  "inference_profile",
  "scenario_id",
  "system_prompt",
  "messages",
  "max_tokens",
  "temperature",
  "top_p",
  "stop_sequences",
  "service_tier",
  "prompt_cache",
  "tags",
] as const;

const positiveInt = (what: string) => {
  const error = `an integer ≥ 1 (${what})`;
  return z.number({ error }).int({ error }).min(1, { error });
};
const unitInterval = () => {
  const error = "a number from 0 to 1";
  return z.number({ error }).min(0, { error }).max(1, { error });
};
const text = (what: string) => {
  const error = `a non-empty string (${what})`;
  return z.string({ error }).min(1, { error });
};

const TAG_EXPECTED = "a tag of 1–64 characters without ';' or line breaks";

const CONTENT_EXPECTED = 'message content: a non-empty string, or a non-empty array of {"text": "…"} blocks';

const contentSchema = z.union(
  [
    z.string({ error: CONTENT_EXPECTED }).min(1, { error: CONTENT_EXPECTED }),
    z
      .array(z.strictObject({ text: z.string({ error: "a non-empty string" }).min(1, { error: "a non-empty string" }) }), { error: CONTENT_EXPECTED })
      .min(1, { error: CONTENT_EXPECTED }),
  ],
  { error: CONTENT_EXPECTED },
);

const messageSchema = z.strictObject({
  role: z.enum(["user", "assistant"], { error: '"user" or "assistant"' }),
  content: contentSchema,
});

const scenarioSchema = z.strictObject({
  text_prompt: text("the prompt").optional(),
  expected_output_tokens: positiveInt("the expected output length in tokens").optional(),
  task_type: z.string({ error: "a string naming the task (e.g. \"Text-Generation\")" }).optional(),
  model_id: z
    .string({ error: "a Bedrock model ID, inference-profile ID or ARN (e.g. \"us.amazon.nova-pro-v1:0\")" })
    .regex(/^\S+$/, { error: "a Bedrock model ID, inference-profile ID or ARN without spaces (e.g. \"us.amazon.nova-pro-v1:0\")" }),
  region: z
    .string({ error: 'an AWS region such as "us-east-1"' })
    .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: 'an AWS region such as "us-east-1"' }),
  inference_profile: z.enum(PERFORMANCE_CONFIGS, { error: '"standard" or "optimized"' }).optional(),
  scenario_id: z
    .string({ error: "a non-empty string of at most 128 characters without line breaks" })
    .regex(/^[^\r\n]{1,128}$/, { error: "a non-empty string of at most 128 characters without line breaks" })
    .optional(),
  system_prompt: text("the system prompt").optional(),
  messages: z.array(messageSchema, { error: 'an array of {"role", "content"} messages' }).min(1, { error: "at least one message" }).optional(),
  max_tokens: positiveInt("the maximum output tokens sent as inferenceConfig.maxTokens").optional(),
  temperature: unitInterval().optional(),
  top_p: unitInterval().optional(),
  stop_sequences: z
    .array(z.string({ error: "a non-empty string" }).min(1, { error: "a non-empty string" }), { error: "an array of non-empty strings" })
    .max(2500, { error: "at most 2500 stop sequences" })
    .optional(),
  service_tier: z.enum(SERVICE_TIERS, { error: `one of ${SERVICE_TIERS.map((t) => `"${t}"`).join(", ")}` }).optional(),
  prompt_cache: z
    .enum(PROMPT_CACHE_PLACEMENTS, { error: `one of ${PROMPT_CACHE_PLACEMENTS.map((p) => `"${p}"`).join(", ")}` })
    .optional(),
  tags: z
    .array(z.string({ error: TAG_EXPECTED }).regex(/^[^;\r\n]{1,64}$/, { error: TAG_EXPECTED }), { error: `an array of tags, each ${TAG_EXPECTED}` })
    .optional(),
});

type RawScenario = z.infer<typeof scenarioSchema>;

function knownKeys(shape: string): readonly string[] {
  if (shape === "messages[]") return ["role", "content"];
  if (shape === "messages[].content[]") return ["text"];
  return SCENARIO_FIELDS;
}

type RawContent = NonNullable<RawScenario["messages"]>[number]["content"];

function messageText(content: RawContent): string {
  return typeof content === "string" ? content : content.map((block) => block.text).join("");
}

/** Cross-field rules zod's per-field schema cannot express. Returns problems, empty when fine. */
function crossFieldProblems(raw: RawScenario, file: string, line: number): InputProblem[] {
  const problems: InputProblem[] = [];
  const at = (field: string, value: unknown, expected: string): void => {
    problems.push({ file, line, field, value: describeValue(value), expected });
  };
  if (raw.text_prompt === undefined && raw.messages === undefined) {
    at("text_prompt", undefined, 'a prompt: "text_prompt" (a string) or "messages" (a conversation)');
  }
  if (raw.expected_output_tokens === undefined && raw.max_tokens === undefined) {
    at("expected_output_tokens", undefined, 'an output length: "expected_output_tokens" or "max_tokens" (an integer ≥ 1)');
  }
  if (raw.messages) {
    const roles = raw.messages.map((m) => m.role);
    if (raw.text_prompt !== undefined) roles.push("user");
    if (roles[0] !== "user") at("messages[0].role", raw.messages[0]?.role, 'the conversation to start with a "user" message');
    for (let i = 1; i < raw.messages.length; i++) {
      if (roles[i] === roles[i - 1]) at(`messages[${i}].role`, raw.messages[i]?.role, "roles to alternate between user and assistant");
    }
    if (raw.text_prompt !== undefined && roles.length >= 2 && roles[roles.length - 2] === "user") {
      at("text_prompt", raw.text_prompt, 'messages to end with an "assistant" turn when "text_prompt" adds the final user turn');
    } else if (raw.text_prompt === undefined && roles[roles.length - 1] !== "user" && roles.length > 1) {
      at(`messages[${roles.length - 1}].role`, raw.messages[roles.length - 1]?.role, 'the conversation to end with a "user" message');
    }
  }
  if ((raw.prompt_cache === "system" || raw.prompt_cache === "system+messages") && raw.system_prompt === undefined) {
    at("prompt_cache", raw.prompt_cache, 'a "system_prompt" to place the cache point after (or prompt_cache "messages")');
  }
  if (raw.max_tokens !== undefined && raw.expected_output_tokens !== undefined && raw.expected_output_tokens > raw.max_tokens) {
    at("expected_output_tokens", raw.expected_output_tokens, `at most max_tokens (${raw.max_tokens})`);
  }
  return problems;
}

function normalise(raw: RawScenario, line: number): Scenario {
  const messages: ScenarioMessage[] = (raw.messages ?? []).map((m) => Object.freeze({ role: m.role, text: messageText(m.content) }));
  if (raw.text_prompt !== undefined) messages.push(Object.freeze({ role: "user", text: raw.text_prompt }));
  const maxTokens = raw.max_tokens ?? raw.expected_output_tokens!;
  return Object.freeze({
    id: raw.scenario_id ?? `line-${line}`,
    line,
    taskType: raw.task_type ?? "",
    modelId: raw.model_id,
    region: raw.region,
    performanceConfig: raw.inference_profile ?? "standard",
    serviceTier: raw.service_tier ?? null,
    systemPrompt: raw.system_prompt ?? null,
    messages: Object.freeze(messages),
    maxTokens,
    expectedOutputTokens: raw.expected_output_tokens ?? maxTokens,
    temperature: raw.temperature ?? null,
    topP: raw.top_p ?? null,
    stopSequences: Object.freeze([...(raw.stop_sequences ?? [])]),
    promptCache: raw.prompt_cache ?? "none",
    tags: Object.freeze([...(raw.tags ?? [])]),
  });
}

/**
 * Validates one parsed JSONL value. Returns the scenario, or the problems found (all of them).
 * Exported for callers that build scenarios in code (notebooks): pass `file` as a description.
 */
export function parseScenario(value: unknown, where: { file: string; line: number }): { scenario?: Scenario; problems: InputProblem[] } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return {
      problems: [{ file: where.file, line: where.line, field: "", value: describeValue(value), expected: "one JSON object per line" }],
    };
  }
  const parsed = scenarioSchema.safeParse(value);
  if (!parsed.success) return { problems: problemsFromIssues(parsed.error.issues, value, where, knownKeys) };
  const problems = crossFieldProblems(parsed.data, where.file, where.line);
  if (problems.length > 0) return { problems };
  return { scenario: normalise(parsed.data, where.line), problems: [] };
}

/**
 * Tracks line numbers for the ndjson parser: ndjson skips empty lines and reports neither line numbers nor
 * positions, so this pass-through notes the line of every non-blank row in order (and strips a UTF-8 BOM).
 * A line of only spaces, tabs and carriage returns is blank: its bytes are not passed on, so the parser sees an empty
 * line and skips it (the whitespace before a row's JSON is dropped too, which JSON.parse would ignore anyway).
 * The k-th value or error the parser emits belongs to the k-th non-blank line. Every line is also decoded as strict
 * UTF-8; lines holding bytes that are not UTF-8 are noted in `invalidUtf8Lines`.
 */
class LineTracker extends Transform {
  readonly nonEmptyLines: number[] = [];
  readonly invalidUtf8Lines: number[] = [];
  private line = 1;
  private lineHasContent = false;
  private lineInvalid = false;
  private decoder = new TextDecoder("utf-8", { fatal: true });
  private first = true;
  readonly hash = createHash("sha256");

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    let data = chunk;
    if (this.first) {
      this.first = false;
      if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) data = data.subarray(3);
    }
    const out = Buffer.allocUnsafe(data.length);
    let kept = 0;
    let segmentStart = 0;
    for (let i = 0; i < data.length; i++) {
      const byte = data[i]!;
      if (byte === 0x0a) {
        this.decode(data.subarray(segmentStart, i), true);
        segmentStart = i + 1;
        this.endLine();
        out[kept++] = byte;
      } else if (!this.lineHasContent && (byte === 0x20 || byte === 0x09 || byte === 0x0d)) {
        // leading whitespace: dropped (a blank line reaches the parser empty)
      } else {
        this.lineHasContent = true;
        out[kept++] = byte;
      }
    }
    this.decode(data.subarray(segmentStart), false);
    callback(null, out.subarray(0, kept));
  }

  override _flush(callback: TransformCallback): void {
    this.decode(new Uint8Array(0), true);
    if (this.lineHasContent || this.lineInvalid) this.endLine();
    callback();
  }

  /** Decodes part of the current line; `lineEnds` flushes the decoder (a sequence cut by a line break is invalid). */
  private decode(bytes: Uint8Array, lineEnds: boolean): void {
    try {
      this.decoder.decode(bytes, { stream: !lineEnds });
    } catch {
      this.lineInvalid = true;
      this.decoder = new TextDecoder("utf-8", { fatal: true });
    }
  }

  private endLine(): void {
    if (this.lineHasContent) this.nonEmptyLines.push(this.line);
    if (this.lineInvalid) this.invalidUtf8Lines.push(this.line);
    this.line++;
    this.lineHasContent = false;
    this.lineInvalid = false;
  }
}

/**
 * Streams a JSONL dataset and validates every line. Throws one `DatasetError` listing every problem
 * (file, line, field, bad value, expectation), or returns the frozen scenarios with the file's sha256.
 */
export async function loadScenarios(file: string): Promise<ScenarioSet> {
  const path = resolve(file);
  const tracker = new LineTracker();
  const parser = ndjson.parse({ strict: true });
  const problems: InputProblem[] = [];
  const scenarios: Scenario[] = [];
  let rowIndex = 0;

  const lineOfNextRow = (): number => tracker.nonEmptyLines[rowIndex++] ?? tracker.nonEmptyLines.length + 1;

  await new Promise<void>((resolvePromise, reject) => {
    parser.on("data", (value: unknown) => {
      const line = lineOfNextRow();
      const result = parseScenario(value, { file: path, line });
      if (result.scenario) scenarios.push(result.scenario);
      problems.push(...result.problems);
    });
    parser.on("error", (err: Error) => {
      // Only row errors belong to a line; anything else follows an early end (see the `null` check below).
      if (!err.message.startsWith("Could not parse row ")) return;
      const line = lineOfNextRow();
      const preview = err.message.replace(/^Could not parse row /, "").replace(/\.\.\.$/, "");
      problems.push({
        file: path,
        line,
        field: "",
        value: `${JSON.stringify(preview.length >= 50 ? `${preview}…` : preview)} (not valid JSON)`,
        expected: "one JSON object per line",
      });
    });
    parser.on("end", () => resolvePromise());
    const source = createReadStream(path);
    source.on("error", (err) => tracker.destroy(err));
    // Written by hand rather than piped: a parse error must not unpipe the source, so every line gets checked.
    (async () => {
      for await (const chunk of source.pipe(tracker)) {
        if (!parser.write(chunk)) await new Promise((r) => parser.once("drain", r));
      }
      parser.end();
    })().catch((err: NodeJS.ErrnoException) => {
      reject(
        new DatasetError(`Cannot read dataset ${path}`, [
          { file: path, field: "", value: "", expected: `a readable JSONL file (${err.code ?? err.message})` },
        ]),
      );
    });
  });

  // A line holding `null` ends ndjson's stream early (split2 takes a mapped null for the end of input):
  // the lines after it cannot be checked in this pass, and the message says so.
  if (rowIndex < tracker.nonEmptyLines.length) {
    const line = tracker.nonEmptyLines[rowIndex]!;
    const unchecked = tracker.nonEmptyLines.length - rowIndex - 1;
    problems.push({
      file: path,
      line,
      field: "",
      value: "null",
      expected: `one JSON object per line${unchecked > 0 ? ` (the ${unchecked} line${unchecked === 1 ? "" : "s"} after it could not be checked: fix this line first)` : ""}`,
    });
  }
  for (const line of tracker.invalidUtf8Lines) {
    problems.push({
      file: path,
      line,
      field: "",
      value: "",
      expected: "UTF-8 text (the line holds bytes that are not valid UTF-8; save the file as UTF-8)",
    });
  }
  if (problems.length === 0 && scenarios.length === 0) {
    problems.push({ file: path, field: "", value: "", expected: "at least one scenario (the file has no JSON lines)" });
  }
  const seen = new Map<string, number>();
  for (const s of scenarios) {
    const previous = seen.get(s.id);
    if (previous !== undefined) {
      problems.push({
        file: path,
        line: s.line,
        field: "scenario_id",
        value: describeValue(s.id),
        expected: `a unique scenario_id (line ${previous} uses it already)`,
      });
    } else {
      seen.set(s.id, s.line);
    }
  }
  if (problems.length > 0) {
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const lines = new Set(problems.map((p) => p.line)).size;
    throw new DatasetError(
      `Dataset ${path} is invalid: ${problems.length} problem${problems.length === 1 ? "" : "s"} on ${lines} line${lines === 1 ? "" : "s"} (nothing was sent)`,
      problems,
    );
  }
  return Object.freeze({ path, sha256: tracker.hash.digest("hex"), scenarios: Object.freeze(scenarios) });
}

/** Distinct (model, region, performance config, tier) configurations, in first-appearance order. */
export function configurationKey(s: Pick<Scenario, "modelId" | "region" | "performanceConfig" | "serviceTier">): string {
  return `${s.modelId} | ${s.region} | ${s.performanceConfig} | ${s.serviceTier ?? "default"}`;
}
