import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { decodeEventStream, encodeEventJson, encodeEventWithCodec, encodeException, PADDING_VALUES } from "../../lib/emulator/event-stream";
import { SeededRandom } from "../../lib/base/random";

describe("event-stream frames", () => {
  it("encodes event frames byte for byte as @smithy/eventstream-codec does", () => {
    const random = new SeededRandom(8);
    const texts = ["", "Hello", " lorem ipsum, dolor.", "naïve café — 東京 🚀", "\"quoted\"\n\\slash", "x".repeat(5000)];
    for (let i = 0; i < 200; i++) texts.push(String.fromCodePoint(...Array.from({ length: random.integer(0, 40) }, () => random.integer(32, 0x2fff))));
    for (const eventType of ["messageStart", "contentBlockDelta", "metadata", "chunk"]) {
      for (const text of texts) {
        const json = JSON.stringify({ delta: { text }, p: PADDING_VALUES[text.length % PADDING_VALUES.length] });
        assert.deepEqual(new Uint8Array(encodeEventJson(eventType, json)), encodeEventWithCodec(eventType, json), `${eventType} ${JSON.stringify(text).slice(0, 40)}`);
      }
    }
  });

  it("produces frames the SDK's codec decodes with valid CRCs, including exceptions", () => {
    const bytes = Buffer.concat([
      encodeEventJson("messageStart", '{"p":"abc","role":"assistant"}'),
      encodeEventJson("contentBlockDelta", '{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"a"}'),
      encodeException("throttlingException", { message: "Too many tokens, please wait before trying again." }),
    ]);
    const frames = decodeEventStream(bytes);
    assert.deepEqual(frames.map((f) => f.headers[":message-type"]), ["event", "event", "exception"]);
    assert.equal(frames[1]?.headers[":event-type"], "contentBlockDelta");
    assert.equal(frames[2]?.headers[":exception-type"], "throttlingException");
    assert.deepEqual(frames[1]?.payload, { contentBlockIndex: 0, delta: { text: "Hi" }, p: "a" });
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const corrupted = Buffer.from(encodeEventJson("contentBlockDelta", '{"delta":{"text":"Hi"}}'));
    corrupted[corrupted.length - 6] = corrupted[corrupted.length - 6]! ^ 1;
    assert.throws(() => codec.decode(corrupted), /checksum/i);
  });

  it("pads with prefixes of Bedrock's alphabet", () => {
    assert.equal(PADDING_VALUES[0], "a");
    assert.equal(PADDING_VALUES.at(-1), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  });
});
