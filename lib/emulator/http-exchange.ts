import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Socket } from "node:net";
import { BenchError } from "../base/errors";

/**
 * One request/response on either transport, so the emulator's handlers do not care whether the client spoke
 * HTTP/1.1 (`http` server) or cleartext HTTP/2 (`http2` compatibility API): both expose the same calls here.
 */
export type OutgoingHeaders = Record<string, string | number>;

/** Largest request body accepted (InvokeModel's documented limit is 25,000,000 bytes). */
export const MAX_BODY_BYTES = 25_000_000;

export class BodyTooLargeError extends BenchError {
  override name = "BodyTooLargeError";
  override readonly kind = "input";
}

export class Exchange {
  readonly httpVersion: "1.1" | "2";
  private closeListener: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly req: IncomingMessage | Http2ServerRequest,
    private readonly res: ServerResponse | Http2ServerResponse,
  ) {
    this.httpVersion = req.httpVersionMajor === 2 ? "2" : "1.1";
    res.once("close", this.onClose);
  }

  get method(): string {
    return this.req.method ?? "";
  }

  /** Raw (still percent-encoded) path and query. */
  get url(): string {
    return this.req.url ?? "";
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  /** True once the response ended or the connection/stream closed. */
  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  /** Called once when the stream or connection closes before `end()` was called (client went away, reset, close()). */
  onEarlyClose(listener: () => void): void {
    this.closeListener = listener;
  }

  private readonly onClose = (): void => {
    if (this.ended) return;
    this.ended = true;
    const listener = this.closeListener;
    this.closeListener = undefined;
    listener?.();
  };

  /** The request body; rejects with `BodyTooLargeError` past `MAX_BODY_BYTES`. */
  readBody(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      this.req.on("data", (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          failed = true;
          reject(new BodyTooLargeError(`request body larger than ${MAX_BODY_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      this.req.once("end", () => {
        if (!failed) resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
      });
      this.req.once("error", (err) => {
        if (!failed) reject(err);
      });
    });
  }

  writeHead(status: number, headers: OutgoingHeaders): void {
    if (this.closed) return;
    (this.res as ServerResponse).writeHead(status, headers);
  }

  /** Writes response bytes; ignored once closed. */
  write(chunk: Uint8Array): void {
    if (this.closed) return;
    (this.res as ServerResponse).write(chunk);
  }

  /** Ends the response (optionally with a last chunk). */
  end(chunk?: Uint8Array | string): void {
    if (this.closed) return;
    this.ended = true;
    this.closeListener = undefined;
    if (chunk === undefined) (this.res as ServerResponse).end();
    else (this.res as ServerResponse).end(chunk);
  }

  /**
   * Resets the TCP connection (RST), as a failing load balancer or network does. With HTTP/2 this ends every stream
   * of the connection (the AWS SDK's default handler opens one connection per request).
   */
  reset(): void {
    this.ended = true;
    const socket = this.req.socket as Socket;
    // One turn of the event loop after the last write: a reset "after N tokens" comes after the bytes carrying them
    // were handed to the kernel, and a client in this process (tests, the embedded emulator) reads them first, as one
    // across a network would. Sent in the same turn, the RST could overtake them and the client see no byte at all.
    setImmediate(() => {
      if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
      else socket.destroy();
    });
  }
}
