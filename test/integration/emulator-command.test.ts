import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { BedrockRuntimeClient, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { dummyCredentials, userMessage } from "../helpers/emulator";

const ROOT = join(__dirname, "..", "..");

function cli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--no-warnings", "--import", "tsx", join(ROOT, "lib", "cli", "main.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
  });
}

/** Collects output until `done(stdout)` holds or the process exits. */
function output(child: ChildProcessWithoutNullStreams, done: (stdout: string) => boolean = () => false) {
  let stdout = "";
  let stderr = "";
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (done(stdout)) resolve(stdout);
    });
    child.once("exit", () => (done(stdout) ? resolve(stdout) : reject(new Error(`exited early: ${stdout}\n${stderr}`))));
  });
  ready.catch(() => undefined); // callers that only await `exit` do not care
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
  return { ready, exit };
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe("bedrock-bench emulator", () => {
  it("starts, prints its endpoint as JSON, serves the SDK, writes ground truth and stops cleanly on SIGTERM", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bb-cli-"));
    try {
      const groundTruth = join(dir, "gt.jsonl");
      const faults = join(dir, "faults.json");
      await writeFile(faults, JSON.stringify([{ kind: "streamModelError", rate: 1, fromRequest: 2, afterTokens: 3 }]));
      const child = cli(["emulator", "--port", "0", "--json", "--time-scale", "0.01", "--seed", "5", "--ground-truth", groundTruth, "--faults", faults]);
      const { ready, exit } = output(child, isJson);
      const started = JSON.parse(await ready) as { endpoint: string; port: number; pid: number; groundTruthFile: string };
      assert.match(started.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(started.groundTruthFile, groundTruth);
      const client = new BedrockRuntimeClient({ endpoint: started.endpoint, region: "us-east-2", credentials: dummyCredentials(), maxAttempts: 1 });
      const send = () => client.send(new ConverseStreamCommand({ modelId: "us.amazon.nova-micro-v1:0", messages: userMessage(), inferenceConfig: { maxTokens: 20 } }));
      for await (const _ of (await send()).stream!) {
        // drain
      }
      let faulted: string | undefined;
      try {
        for await (const _ of (await send()).stream!) {
          // drain
        }
      } catch (err) {
        faulted = (err as Error).name;
      }
      assert.equal(faulted, "ModelStreamErrorException", "the --faults file is in force");
      client.destroy();
      child.kill("SIGTERM");
      const result = await exit;
      assert.equal(result.code, 0);
      assert.match(result.stderr, /emulator stopped \(SIGTERM\) after 2 requests/);
      const lines = (await readFile(groundTruth, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { outcome: string });
      assert.deepEqual(lines.map((l) => l.outcome), ["success", "stream-error"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("prints how to point clients at it and stops on SIGINT", async () => {
    const child = cli(["emulator", "--port", "0"]);
    const { ready, exit } = output(child, (s) => s.includes("Stop with Ctrl+C"));
    const text = await ready;
    const endpoint = /listening on (http:\/\/\S+)/.exec(text)?.[1];
    assert.ok(endpoint);
    assert.ok(text.includes(`endpoint_url="${endpoint}"`), "boto3 instructions");
    assert.ok(text.includes(`AWS_ENDPOINT_URL_BEDROCK_RUNTIME=${endpoint}`));
    child.kill("SIGINT");
    assert.equal((await exit).code, 0);
  });

  it("lists the model catalogue", async () => {
    const { exit } = output(cli(["emulator", "--list-models", "--json"]));
    const result = await exit;
    assert.equal(result.code, 0);
    const catalogue = JSON.parse(result.stdout) as Array<{ modelId: string; invocableIds: Record<string, string[]> }>;
    const haiku = catalogue.find((m) => m.modelId === "anthropic.claude-3-5-haiku-20241022-v1:0");
    assert.deepEqual(haiku?.invocableIds["us-east-2"], ["us.anthropic.claude-3-5-haiku-20241022-v1:0"]);
    assert.deepEqual(haiku?.invocableIds["us-west-2"], ["anthropic.claude-3-5-haiku-20241022-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0"]);
  });

  it("rejects bad flags naming them, with exit code 2, before listening", async () => {
    const result = await output(cli(["emulator", "--time-scale", "fast", "--port", "99999"])).exit;
    assert.equal(result.code, 2);
    assert.match(result.stderr, /field '--time-scale' is "fast" \(string\); expected a number > 0/);
    assert.match(result.stderr, /field '--port' is 99999 \(number\)/);
    assert.equal(result.stdout, "");
  });
});
