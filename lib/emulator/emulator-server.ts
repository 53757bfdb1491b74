import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from "node:http2";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { PromptCache } from "./caching";
import { realClock, type ClockReadings } from "../base/clock";
import { FaultPlanner } from "./faults";
import { GroundTruth } from "./ground-truth";
import { Exchange } from "./http-exchange";
import { ModelResolver } from "./model-resolver";
import { resolveEmulatorOptions, type EmulatorOptions, type ResolvedEmulatorOptions } from "./options";
import { loadDefaultProfiles, loadProfiles, parseProfiles, type ProfilesDocument } from "./profiles";
import { QuotaManager } from "./quotas";
import { RequestHandler } from "./request-handler";
import { WriteTimer } from "./write-timer";

/**
 * The Bedrock Runtime emulator's server: one TCP port serving HTTP/1.1 (boto3, the SDK's `NodeHttpHandler`) and
 * cleartext HTTP/2 with prior knowledge (the JS SDK's default `NodeHttp2Handler`). Each new connection's first bytes
 * decide: the HTTP/2 preface starts with `PRI`, so such sockets go to an `http2` server, all others to an `http`
 * server (the bytes read are put back with `unshift`).
 */
export interface RunningEmulator {
  /** Base URL to give the SDK (`endpoint`), e.g. `http://127.0.0.1:4010`. */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly groundTruth: GroundTruth;
  /** The profiles in force (validated). */
  readonly profiles: ProfilesDocument;
  /** The options in force, defaults applied. */
  readonly options: ResolvedEmulatorOptions;
  /** Requests received so far (every attempt counts). */
  readonly requestCount: number;
  /**
   * Stops accepting connections, ends every response in flight (their ground-truth outcome is `server-closed`, or
   * `stalled`), destroys all connections and HTTP/2 sessions, and flushes the ground-truth file. Idempotent.
   */
  close(): Promise<void>;
}

const HTTP2_PREFACE_START = "PRI";

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveEmulatorOptions(options);
  const profiles = loadProfilesOption(resolved.profiles);
  const clock: ClockReadings = resolved.clock ?? realClock;
  const now = (): number => clock.now();
  const scheduler = new WriteTimer({ now, leadMs: resolved.schedulerLeadMs });
  const groundTruth = new GroundTruth({ limit: resolved.groundTruthLimit, file: resolved.groundTruthFile });
  const handler = new RequestHandler({
    clock,
    models: new ModelResolver(profiles),
    profiles,
    quotas: new QuotaManager({ burstSeconds: profiles.quotaBurstSeconds, timeScale: resolved.timeScale, now }),
    cache: new PromptCache(resolved.timeScale, now),
    scheduler,
    faults: new FaultPlanner(resolved.faults, resolved.seed),
    groundTruth,
    seed: resolved.seed,
    timeScale: resolved.timeScale,
    defaultRegion: resolved.defaultRegion,
    startedMs: now(),
  });

  // Due first deltas go out before this request's (or connection's) work is done: see WriteTimer.checkpoint.
  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    scheduler.checkpoint();
    handler.handle(new Exchange(req, res)).catch((err: unknown) => {
      process.emitWarning(`bedrock-bench emulator: ${(err as Error).stack ?? String(err)}`);
    });
  };

  const http1 = createHttpServer({ keepAliveTimeout: 65_000, requestTimeout: 0, noDelay: true }, onRequest);
  http1.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });
  const http2 = createHttp2Server({ settings: { maxConcurrentStreams: 1000 } }, onRequest);
  const sessions = new Set<Http2Session>();
  http2.on("session", (session: Http2Session) => {
    sessions.add(session);
    session.on("error", () => undefined);
    session.once("close", () => sessions.delete(session));
  });

  const sockets = new Set<Socket>();
  const server = createNetServer({ noDelay: true }, (socket) => {
    scheduler.checkpoint();
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let head: Buffer | undefined;
    const onData = (chunk: Buffer): void => {
      head = head === undefined ? chunk : Buffer.concat([head, chunk]);
      if (head.length < HTTP2_PREFACE_START.length && HTTP2_PREFACE_START.startsWith(head.toString("latin1"))) return;
      socket.removeListener("data", onData);
      socket.pause();
      socket.unshift(head);
      if (head.subarray(0, 3).toString("latin1") === HTTP2_PREFACE_START) {
        http2.emit("connection", socket);
      } else {
        http1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, resolved.host, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const port = address.port;
  const endpoint = `http://${endpointHost(resolved.host)}:${port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      resolved.signal?.removeEventListener("abort", onAbort);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      handler.abortAll();
      scheduler.stop();
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      http1.closeAllConnections();
      await closed;
      await groundTruth.close();
    })();
    return closing;
  };
  const onAbort = (): void => {
    void close();
  };
  if (resolved.signal !== undefined) {
    if (resolved.signal.aborted) await close();
    else resolved.signal.addEventListener("abort", onAbort, { once: true });
  }

  return Object.freeze({
    endpoint,
    host: resolved.host,
    port,
    groundTruth,
    profiles,
    options: resolved,
    get requestCount() {
      return handler.requestCount;
    },
    close,
  });
}

function loadProfilesOption(profiles: string | ProfilesDocument | undefined): ProfilesDocument {
  if (profiles === undefined) return loadDefaultProfiles();
  if (typeof profiles === "string") return loadProfiles(profiles);
  return parseProfiles(profiles, "emulator options (profiles)");
}

/** The host clients should use: a wildcard bind address is reached through loopback; IPv6 needs brackets. */
function endpointHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
