import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { QuotaManager } from "../../lib/emulator/quotas";
import { BedrockError } from "../../lib/emulator/errors";
import { profilesWith, userMessage, withEmulator } from "../helpers/emulator";

const HAIKU_ID = "anthropic.claude-3-5-haiku-20241022-v1:0";
const HAIKU = `us.${HAIKU_ID}`;

describe("quota buckets (pure, injected clock)", () => {
  const quotas = { requestsPerMinute: 60, tokensPerMinute: 6000, maxConcurrency: 2 };

  function manager(timeScale = 1) {
    let nowMs = 0;
    const m = new QuotaManager({ burstSeconds: 5, timeScale, now: () => nowMs });
    return { m, advance: (ms: number) => (nowMs += ms) };
  }

  it("lets a burst of burstSeconds' worth through, then exactly the per-minute rate", () => {
    const { m, advance } = manager();
    let admitted = 0;
    // One attempt every 125 ms (an eighth of a request's refill, exact in binary) from 0 to 3 minutes inclusive.
    for (let t = 0; t <= 180_000; t += 125) {
      const lease = m.admit("k", quotas, 10);
      if (!(lease instanceof BedrockError)) {
        admitted++;
        lease.release(10);
      }
      advance(125);
    }
    // burst 60 × 5/60 = 5, then 60 per minute for 3 minutes.
    assert.equal(admitted, 5 + 180);
  });

  it("refills in emulated time: timeScale 0.01 makes a minute last 600 ms", () => {
    const { m, advance } = manager(0.01);
    let admitted = 0;
    for (let t = 0; t <= 600; t += 1.25) {
      const lease = m.admit("k", quotas, 10);
      if (!(lease instanceof BedrockError)) {
        admitted++;
        lease.release(10);
      }
      advance(1.25);
    }
    assert.equal(admitted, 5 + 60);
  });

  it("reserves input + maxTokens, refunds the unused part, and names the exhausted quota", () => {
    const { m } = manager();
    // Token bucket holds 6000 × 5/60 = 500.
    const a = m.admit("k", quotas, 400);
    assert.ok(!(a instanceof BedrockError));
    const refused = m.admit("k", quotas, 400);
    assert.ok(refused instanceof BedrockError && refused.errorName === "ThrottlingException" && /Too many tokens/.test(refused.message));
    a.release(100); // used 100 of 400 reserved: 300 back.
    const b = m.admit("k", quotas, 400);
    assert.ok(!(b instanceof BedrockError), "the refund made room");
  });

  it("refuses past the concurrency cap with ServiceUnavailableException and frees the slot on release", () => {
    const { m } = manager();
    const one = m.admit("k", quotas, 1);
    const two = m.admit("k", quotas, 1);
    const three = m.admit("k", quotas, 1);
    assert.ok(three instanceof BedrockError && three.errorName === "ServiceUnavailableException");
    assert.equal(m.activeRequests("k"), 2);
    (one as { release(n: number): void }).release(1);
    (one as { release(n: number): void }).release(1);
    assert.equal(m.activeRequests("k"), 1, "release is idempotent");
    assert.ok(!((two as unknown) instanceof BedrockError));
  });

  it("keeps keys apart", () => {
    const { m } = manager();
    for (let i = 0; i < 5; i++) assert.ok(!(m.admit("a", { ...quotas, maxConcurrency: 100 }, 1) instanceof BedrockError));
    assert.ok(m.admit("a", { ...quotas, maxConcurrency: 100 }, 1) instanceof BedrockError);
    assert.ok(!(m.admit("b", { ...quotas, maxConcurrency: 100 }, 1) instanceof BedrockError));
  });
});

describe("requests-per-minute quota through the SDK", () => {
  it("lets R ± 5% through in a minute-long time-scaled run offered 3R", async () => {
    const R = 120;
    const profiles = profilesWith(HAIKU_ID, (m) => {
      m.quotas.requestsPerMinute = R;
      m.quotas.tokensPerMinute = 10_000_000;
    });
    const timeScale = 0.1; // one emulated minute = 6 s of real time
    await withEmulator({ profiles, timeScale }, async (emulator, client) => {
      const sdk = client("http1");
      const intervalMs = (60_000 / (3 * R)) * timeScale;
      const started = performance.now();
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < 3 * R + 30; i++) {
        const due = started + i * intervalMs;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        calls.push(sdk.send(new ConverseCommand({ modelId: HAIKU, messages: userMessage(), inferenceConfig: { maxTokens: 1 } })).catch((e: Error) => e));
      }
      await Promise.all(calls);
      const entries = emulator.groundTruth.entries();
      const first = entries[0]!.receivedMs;
      const minute = entries.filter((e) => e.receivedMs - first < 60_000 * timeScale);
      const admitted = minute.filter((e) => e.errorClass === null).length;
      const throttled = minute.filter((e) => e.errorClass === "ThrottlingException").length;
      assert.ok(minute.length >= 2.5 * R, `offered ${minute.length} in the minute`);
      assert.ok(Math.abs(admitted - R) <= 0.05 * R, `admitted ${admitted} in one emulated minute for a quota of ${R}/min`);
      assert.equal(admitted + throttled, minute.length);
    });
  });
});
