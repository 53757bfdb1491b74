import { crc32 } from "node:zlib";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";

/**
 * AWS event-stream frames as Bedrock writes them (`application/vnd.amazon.eventstream`), with
 * `@smithy/eventstream-codec` — the codec the SDK decodes with.
 *
 * Event frames are the emulator's hot path (one per text delta), and their headers never change for a given event
 * type: the codec encodes each event type's headers once (`formatHeaders`), and each frame is then the prelude
 * (total length, headers length, prelude CRC32), those header bytes, the UTF-8 payload and the message CRC32
 * (`zlib.crc32`, native). The result is byte-for-byte what `codec.encode` produces (a test checks it) at an eighth
 * of the cost. Exception frames, which are rare, go through `codec.encode` itself.
 */
const codec = new EventStreamCodec(toUtf8, fromUtf8);

export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

/** Bedrock's in-stream exception types (`:exception-type`), lower camel case as on the wire. */
export type StreamExceptionType =
  | "throttlingException"
  | "modelStreamErrorException"
  | "internalServerException"
  | "serviceUnavailableException"
  | "validationException"
  | "modelTimeoutException";

type FrameHeaders = Parameters<EventStreamCodec["encode"]>[0]["headers"];
const encodedEventHeaders = new Map<string, Uint8Array>();

/** The event headers of `eventType`, as the codec encodes them (cached per event type). */
export function eventHeaders(eventType: string): FrameHeaders {
  return {
    ":event-type": { type: "string", value: eventType },
    ":content-type": { type: "string", value: "application/json" },
    ":message-type": { type: "string", value: "event" },
  };
}

/** An `event` frame: `:event-type` = the union member, JSON payload. */
export function encodeEvent(eventType: string, payload: unknown): Uint8Array {
  return encodeEventJson(eventType, JSON.stringify(payload));
}

/** An `event` frame whose JSON payload is already serialised (the hot path builds delta payloads as text). */
export function encodeEventJson(eventType: string, json: string): Buffer {
  let headers = encodedEventHeaders.get(eventType);
  if (headers === undefined) {
    headers = codec.formatHeaders(eventHeaders(eventType));
    encodedEventHeaders.set(eventType, headers);
  }
  const headersLength = headers.byteLength;
  const bodyLength = Buffer.byteLength(json, "utf8");
  const length = 16 + headersLength + bodyLength;
  const frame = Buffer.allocUnsafe(length);
  frame.writeUInt32BE(length, 0);
  frame.writeUInt32BE(headersLength, 4);
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8);
  frame.set(headers, 12);
  frame.write(json, 12 + headersLength, bodyLength, "utf8");
  frame.writeUInt32BE(crc32(frame.subarray(0, length - 4)), length - 4);
  return frame;
}

/** The same frame through `codec.encode` (the reference the fast path is tested against). */
export function encodeEventWithCodec(eventType: string, json: string): Uint8Array {
  return codec.encode({ headers: eventHeaders(eventType), body: fromUtf8(json) });
}

/** An `exception` frame; the SDK throws it as the typed error named by `exceptionType`. */
export function encodeException(exceptionType: StreamExceptionType, payload: { message: string } & Record<string, unknown>): Uint8Array {
  return codec.encode({
    headers: {
      ":exception-type": { type: "string", value: exceptionType },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "exception" },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** A decoded frame, for tests and tools that read raw emulator output. */
export interface DecodedFrame {
  headers: Record<string, string>;
  payload: unknown;
}

/**
 * Splits a complete event-stream byte sequence into frames and decodes them (verifying both CRCs; a bad CRC throws).
 */
export function decodeEventStream(bytes: Uint8Array): DecodedFrame[] {
  const frames: DecodedFrame[] = [];
  let offset = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (offset < bytes.byteLength) {
    if (bytes.byteLength - offset < 4) throw new Error(`truncated event stream: ${bytes.byteLength - offset} trailing bytes`);
    const length = view.getUint32(offset, false);
    if (offset + length > bytes.byteLength) throw new Error(`truncated event stream: frame of ${length} bytes at offset ${offset}`);
    const message = codec.decode(bytes.subarray(offset, offset + length));
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(message.headers)) headers[name] = String(header.value);
    const text = toUtf8(message.body);
    frames.push({ headers, payload: text.length === 0 ? undefined : (JSON.parse(text) as unknown) });
    offset += length;
  }
  return frames;
}

const PADDING_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Bedrock pads event payloads with `"p"`: a prefix of this alphabet of varying length (hiding token lengths). */
export const PADDING_VALUES: readonly string[] = Object.freeze(
  Array.from({ length: PADDING_ALPHABET.length }, (_, i) => PADDING_ALPHABET.slice(0, i + 1)),
);
