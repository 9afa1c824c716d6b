import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The Connect protocol as the E2B SDK speaks it to envd: `createConnectTransport({ useBinaryFormat:
 * false })`, so JSON everywhere. Unary calls are a plain JSON POST (`application/json`); server
 * streams are `application/connect+json` bodies made of envelopes — 1 flag byte, a 4-byte big-endian
 * length, then a JSON message — ending with an end-stream envelope (flag 0x02) that carries the
 * error, if any. Writing the real framing is what lets the SDK's own client code run unchanged.
 */

export const FLAG_END_STREAM = 0x02;

export type ConnectCode = "not_found" | "invalid_argument" | "unauthenticated" | "deadline_exceeded" | "internal" | "unimplemented";

const HTTP_STATUS: Record<ConnectCode, number> = {
  not_found: 404,
  invalid_argument: 400,
  unauthenticated: 401,
  deadline_exceeded: 504,
  internal: 500,
  unimplemented: 501,
};

export function envelope(flags: number, message: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(message), "utf8");
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(json.length, 1);
  return Buffer.concat([head, json]);
}

/** The single request message of a server-streaming call (the client sends one envelope). */
export function parseEnvelopedRequest(body: Buffer): unknown {
  if (body.length < 5) throw new Error("short Connect envelope");
  const length = body.readUInt32BE(1);
  return JSON.parse(body.subarray(5, 5 + length).toString("utf8"));
}

export function unaryOk(res: ServerResponse, message: unknown): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify(message));
}

export function unaryError(res: ServerResponse, code: ConnectCode, message: string): void {
  res.writeHead(HTTP_STATUS[code], { "content-type": "application/json" });
  res.end(JSON.stringify({ code, message }));
}

export class ServerStream {
  private ended = false;
  constructor(private readonly res: ServerResponse) {
    res.writeHead(200, { "content-type": "application/connect+json" });
    // Node buffers small writes; the SDK must see each event as it is produced to prove streaming.
    res.flushHeaders();
  }

  get closed(): boolean {
    return this.ended || this.res.destroyed || this.res.writableEnded;
  }

  send(message: unknown): void {
    if (!this.closed) this.res.write(envelope(0, message));
  }

  end(error?: { code: ConnectCode; message: string }): void {
    if (this.closed) return;
    this.ended = true;
    this.res.end(envelope(FLAG_END_STREAM, error ? { error } : {}));
  }
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
