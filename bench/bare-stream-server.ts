/**
 * The floor `bench/emulator.bench.ts` measures the emulator against: the least a Node.js server must do to serve the
 * same traffic. It accepts the same connections (cleartext HTTP/2 with prior knowledge, or HTTP/1.1, on one port),
 * reads each request body, and writes the same number of event-stream frames of the same size on the same kind of
 * schedule as the emulator's default Claude 3.5 Haiku profile (TTFT ~ LogNormal(899 ms, 0.2), 55.7 tokens/s,
 * 1–5 tokens per delta, answer length ~ LogNormal(320, 0.6) cut at maxTokens), one plain `setTimeout` per write.
 *
 * It parses nothing, validates nothing, plans nothing, keeps no ground truth and encodes one frame once: whatever
 * CPU it needs per stream is the price of Node's HTTP stack and the kernel's loopback TCP on this machine, which no
 * emulator written for Node can go below. First-write lateness (moment written − moment due) is measured the same
 * way as the emulator's `firstDeltaLatenessMs`.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { encodeEventJson } from "../lib/emulator/event-stream";

/** One stream the floor served; times in `performance.now()` ms, latenesses in ms (NaN when nothing was written). */
export interface BareStream {
  receivedMs: number;
  firstDueMs: number;
  firstWriteLatenessMs: number;
  frames: number;
  /** The latest any write of the stream was against its schedule. */
  maxLatenessMs: number;
}

export interface BareStreamServer {
  readonly endpoint: string;
  /** Streams currently open. */
  readonly inFlight: number;
  /** Called when each stream ends. */
  onStream(listener: (stream: BareStream) => void): void;
  close(): Promise<void>;
}

/** Standard normal draw (Box–Muller). */
function normal(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

function logNormal(median: number, sigma: number): number {
  return median * Math.exp(sigma * normal());
}

export async function startBareStreamServer(maxTokens: number): Promise<BareStreamServer> {
  // A typical Converse delta frame (three tokens of text plus Bedrock's padding field), encoded once.
  const frame = encodeEventJson("contentBlockDelta", JSON.stringify({ contentBlockIndex: 0, delta: { text: " the model's" }, p: "abcdefghijklmnopqrs" }));
  const end = encodeEventJson("metadata", JSON.stringify({ usage: { inputTokens: 12, outputTokens: maxTokens, totalTokens: maxTokens + 12 }, metrics: { latencyMs: 1 } }));
  const listeners: Array<(stream: BareStream) => void> = [];
  let inFlight = 0;

  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    const receivedMs = performance.now();
    inFlight++;
    req.resume();
    req.once("end", () => {
      const out = res as ServerResponse;
      const tokens = Math.min(maxTokens, Math.max(1, Math.round(logNormal(320, 0.6))));
      const rate = logNormal(55.7, 0.1);
      const firstDue = receivedMs + logNormal(899.1, 0.2);
      let sent = 0;
      let frames = 0;
      let nextDue = firstDue;
      let lateness = Number.NaN;
      let maxLateness = Number.NaN;
      let timer: NodeJS.Timeout | undefined;
      const write = (): void => {
        if (out.destroyed) return;
        if (frames === 0) out.writeHead(200, { "content-type": "application/vnd.amazon.eventstream" });
        const chunk = 1 + Math.floor(Math.random() * 5);
        sent += chunk;
        frames++;
        out.write(frame);
        const late = performance.now() - nextDue;
        if (frames === 1) lateness = late;
        if (!(late <= maxLateness)) maxLateness = late;
        if (sent >= tokens) {
          out.end(end);
          return;
        }
        nextDue += (chunk / rate) * 1000;
        timer = setTimeout(write, Math.max(0, Math.ceil(nextDue - performance.now())));
      };
      timer = setTimeout(write, Math.max(0, Math.ceil(firstDue - performance.now())));
      res.once("close", () => {
        clearTimeout(timer);
        inFlight--;
        const stream: BareStream = { receivedMs, firstDueMs: firstDue, firstWriteLatenessMs: lateness, frames, maxLatenessMs: maxLateness };
        for (const listener of listeners) listener(stream);
      });
    });
  };

  const http1 = createHttpServer({ keepAliveTimeout: 65_000, requestTimeout: 0, noDelay: true }, onRequest);
  const http2 = createHttp2Server({ settings: { maxConcurrentStreams: 1000 } }, onRequest);
  http2.on("session", (session) => session.on("error", () => undefined));
  const sockets = new Set<Socket>();
  const server = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.once("data", (head: Buffer) => {
      socket.pause();
      socket.unshift(head);
      if (head.subarray(0, 3).toString("latin1") === "PRI") http2.emit("connection", socket);
      else {
        http1.emit("connection", socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get inFlight() {
      return inFlight;
    },
    onStream: (listener) => void listeners.push(listener),
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
