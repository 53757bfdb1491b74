import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { converseInputFor } from "../../lib/engine/converse-input";
import { parseScenario, type Scenario } from "../../lib/inputs/scenarios";

function scenario(fields: Record<string, unknown>): Scenario {
  const { scenario: s, problems } = parseScenario(
    { model_id: "us.anthropic.claude-3-5-haiku-20241022-v1:0", region: "us-west-2", expected_output_tokens: 50, ...fields },
    { file: "inline", line: 1 },
  );
  assert.deepEqual(problems, []);
  return s!;
}

/** What the unmodified SDK puts on the wire for an input: the HTTP request is captured by the handler and not sent. */
async function wireBody(input: ConstructorParameters<typeof ConverseStreamCommand>[0]): Promise<{ path: string; body: unknown }> {
  let captured: { path: string; body: unknown } | undefined;
  const client = new BedrockRuntimeClient({
    region: "us-west-2",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
    requestHandler: {
      handle: async (request: { path: string; body: string }) => {
        captured = { path: request.path, body: JSON.parse(request.body) };
        throw new Error("captured, not sent");
      },
    } as never,
  });
  await assert.rejects(client.send(new ConverseStreamCommand(input)), /captured, not sent/);
  assert.ok(captured);
  return captured;
}

describe("converseInputFor", () => {
  test("the AWS notebook's fields: prompt, maxTokens from expected_output_tokens, performanceConfig always sent, nothing else", async () => {
    const input = converseInputFor(scenario({ text_prompt: "Explain ML.", inference_profile: "optimized" }));
    assert.deepEqual(input.request, {
      modelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0",
      messages: [{ role: "user", content: [{ text: "Explain ML." }] }],
      inferenceConfig: { maxTokens: 50 },
      performanceConfig: { latency: "optimized" },
    });
    assert.deepEqual([input.maxTokens, input.temperature, input.topP, input.performanceConfig, input.serviceTier], [50, null, null, "optimized", ""]);
    const wire = await wireBody(input.request);
    assert.equal(wire.path, "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse-stream");
    assert.deepEqual(wire.body, {
      messages: [{ role: "user", content: [{ text: "Explain ML." }] }],
      inferenceConfig: { maxTokens: 50 },
      performanceConfig: { latency: "optimized" },
    });
  });

  test("every optional field reaches the wire, and the record's 'as sent' values are the wire's values", async () => {
    const input = converseInputFor(
      scenario({
        system_prompt: "Be brief.",
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello" },
        ],
        text_prompt: "What is 2+2?",
        max_tokens: 128,
        temperature: 0,
        top_p: 0.5,
        stop_sequences: ["END"],
        service_tier: "flex",
        prompt_cache: "system+messages",
      }),
    );
    const wire = (await wireBody(input.request)).body as Record<string, never>;
    assert.deepEqual(wire, {
      messages: [
        { role: "user", content: [{ text: "Hi" }] },
        { role: "assistant", content: [{ text: "Hello" }] },
        { role: "user", content: [{ text: "What is 2+2?" }, { cachePoint: { type: "default" } }] },
      ],
      system: [{ text: "Be brief." }, { cachePoint: { type: "default" } }],
      inferenceConfig: { maxTokens: 128, temperature: 0, topP: 0.5, stopSequences: ["END"] },
      performanceConfig: { latency: "standard" },
      serviceTier: { type: "flex" },
    });
    // temperature 0 is sent as 0 and recorded as 0 (the AWS notebook records 1 while sending 0)
    const sent = wire["inferenceConfig"] as { maxTokens: number; temperature: number; topP: number };
    assert.deepEqual([input.maxTokens, input.temperature, input.topP, input.serviceTier], [sent.maxTokens, sent.temperature, sent.topP, "flex"]);
  });

  test("cache point placement: system only, messages only", () => {
    const system = converseInputFor(scenario({ text_prompt: "q", system_prompt: "s", prompt_cache: "system" })).request;
    assert.deepEqual(system.system, [{ text: "s" }, { cachePoint: { type: "default" } }]);
    assert.deepEqual(system.messages, [{ role: "user", content: [{ text: "q" }] }]);
    const messages = converseInputFor(scenario({ text_prompt: "q", system_prompt: "s", prompt_cache: "messages" })).request;
    assert.deepEqual(messages.system, [{ text: "s" }]);
    assert.deepEqual(messages.messages, [{ role: "user", content: [{ text: "q" }, { cachePoint: { type: "default" } }] }]);
  });

  test("the input is deep-frozen: one source for the body and the record", () => {
    const input = converseInputFor(scenario({ text_prompt: "q", temperature: 0.2 }));
    assert.ok(Object.isFrozen(input) && Object.isFrozen(input.request) && Object.isFrozen(input.request.inferenceConfig));
    assert.ok(Object.isFrozen(input.request.messages![0]!.content![0]));
    assert.equal(Reflect.set(input.request.inferenceConfig!, "temperature", 1), false);
    assert.equal(input.request.inferenceConfig!.temperature, 0.2);
  });
});
