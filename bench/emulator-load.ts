/**
 * Load generator for `bench/emulator.bench.ts`, run in its own process so the client's work does not steal the
 * emulator's event loop. Holds `concurrency` ConverseStream requests open in a closed loop (each finished stream is
 * replaced at once) for `durationMs`, reading and discarding the bytes, then reports counts over IPC.
 *
 * Transport: `http2` opens one cleartext HTTP/2 connection per request, as the AWS SDK's default handler does
 * (`disableConcurrentStreams`); `http1` keeps `concurrency` keep-alive sockets, as `NodeHttpHandler` with
 * `maxSockets: concurrency` does. It speaks the wire protocol directly (no SDK) to keep the client cheap.
 */
import { Agent, request as http1Request } from "node:http";
import { connect as http2Connect, constants } from "node:http2";

interface LoadSpec {
  endpoint: string;
  concurrency: number;
  durationMs: number;
  rampMs: number;
  transport: "http1" | "http2";
  modelId: string;
  maxTokens: number;
}

export interface LoadReport {
  started: number;
  completed: number;
  errors: number;
  errorKinds: Record<string, number>;
  bytes: number;
  /** CPU time this process used (user + system), ms, and the wall time it ran for, ms. */
  cpuMs: number;
  elapsedMs: number;
}

function run(spec: LoadSpec): Promise<LoadReport> {
  const url = new URL(spec.endpoint);
  const path = `/model/${encodeURIComponent(spec.modelId)}/converse-stream`;
  const body = Buffer.from(
    JSON.stringify({ messages: [{ role: "user", content: [{ text: "Explain the concept of machine learning in simple terms." }] }], inferenceConfig: { maxTokens: spec.maxTokens } }),
  );
  const report: LoadReport = { started: 0, completed: 0, errors: 0, errorKinds: {}, bytes: 0, cpuMs: 0, elapsedMs: 0 };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency, maxFreeSockets: spec.concurrency });
  const deadline = performance.now() + spec.durationMs;
  let active = 0;

  return new Promise((resolve) => {
    const fail = (kind: string): void => {
      report.errors++;
      report.errorKinds[kind] = (report.errorKinds[kind] ?? 0) + 1;
    };
    const finished = (): void => {
      active--;
      if (performance.now() < deadline) launch();
      else if (active === 0) {
        agent.destroy();
        const cpu = process.cpuUsage(cpu0);
        report.cpuMs = (cpu.user + cpu.system) / 1000;
        report.elapsedMs = performance.now() - t0;
        resolve(report);
      }
    };
    const launch = (): void => {
      active++;
      report.started++;
      let done = false;
      const end = (ok: boolean, kind = ""): void => {
        if (done) return;
        done = true;
        if (ok) report.completed++;
        else fail(kind);
        finished();
      };
      if (spec.transport === "http2") {
        const session = http2Connect(url.origin);
        session.on("error", (err) => end(false, (err as NodeJS.ErrnoException).code ?? "session"));
        const stream = session.request({
          [constants.HTTP2_HEADER_METHOD]: "POST",
          [constants.HTTP2_HEADER_PATH]: path,
          "content-type": "application/json",
          "content-length": body.length,
        });
        stream.on("response", (headers) => {
          if (headers[":status"] !== 200) end(false, `HTTP ${String(headers[":status"])}`);
        });
        stream.on("data", (chunk: Buffer) => (report.bytes += chunk.length));
        stream.on("end", () => {
          end(true);
          session.close();
        });
        stream.on("error", (err) => {
          end(false, (err as NodeJS.ErrnoException).code ?? "stream");
          session.destroy();
        });
        stream.end(body);
      } else {
        const req = http1Request({ host: url.hostname, port: url.port, path, method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
          if (res.statusCode !== 200) end(false, `HTTP ${String(res.statusCode)}`);
          res.on("data", (chunk: Buffer) => (report.bytes += chunk.length));
          res.on("end", () => end(true));
          res.on("error", (err) => end(false, (err as NodeJS.ErrnoException).code ?? "response"));
        });
        req.on("error", (err) => end(false, (err as NodeJS.ErrnoException).code ?? "request"));
        req.end(body);
      }
    };
    // Ramp up evenly so connection set-up does not arrive as one burst.
    for (let i = 0; i < spec.concurrency; i++) setTimeout(launch, (spec.rampMs * i) / spec.concurrency);
  });
}

process.on("message", (spec: LoadSpec) => {
  void run(spec).then((report) => {
    process.send?.(report, () => process.exit(0));
  });
});
