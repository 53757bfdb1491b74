import type { ConverseStreamCommandInput, ConverseStreamCommandOutput, ConverseStreamOutput } from "@aws-sdk/client-bedrock-runtime";
import type { ConverseStreamTransport } from "../../lib/engine/request-executor";
import type { ManualClock } from "./manual-clock";

/**
 * A transport for exact unit tests of the executor and the runner (the emulator tests cover the real SDK over real
 * sockets): each call follows a script on a manual clock, driven by `clock.run()`. Steps happen at absolute times of
 * the clock; an abort of the call's signal makes the pending step throw `AbortError` at once, as the SDK does when it
 * closes the stream.
 */
export type Step =
  | { readonly at: number; readonly event: ConverseStreamOutput }
  | { readonly at: number; readonly error: Error }
  | { readonly at: number; readonly run: () => void };

export interface CallScript {
  /** Time `send()` resolves (the first event frame arrived), or rejects with `sendError`. */
  readonly respondAt: number;
  readonly sendError?: Error;
  readonly steps: readonly Step[];
  readonly $metadata?: ConverseStreamCommandOutput["$metadata"];
  /** The stream never ends after its steps (waits for an abort). */
  readonly hang?: boolean;
}

export interface RecordedCall {
  readonly request: ConverseStreamCommandInput;
  readonly signal: AbortSignal;
  readonly sentAt: number;
}

function abortError(): Error {
  return Object.assign(new Error("Request aborted"), { name: "AbortError" });
}

/** Waits on the manual clock (which `clock.run()` drives) until `at`; throws AbortError when the call is aborted. */
async function waitUntil(clock: ManualClock, at: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw abortError();
  await clock.sleep(at - clock.now(), signal);
  if (signal.aborted) throw abortError();
}

export function scriptedTransport(clock: ManualClock, scriptFor: (request: ConverseStreamCommandInput, callIndex: number) => CallScript) {
  const calls: RecordedCall[] = [];
  const transport: ConverseStreamTransport = {
    async send(request, signal) {
      const script = scriptFor(request, calls.length);
      calls.push({ request, signal, sentAt: clock.now() });
      await waitUntil(clock, script.respondAt, signal);
      if (script.sendError) throw script.sendError;
      async function* stream(): AsyncGenerator<ConverseStreamOutput> {
        for (const step of script.steps) {
          await waitUntil(clock, step.at, signal);
          if ("event" in step) yield step.event;
          else if ("error" in step) throw step.error;
          else step.run();
        }
        if (script.hang) {
          await new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(abortError()), { once: true }));
        }
      }
      return {
        $metadata: script.$metadata ?? { httpStatusCode: 200, requestId: `req-${calls.length - 1}`, attempts: 1, totalRetryDelay: 0 },
        stream: stream(),
      };
    },
  };
  return { transport, calls };
}

/** The events of a complete answer: messageStart at `startAt`, one delta per chunk, messageStop and metadata at `endAt`. */
export function answerSteps(options: {
  startAt: number;
  chunks: readonly { at: number; text: string }[];
  endAt: number;
  outputTokens: number;
  inputTokens?: number;
  latencyMs?: number;
  served?: { latency?: "standard" | "optimized"; tier?: "default" | "priority" | "flex" | "reserved" };
  stopReason?: "end_turn" | "max_tokens";
  cache?: { read?: number; write?: number };
}): Step[] {
  const steps: Step[] = [{ at: options.startAt, event: { messageStart: { role: "assistant" } } }];
  for (const c of options.chunks) steps.push({ at: c.at, event: { contentBlockDelta: { contentBlockIndex: 0, delta: { text: c.text } } } });
  steps.push({ at: options.endAt, event: { contentBlockStop: { contentBlockIndex: 0 } } });
  steps.push({ at: options.endAt, event: { messageStop: { stopReason: options.stopReason ?? "end_turn" } } });
  steps.push({
    at: options.endAt,
    event: {
      metadata: {
        usage: {
          inputTokens: options.inputTokens ?? 10,
          outputTokens: options.outputTokens,
          totalTokens: (options.inputTokens ?? 10) + options.outputTokens,
          ...(options.cache?.read !== undefined ? { cacheReadInputTokens: options.cache.read } : {}),
          ...(options.cache?.write !== undefined ? { cacheWriteInputTokens: options.cache.write } : {}),
        },
        metrics: { latencyMs: options.latencyMs ?? options.endAt - options.startAt },
        ...(options.served?.latency ? { performanceConfig: { latency: options.served.latency } } : {}),
        ...(options.served?.tier ? { serviceTier: { type: options.served.tier } } : {}),
      },
    },
  });
  return steps;
}
