import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pipeToNodeResponse } from "next/dist/server/pipe-readable";
import { signalFromNodeResponse } from "next/dist/server/web/spec-extension/adapters/next-request";
import { AppError } from "@/lib/errors";
import { NDJSON_MAX_BUFFERED_BYTES, ndjsonResponse } from "@/lib/http/ndjson";

/**
 * A streamed response over real HTTP, through the same pipe Next uses to write a route's body to
 * the socket (it waits for `drain`), to a client reading from a raw socket at 50 KB/s. What is
 * measured is bytes: how much the producer got to send, how much the server handed to the socket,
 * and how much waited in between, never how long anything took.
 */

const KIB = 1024;
const MIB = 1024 * KIB;
const CHUNK = "o".repeat(64 * KIB - 40);

interface Exchange {
  /** Bytes of events the producer sent while its signal had not fired. */
  accepted: number;
  /** Bytes the server wrote to the response (what left the stream's queue). */
  written: number;
  /** The most Node itself held for the socket at any write (res.writableLength). */
  peakNodeBuffered: number;
  reason?: unknown;
  produced: Promise<void>;
}

let server: http.Server;
let port = 0;
let current: Exchange | undefined;
let producer: (send: (event: unknown) => void, signal: AbortSignal, exchange: Exchange) => Promise<void>;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let markDone!: () => void;
    const exchange: Exchange = { accepted: 0, written: 0, peakNodeBuffered: 0, produced: new Promise<void>((r) => (markDone = r)) };
    current = exchange;
    const write = res.write.bind(res) as (chunk: Uint8Array) => boolean;
    res.write = ((chunk: Uint8Array) => {
      exchange.written += chunk.byteLength;
      const ok = write(chunk);
      exchange.peakNodeBuffered = Math.max(exchange.peakNodeBuffered, res.writableLength);
      return ok;
    }) as typeof res.write;
    const request = new Request(`http://127.0.0.1:${port}${req.url}`, { method: "POST", signal: signalFromNodeResponse(res) });
    const response = ndjsonResponse(request, "req-int", async (send, signal) => {
      try {
        await producer(send, signal, exchange);
      } finally {
        exchange.reason = signal.reason;
        markDone();
      }
    });
    res.writeHead(200, Object.fromEntries(response.headers));
    void pipeToNodeResponse(response.body!, res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A raw HTTP client: reads at `bytesPerSecond` until told to read at full speed. */
function slowClient(bytesPerSecond: number) {
  const socket = net.connect(port, "127.0.0.1");
  // Paused mode: the socket reads from the kernel only up to its high-water mark, then waits for
  // the reads below, so the connection's window closes as a slow reader's would.
  socket.on("readable", () => {});
  socket.write(`POST /api/sandbox HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  const parts: Buffer[] = [];
  let received = 0;
  const perTick = Math.round(bytesPerSecond / 10);
  const timer = setInterval(() => {
    let budget = perTick;
    while (budget > 0 && socket.readableLength > 0) {
      const chunk = socket.read(Math.min(budget, socket.readableLength)) as Buffer | null;
      if (!chunk) break;
      parts.push(chunk);
      received += chunk.length;
      budget -= chunk.length;
    }
  }, 100);
  const ended = new Promise<void>((resolve) => socket.once("end", resolve).once("close", resolve));
  return {
    get received() {
      return received;
    },
    /** Read the rest at full speed; resolves with the body's NDJSON lines. */
    async finish(): Promise<Record<string, unknown>[]> {
      clearInterval(timer);
      socket.on("data", (chunk: Buffer) => {
        parts.push(chunk);
        received += chunk.length;
      });
      socket.removeAllListeners("readable");
      socket.resume();
      await ended;
      const text = Buffer.concat(parts).toString("utf8");
      const body = text.slice(text.indexOf("\r\n\r\n") + 4);
      // Chunked framing: size lines and payloads; only the payload lines are JSON.
      return body
        .split("\r\n")
        .filter((l) => l.startsWith("{"))
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    close: () => socket.destroy(),
  };
}

describe("NDJSON over HTTP to a client reading at 50 KB/s", () => {
  it("ends a run that floods its output, holding no more than the bound, and tells the client", async () => {
    const offer = 512 * MIB;
    producer = async (send, signal, exchange) => {
      // Like a Python run printing without end: 64 KiB output events as fast as they come.
      for (let offered = 0; offered < offer && !signal.aborted; offered += CHUNK.length) {
        send({ type: "output", stream: "stdout", text: CHUNK });
        if (!signal.aborted) exchange.accepted += CHUNK.length;
        if (offered % (4 * MIB) < CHUNK.length) await new Promise((r) => setImmediate(r));
      }
    };
    const client = slowClient(50_000);
    try {
      for (let i = 0; i < 600 && !current; i++) await new Promise((r) => setTimeout(r, 10));
      await current!.produced;
      const exchange = current!;
      expect(exchange.reason).toBeInstanceOf(AppError);
      expect((exchange.reason as AppError).code).toBe("unavailable:slow_client");
      // Held by the server at any time: the stream's queue (at most the bound plus the event that
      // crossed it) and Node's own buffer for the socket (one chunk and its high-water mark).
      const heldInQueue = exchange.accepted - exchange.written;
      expect(heldInQueue).toBeLessThanOrEqual(NDJSON_MAX_BUFFERED_BYTES + 64 * KIB);
      expect(exchange.peakNodeBuffered).toBeLessThanOrEqual(256 * KIB);
      // The producer was stopped long before it got far: a few MiB into a 512 MiB flood.
      expect(exchange.accepted).toBeLessThan(NDJSON_MAX_BUFFERED_BYTES + 16 * MIB);
      const lines = await client.finish();
      const last = lines.at(-1)!;
      expect(last).toMatchObject({ type: "error", error: { code: "unavailable:slow_client", requestId: "req-int", retryable: true } });
      expect(lines.slice(0, -1).every((l) => l.type === "output")).toBe(true);
    } finally {
      client.close();
      current = undefined;
    }
  });

  it("gives a slow reader a whole honest run: output within the sandbox's cap, then the result", async () => {
    producer = async (send) => {
      // 1 MiB of live output (the sandbox's per-command cap) over about 2 s, faster than the client
      // reads, and a result repeating 1 MiB of stdout.
      for (let i = 0; i < 16; i++) {
        send({ type: "output", stream: "stdout", text: CHUNK });
        await new Promise((r) => setTimeout(r, 120));
      }
      send({ type: "result", result: { kind: "execution", stdout: CHUNK.repeat(16) } });
    };
    const client = slowClient(50_000);
    try {
      for (let i = 0; i < 600 && !current; i++) await new Promise((r) => setTimeout(r, 10));
      await current!.produced;
      const exchange = current!;
      expect(exchange.reason).toBeUndefined();
      // The client was reading all along, and is still far behind when the run is done.
      expect(client.received).toBeGreaterThan(0);
      expect(client.received).toBeLessThan(MIB);
      const lines = await client.finish();
      expect(lines.map((l) => l.type)).toEqual([...Array(16).fill("output"), "result"]);
    } finally {
      client.close();
      current = undefined;
    }
  });
});
