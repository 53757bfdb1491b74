/**
 * The Bedrock Runtime clients of a run: one `BedrockRuntimeClient` per region, all sharing one HTTP handler chosen by
 * the experiment, so the transport is a recorded decision rather than an SDK default:
 * - `http2`: the SDK's own default (`NodeHttp2Handler`, one HTTP/2 session per event stream);
 * - `http1`: `NodeHttpHandler` with keep-alive agents of `maxSockets` ≥ concurrency, so no request waits in the
 *   socket pool inside the measured latency (the SDK's default pool holds 50).
 * Target `emulator`: the endpoint is the emulator's, with dummy static credentials (SigV4, which carries the region).
 * Target `aws`: the default credential provider chain (environment, shared config/SSO, instance roles); credentials are
 * never read, stored or logged here.
 */

import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig, ConverseStreamCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttp2Handler, NodeHttpHandler } from "@smithy/node-http-handler";
import type { Experiment } from "../inputs/experiment";
import { InputError } from "../base/input-error";
import type { ConverseStreamTransport } from "./request-executor";
import { SendGate } from "./send-gate";

/**
 * The SDK warns once per process that its releases from 2027 will need Node 22. This project supports Node 20, and the
 * warning lands in every notebook's output as an error-coloured block, so it is silenced unless the user chose
 * otherwise (`AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false` shows it).
 */
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

/** What run.json records about the transport. */
export interface TransportDescription {
  readonly target: Experiment["target"];
  /** `http2` or `http1`. */
  readonly httpHandler: Experiment["httpHandler"];
  /** The handler class and its settings, as configured. */
  readonly handler: string;
  /** `http1`: sockets per origin; null for `http2` (one session per stream, no pool). */
  readonly maxSockets: number | null;
  readonly maxAttempts: number;
  readonly retryMode: Experiment["retryMode"];
  /** The endpoint requests go to; null = the SDK's regional Bedrock Runtime endpoint. */
  readonly endpoint: string | null;
  readonly credentials: "dummy static credentials (emulator)" | "AWS SDK default credential provider chain";
  readonly regions: readonly string[];
}

type HandlerSettings = Pick<Experiment, "httpHandler" | "maxSockets">;

function createHandler(settings: HandlerSettings): { handler: NodeHttp2Handler | NodeHttpHandler; description: string } {
  if (settings.httpHandler === "http2") {
    return {
      handler: new NodeHttp2Handler({ disableConcurrentStreams: true }),
      description: "NodeHttp2Handler { disableConcurrentStreams: true } (the SDK default: one HTTP/2 session per stream)",
    };
  }
  const maxSockets = settings.maxSockets ?? 50;
  return {
    handler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    }),
    description: `NodeHttpHandler { keep-alive agents, maxSockets: ${maxSockets} } (HTTP/1.1)`,
  };
}

export interface ClientPoolOptions {
  readonly experiment: Pick<Experiment, "target" | "httpHandler" | "maxSockets" | "maxAttempts" | "retryMode">;
  /** The emulator's (or a custom) endpoint; null = Bedrock's regional endpoint. */
  readonly endpoint: string | null;
}

type HttpHandler = NodeHttp2Handler | NodeHttpHandler;

/**
 * One client per region, created on first use, all on one handler and one send gate (`lib/engine/send-gate.ts`): the gate
 * opens for the next request when the previous one reaches the HTTP handler. `destroy()` closes every connection.
 */
export class ClientPool {
  private readonly clients = new Map<string, BedrockRuntimeClient>();
  private readonly inner: HttpHandler;
  private readonly handler: HttpHandler;
  private readonly handlerDescription: string;
  private readonly gate = new SendGate();
  /** Gate releases of admitted requests, by the abort signal their `send()` carries to the handler. */
  private readonly admitted = new WeakMap<AbortSignal, () => void>();

  constructor(private readonly options: ClientPoolOptions) {
    const { handler, description } = createHandler(options.experiment);
    this.inner = handler;
    this.handlerDescription = description;
    // The SDK hands `send()`'s options (with its abortSignal) to the handler: that is how a request is recognised.
    const release = (signal: AbortSignal | undefined): void => {
      if (!signal) return;
      this.admitted.get(signal)?.();
      this.admitted.delete(signal);
    };
    this.handler = new Proxy(handler, {
      get(target, property, receiver) {
        if (property === "handle") {
          return (request: unknown, handlerOptions?: { abortSignal?: AbortSignal }) => {
            release(handlerOptions?.abortSignal);
            return (target.handle as (r: unknown, o?: unknown) => unknown).call(target, request, handlerOptions);
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    this.release = release;
  }

  private readonly release: (signal: AbortSignal | undefined) => void;

  /** The client for a region. */
  client(region: string): BedrockRuntimeClient {
    let client = this.clients.get(region);
    if (!client) {
      const { experiment, endpoint } = this.options;
      const config: BedrockRuntimeClientConfig = {
        region,
        requestHandler: this.handler,
        maxAttempts: experiment.maxAttempts,
        retryMode: experiment.retryMode,
        ...(endpoint !== null ? { endpoint } : {}),
        ...(experiment.target === "emulator"
          ? {
              credentials: { accessKeyId: "EMULATOR", secretAccessKey: "EMULATOR" },
              // SigV4 even when AWS_BEARER_TOKEN_BEDROCK is set: no real token goes to a local server, and the
              // signature's credential scope tells the emulator the region.
              authSchemePreference: ["sigv4"],
            }
          : {}),
      };
      client = new BedrockRuntimeClient(config);
      this.clients.set(region, client);
    }
    return client;
  }

  /** A transport sending ConverseStream through the region's client, behind the pool's send gate. */
  transport(region: string): ConverseStreamTransport {
    const client = this.client(region);
    return {
      admit: async (abortSignal) => {
        const release = await this.gate.acquire(abortSignal);
        if (release !== null) this.admitted.set(abortSignal, release);
        return release;
      },
      send: (request, abortSignal) => {
        const sent = client.send(new ConverseStreamCommand(request), { abortSignal });
        // Released at the handler; also when send() settles without reaching it (a failure in the SDK's middleware).
        const settle = (): void => this.release(abortSignal);
        sent.then(settle, settle);
        return sent;
      },
    };
  }

  /**
   * Target `aws`: resolves credentials once through the client's provider chain (nothing is kept or written), so a
   * machine without credentials is told so before anything is sent. A Bedrock API key in `AWS_BEARER_TOKEN_BEDROCK`
   * counts as credentials.
   */
  async checkCredentials(region: string): Promise<void> {
    if ((process.env["AWS_BEARER_TOKEN_BEDROCK"] ?? "") !== "") return;
    const provider = this.client(region).config.credentials as unknown as () => Promise<unknown>;
    try {
      await provider();
    } catch (err) {
      throw new CredentialsError("No AWS credentials for target \"aws\" (nothing was sent)", [
        {
          file: "AWS credentials",
          field: "",
          value: "",
          expected:
            "credentials from the AWS SDK's default provider chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and " +
            `~/.aws/config incl. SSO after \`aws sso login\`, web identity, an instance or container role) or AWS_BEARER_TOKEN_BEDROCK; the chain said: ${(err as Error).message}`,
        },
      ]);
    }
  }

  describe(regions: readonly string[]): TransportDescription {
    const { experiment, endpoint } = this.options;
    return Object.freeze({
      target: experiment.target,
      httpHandler: experiment.httpHandler,
      handler: this.handlerDescription,
      maxSockets: experiment.httpHandler === "http1" ? (experiment.maxSockets ?? 50) : null,
      maxAttempts: experiment.maxAttempts,
      retryMode: experiment.retryMode,
      endpoint,
      credentials: experiment.target === "emulator" ? "dummy static credentials (emulator)" : "AWS SDK default credential provider chain",
      regions: Object.freeze([...regions]),
    });
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    this.inner.destroy();
  }
}

/** Target `aws` without credentials: reported before anything is sent. */
export class CredentialsError extends InputError {
  override name = "CredentialsError";
}
