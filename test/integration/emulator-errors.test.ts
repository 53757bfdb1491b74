import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { describe, it } from "node:test";
import { ConverseCommand, ConverseStreamCommand, type Message } from "@aws-sdk/client-bedrock-runtime";
import { startEmulator, type FaultRule } from "../../lib/emulator";
import { fastRetries, HANDLERS, profilesWith, rejection, userMessage, withEmulator } from "../helpers/emulator";

const HAIKU = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
const HAIKU_ID = "anthropic.claude-3-5-haiku-20241022-v1:0";

function converse(modelId: string, extra: Record<string, unknown> = {}) {
  return new ConverseCommand({ modelId, messages: userMessage(), inferenceConfig: { maxTokens: 20 }, ...extra } as never);
}

describe("errors before the stream, as the SDK maps them", () => {
  for (const handler of HANDLERS) {
    describe(handler, () => {
      const cases: Array<{ what: string; command: () => ConverseCommand; name: string; status: number; message: RegExp }> = [
        { what: "unknown model ID", command: () => converse("anthropic.claude-9-nope-v1:0"), name: "ValidationException", status: 400, message: /^The provided model identifier is invalid\.$/ },
        {
          what: "bare model ID where only an inference profile is allowed",
          command: () => converse("anthropic.claude-3-7-sonnet-20250219-v1:0"),
          name: "ValidationException",
          status: 400,
          message: /with on-demand throughput isn.t supported/,
        },
        {
          what: "a model the caller's region does not serve",
          command: () => converse("eu.anthropic.claude-3-7-sonnet-20250219-v1:0"),
          name: "ValidationException",
          status: 400,
          message: /model identifier is invalid/,
        },
        {
          what: "maxTokens 0",
          command: () => converse(HAIKU, { inferenceConfig: { maxTokens: 0 } }),
          name: "ValidationException",
          status: 400,
          message: /Value '0' at 'inferenceConfig\.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1/,
        },
        {
          what: "maxTokens above the model's maximum",
          command: () => converse(HAIKU, { inferenceConfig: { maxTokens: 8193 } }),
          name: "ValidationException",
          status: 400,
          message: /exceeds the model limit of 8192/,
        },
        {
          what: "temperature above 1",
          command: () => converse(HAIKU, { inferenceConfig: { maxTokens: 10, temperature: 1.5 } }),
          name: "ValidationException",
          status: 400,
          message: /at 'inferenceConfig\.temperature' failed to satisfy constraint/,
        },
        {
          what: "empty messages",
          command: () => new ConverseCommand({ modelId: HAIKU, messages: [] }),
          name: "ValidationException",
          status: 400,
          message: /must start with a user message/,
        },
        {
          what: "a conversation that does not alternate",
          command: () => new ConverseCommand({ modelId: HAIKU, messages: [...userMessage(), ...userMessage()] as Message[] }),
          name: "ValidationException",
          status: 400,
          message: /must alternate between user and assistant/,
        },
        {
          what: "an unsupported service tier",
          command: () => converse(HAIKU, { serviceTier: { type: "flex" } }),
          name: "ValidationException",
          status: 400,
          message: /service tier \(flex\) is not supported/,
        },
        {
          what: "an application inference profile ARN it does not know",
          command: () => converse("arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/abc123"),
          name: "ResourceNotFoundException",
          status: 404,
          message: /was not found/,
        },
        {
          what: "cache points on a model without prompt caching",
          command: () =>
            new ConverseCommand({
              modelId: "us.anthropic.claude-3-haiku-20240307-v1:0",
              messages: [{ role: "user", content: [{ text: "hello" }, { cachePoint: { type: "default" } }] }],
            }),
          name: "ValidationException",
          status: 400,
          message: /did not allow prompt caching/,
        },
      ];
      for (const c of cases) {
        it(`${c.what} → ${c.name} ${c.status}, not retried`, async () => {
          await withEmulator({}, async (emulator, client) => {
            const err = await rejection(() => client(handler, fastRetries()).send(c.command()));
            assert.equal(err.name, c.name);
            assert.match(err.message, c.message);
            assert.equal(err.$metadata?.httpStatusCode, c.status);
            assert.equal(err.$metadata?.attempts, 1);
            assert.equal(err.$fault, "client");
            const truth = emulator.groundTruth.byRequestId(err.$metadata!.requestId!)!;
            assert.equal(truth.outcome, "error");
            assert.equal(truth.errorClass, c.name);
            assert.equal(truth.httpStatus, c.status);
            assert.equal(truth.errorSource, "request");
            assert.equal(emulator.groundTruth.entries().length, 1);
          });
        });
      }

      it("a model without access → AccessDeniedException 403", async () => {
        const profiles = profilesWith(HAIKU_ID, (m) => {
          m.accessGranted = false;
        });
        await withEmulator({ profiles }, async (_emulator, client) => {
          const err = await rejection(() => client(handler).send(converse(HAIKU)));
          assert.equal(err.name, "AccessDeniedException");
          assert.equal(err.$metadata?.httpStatusCode, 403);
        });
      });

      it("a reservation larger than the tokens-per-minute quota → ServiceQuotaExceededException 400", async () => {
        const profiles = profilesWith(HAIKU_ID, (m) => {
          m.quotas.tokensPerMinute = 1000;
        });
        await withEmulator({ profiles }, async (emulator, client) => {
          const err = await rejection(() => client(handler, fastRetries()).send(converse(HAIKU, { inferenceConfig: { maxTokens: 2000 } })));
          assert.equal(err.name, "ServiceQuotaExceededException");
          assert.equal(err.$metadata?.httpStatusCode, 400);
          assert.equal(err.$metadata?.attempts, 1);
          assert.equal(emulator.groundTruth.entries()[0]?.errorSource, "quota");
        });
      });

      it("the requests-per-minute quota → ThrottlingException 429, retried", async () => {
        const profiles = profilesWith(HAIKU_ID, (m, doc) => {
          m.quotas.requestsPerMinute = 1;
          doc.quotaBurstSeconds = 60;
        });
        await withEmulator({ profiles, timeScale: 0.01 }, async (emulator, client) => {
          const c = client(handler, fastRetries());
          await c.send(converse(HAIKU));
          const err = await rejection(() => c.send(converse(HAIKU)));
          assert.equal(err.name, "ThrottlingException");
          assert.equal(err.$metadata?.httpStatusCode, 429);
          assert.equal(err.$metadata?.attempts, 3);
          const attempts = emulator.groundTruth.entries().slice(1);
          assert.deepEqual(attempts.map((e) => e.attempt), [1, 2, 3]);
          assert.equal(new Set(attempts.map((e) => e.invocationId)).size, 1, "one invocation ID across the retries");
          assert.ok(attempts.every((e) => e.errorClass === "ThrottlingException" && e.errorSource === "quota"));
        });
      });

      it("the concurrency limit → ServiceUnavailableException 503", async () => {
        const profiles = profilesWith(HAIKU_ID, (m) => {
          m.quotas.maxConcurrency = 1;
        });
        await withEmulator({ profiles, timeScale: 0.05 }, async (emulator, client) => {
          const c = client(handler);
          const first = await c.send(new ConverseStreamCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 200 } }));
          const err = await rejection(() => c.send(converse(HAIKU)));
          assert.equal(err.name, "ServiceUnavailableException");
          assert.equal(err.$metadata?.httpStatusCode, 503);
          assert.equal(err.$fault, "server");
          for await (const _ of first.stream!) {
            // drain
          }
          const ok = await c.send(converse(HAIKU));
          assert.equal(ok.$metadata.httpStatusCode, 200, "the slot is free once the stream ended");
          assert.equal(emulator.groundTruth.entries().filter((e) => e.errorClass === "ServiceUnavailableException").length, 1);
        });
      });
    });
  }
});

describe("every injected HTTP error class, and whether the SDK retries it", () => {
  const expectations: Array<{ kind: FaultRule["kind"]; name: string; status: number; attempts: number }> = [
    { kind: "throttling", name: "ThrottlingException", status: 429, attempts: 3 },
    { kind: "modelNotReady", name: "ModelNotReadyException", status: 429, attempts: 3 },
    { kind: "internalServer", name: "InternalServerException", status: 500, attempts: 3 },
    { kind: "serviceUnavailable", name: "ServiceUnavailableException", status: 503, attempts: 3 },
    { kind: "modelTimeout", name: "ModelTimeoutException", status: 408, attempts: 1 },
    { kind: "modelError", name: "ModelErrorException", status: 424, attempts: 1 },
  ];
  for (const handler of HANDLERS) {
    for (const e of expectations) {
      it(`${e.kind} → ${e.name} ${e.status}, ${e.attempts === 1 ? "not retried" : "retried"} (${handler})`, async () => {
        await withEmulator({ faults: [{ kind: e.kind, rate: 1 }] }, async (emulator, client) => {
          const err = await rejection(() => client(handler, fastRetries()).send(converse(HAIKU)));
          assert.equal(err.name, e.name);
          assert.equal(err.$metadata?.httpStatusCode, e.status);
          assert.equal(err.$metadata?.attempts, e.attempts);
          const entries = emulator.groundTruth.entries();
          assert.equal(entries.length, e.attempts, "one ground-truth entry per attempt");
          assert.ok(entries.every((x) => x.faultKind === e.kind && x.errorClass === e.name && x.httpStatus === e.status && x.errorSource === "fault"));
        });
      });
    }
  }
});

/** A raw HTTP/1.1 exchange, to check bytes the SDK would hide. */
function raw(port: number, method: string, path: string, body: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: { "content-type": "application/json", ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("raw HTTP/1.1", () => {
  it("answers malformed JSON with Bedrock's status, headers and body exactly", async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      const res = await raw(emulator.port, "POST", `/model/${encodeURIComponent(HAIKU)}/converse`, "{not json");
      assert.equal(res.status, 400);
      assert.equal(res.headers["content-type"], "application/json");
      assert.equal(res.headers["x-amzn-errortype"], "ValidationException");
      const requestId = res.headers["x-amzn-requestid"] as string;
      assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(res.headers["content-length"], String(Buffer.byteLength(res.body)));
      assert.equal(res.body, JSON.stringify({ message: "Malformed input request: request body is not valid JSON, please reformat your input and try again." }));
      const truth = emulator.groundTruth.byRequestId(requestId)!;
      assert.equal(truth.httpVersion, "1.1");
      assert.equal(truth.authScheme, "none");
      assert.equal(truth.region, "us-east-1", "unsigned requests get the default region");
    } finally {
      await emulator.close();
    }
  });

  it("answers unknown paths and methods with 404 UnknownOperationException", async () => {
    const emulator = await startEmulator({ port: 0 });
    try {
      for (const [method, path] of [
        ["POST", "/model/x/generate"],
        ["GET", `/model/${encodeURIComponent(HAIKU)}/converse`],
        ["POST", "/"],
      ] as const) {
        const res = await raw(emulator.port, method, path, "{}");
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.equal(res.headers["x-amzn-errortype"], "UnknownOperationException");
        assert.deepEqual(JSON.parse(res.body), { message: "Unknown operation" });
      }
      assert.ok(emulator.groundTruth.entries().every((e) => e.operation === null && e.errorClass === "UnknownOperationException"));
    } finally {
      await emulator.close();
    }
  });

  it("reads the region from a Bearer-less SigV4 scope and accepts Bearer API keys", async () => {
    const emulator = await startEmulator({ port: 0, defaultRegion: "us-west-2" });
    try {
      const body = JSON.stringify({ messages: userMessage(), inferenceConfig: { maxTokens: 5 } });
      const signed = await raw(emulator.port, "POST", "/model/eu.amazon.nova-micro-v1%3A0/converse", body, {
        authorization: "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/eu-west-3/bedrock/aws4_request, SignedHeaders=host, Signature=abc",
      });
      const bearer = await raw(emulator.port, "POST", "/model/us.amazon.nova-micro-v1%3A0/converse", body, { authorization: "Bearer bedrock-api-key-xyz" });
      assert.equal(signed.status, 200, signed.body);
      assert.equal(bearer.status, 200, bearer.body);
      const [a, b] = emulator.groundTruth.entries();
      assert.equal(a?.region, "eu-west-3");
      assert.equal(a?.authScheme, "sigv4");
      assert.equal(b?.region, "us-west-2");
      assert.equal(b?.authScheme, "bearer");
    } finally {
      await emulator.close();
    }
  });
});
