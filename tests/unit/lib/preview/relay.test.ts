import { symlinkSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { respondPreview } from "@/lib/preview/relay";
import { PreviewStore } from "@/lib/preview/store";
import { captureLogs } from "../../../support/logs";
import { APP, closeUpstreams, dir, get, httpUpstream, listen, long, MIB, PREFIX, rawUpstream, readBody, relay } from "./upstreams";

/**
 * The relay's statuses, timeouts, socket and bodies against real servers on unix sockets
 * (./upstreams.ts; its headers: relay-headers.test.ts). The relay's own timeouts are set long where
 * a test is about answering at once, so a relay that hangs fails by the test's timeout, never by a
 * measured duration.
 */

// Room for a loaded machine; a relay that hangs still fails here, well before its own 60 s.
vi.setConfig({ testTimeout: 30_000 });
afterAll(closeUpstreams);

let logs: ReturnType<typeof captureLogs>;
beforeEach(() => {
  logs = captureLogs();
});

describe("relay: answers it cannot pass on are a 502 at once", () => {
  it.each([
    ["status 999", "HTTP/1.1 999 Odd\r\ncontent-length: 2\r\n\r\nhi"],
    ["status 099", "HTTP/1.1 099 Odd\r\ncontent-length: 0\r\n\r\n"],
    ["status 600", "HTTP/1.1 600 Odd\r\ncontent-length: 0\r\n\r\n"],
    ["a 101 upgrade", "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"],
    ["an interim 102 and nothing else", "HTTP/1.1 102 Processing\r\n\r\n"],
    ["a malformed status line", "HTTP/1.1 abc\r\n\r\n"],
    ["not HTTP at all", "SSH-2.0-OpenSSH_9.2\r\n"],
    ["a four-digit status", "HTTP/1.1 1000 x\r\n\r\n"],
    ["an unknown content encoding", "HTTP/1.1 200 OK\r\ncontent-encoding: zstd\r\ncontent-length: 2\r\n\r\nhi"],
  ])("%s → 502", async (_name, raw) => {
    // "hold": the server keeps the connection open, so only the relay can settle the request.
    const res = await relay(await rawUpstream(raw, "hold"));
    expect(res.status).toBe(502);
    expect(res.headers.get("content-security-policy")).toMatch(/^sandbox allow-scripts/);
    expect(await res.text()).toMatch(/^The app in the sandbox /);
  });

  it("no uncaught exception escapes for a status Response cannot hold", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      for (const status of ["999", "199", "0"]) await relay(await rawUpstream(`HTTP/1.1 ${status} x\r\ncontent-length: 0\r\n\r\n`));
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off("uncaughtException", onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it("a server that never answers is a 502 at the headers timeout; one that stalls mid-body is cut at the idle timeout", async () => {
    const silent = await listen(net.createServer(() => {}));
    expect((await relay(silent, get(), { ...long, headersTimeoutMs: 100 })).status).toBe(502);
    const stalls = await rawUpstream("HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nhalf", "hold");
    const res = await relay(stalls, get(), { ...long, idleTimeoutMs: 100 });
    expect(res.status).toBe(200);
    const body = await readBody(res);
    expect(body.error).toBeDefined();
    expect(body.bytes).toBe(4);
    expect(logs.lines.some((l) => l.event === "preview.cut" && l.reason === "idle timeout")).toBe(true);
  });

  it("a server that trickles forever is cut at the total timeout", async () => {
    const socket = await httpUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const timer = setInterval(() => res.write("."), 10);
      res.on("close", () => clearInterval(timer));
    });
    const res = await relay(socket, get(), { ...long, totalTimeoutMs: 300 });
    const body = await readBody(res);
    expect(body.error).toBeDefined();
    expect(logs.lines.some((l) => l.event === "preview.cut" && l.reason === "total timeout")).toBe(true);
  });

  it("a socket replaced with a symlink to a host socket is refused with a sandbox.violation", async () => {
    let reached = 0;
    const hostSocket = await listen(
      http.createServer((_req, res) => {
        reached++;
        res.end("host service");
      }),
    );
    const planted = path.join(dir, "planted.sock");
    symlinkSync(hostSocket, planted);
    const res = await relay(planted);
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain("host service");
    expect(reached).toBe(0);
    expect(logs.lines).toContainEqual(expect.objectContaining({ event: "sandbox.violation", security: true, kind: "symlink", sandboxId: "sbx_relay_test" }));
  });
});

describe("relay: bodies stream through, capped", () => {
  it("a body over the cap is cut after at most the cap, and the cut is logged", async () => {
    const socket = await httpUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const block = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const more = () => {
        while (sent < 8 * MIB) {
          sent += block.length;
          if (!res.write(block)) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    });
    const res = await relay(socket, get(), { ...long, maxResponseBytes: 2 * MIB });
    expect(res.status).toBe(200);
    const body = await readBody(res);
    expect(body.error).toBeDefined();
    expect(body.bytes).toBeLessThanOrEqual(2 * MIB);
    expect(logs.lines).toContainEqual(expect.objectContaining({ event: "preview.cut", reason: "too large", limit: 2 * MIB }));
  });

  it("a declared length over the cap is a 502 before any of the body is read", async () => {
    const res = await relay(await rawUpstream(`HTTP/1.1 200 OK\r\ncontent-length: ${3 * MIB}\r\n\r\n`, "hold"), get(), { ...long, maxResponseBytes: 2 * MIB });
    expect(res.status).toBe(502);
  });

  it("a compressed body is decoded and its decoded size counts against the cap (a gzip bomb is cut)", async () => {
    const bomb = gzipSync(Buffer.alloc(16 * MIB));
    const small = gzipSync("hello, decoded");
    const socket = await httpUpstream((req, res) => {
      const body = req.url === "/bomb" ? bomb : small;
      res.writeHead(200, { "content-type": "text/plain", "content-encoding": "gzip", "content-length": body.length });
      res.end(body);
    });
    const ok = await relay(socket, get(), long, "small");
    expect(ok.headers.get("content-encoding")).toBeNull();
    expect(await ok.text()).toBe("hello, decoded");
    const cut = await readBody(await relay(socket, get(), { ...long, maxResponseBytes: 2 * MIB }, "bomb"));
    expect(cut.error).toBeDefined();
    expect(cut.bytes).toBeLessThanOrEqual(2 * MIB);
  });

  it("reads from the sandbox only as fast as the browser takes it", async () => {
    // The server writes 32 MiB as fast as its socket accepts; the browser reads nothing for a while.
    let accepted = 0;
    const total = 32 * MIB;
    const socket = await httpUpstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const block = Buffer.alloc(64 * 1024, 7);
      const more = () => {
        while (accepted < total) {
          accepted += block.length;
          if (!res.write(block)) return void res.once("drain", more);
        }
        res.end();
      };
      more();
    });
    const res = await relay(socket, get(), { ...long, maxResponseBytes: 64 * MIB });
    // Wait until the server is held back: what it managed to write stops growing.
    let last = -1;
    while (accepted !== last) {
      last = accepted;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Held back by the relay after the socket buffers and one high-water mark, not at 32 MiB.
    expect(accepted).toBeLessThan(4 * MIB);
    const body = await readBody(res);
    expect(body.error).toBeUndefined();
    expect(body.bytes).toBe(total);
  });

  it("streams a request body to the server, and refuses one over the cap", async () => {
    const received: number[] = [];
    let connections = 0;
    const socket = await httpUpstream((req, res) => {
      connections++;
      let n = 0;
      req.on("data", (c: Buffer) => (n += c.length));
      req.on("end", () => {
        received.push(n);
        res.end(`got ${n}`);
      });
    });
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      new Request(`${APP}${PREFIX}form`, { method: "POST", body, headers, duplex: "half" } as RequestInit & { duplex: "half" });
    const limits = { ...long, maxRequestBytes: MIB };
    const ok = await relay(socket, post("a=1&b=2", { "content-type": "application/x-www-form-urlencoded" }), limits);
    expect(await ok.text()).toBe("got 7");
    // Declared too large: refused before connecting.
    const declared = await relay(socket, post("x", { "content-length": String(2 * MIB) }), limits);
    expect(declared.status).toBe(413);
    expect(connections).toBe(1);
    // Streamed without a length: cut at the cap.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(64 * 1024));
        controller.close();
      },
    });
    const streamed = await relay(socket, post(chunks), limits);
    expect(streamed.status).toBe(413);
    expect(received.every((n) => n <= MIB)).toBe(true);
  });
});

describe("respondPreview", () => {
  it("relays a server-style preview under its token, and serves 404 for an unknown one", async () => {
    const socket = await httpUpstream((req, res) => res.end(`path ${req.url}`));
    const store = new PreviewStore();
    const preview = store.publishServer({ id: "sbx_1", ownerId: "alice", projectId: "p" }, socket);
    const res = await respondPreview(store, preview.token, "a/b", new Request(`${APP}/preview/${preview.token}/a/b?q=1`), APP);
    expect(await res.text()).toBe("path /a/b?q=1");
    // Segments arrive decoded from the route; they leave encoded again, whatever they hold.
    const odd = await respondPreview(store, preview.token, "a b/ü/%2F", new Request(`${APP}/preview/${preview.token}/x`), APP);
    expect(await odd.text()).toBe("path /a%20b/%C3%BC/%252F");
    expect((await respondPreview(store, "Z".repeat(43), "", new Request(`${APP}/`), APP)).status).toBe(404);
  });
});
