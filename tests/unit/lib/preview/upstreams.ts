import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { RELAY_LIMITS, relayPreview, type RelayLimits } from "@/lib/preview/relay";

/**
 * Real servers on unix sockets for the relay's tests, as a sandbox's port relay is: an ordinary
 * Node HTTP server for well-formed answers, and a raw socket server for answers no HTTP library
 * would write.
 */

export const APP = "http://127.0.0.1:3000";
export const PREFIX = "/preview/TOKEN/";
export const MIB = 1024 * 1024;
export const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-relay-"));
const servers: net.Server[] = [];
let counter = 0;

/** For afterAll: stop every server and remove their sockets. */
export function closeUpstreams(): void {
  for (const s of servers) {
    (s as http.Server).closeAllConnections?.();
    s.close();
  }
  rmSync(dir, { recursive: true, force: true });
}

export async function listen(server: net.Server): Promise<string> {
  const at = path.join(dir, `s${++counter}.sock`);
  servers.push(server);
  await new Promise<void>((r) => server.listen(at, r));
  return at;
}

export const httpUpstream = (handler: http.RequestListener) => listen(http.createServer(handler));
/** A server that answers the first bytes of a request with `raw`, exactly as given. */
export const rawUpstream = (raw: string, then: "end" | "hold" = "end") =>
  listen(
    net.createServer((s) =>
      s.once("data", () => {
        s.write(raw);
        if (then === "end") s.end();
      }),
    ),
  );

export const long: RelayLimits = { ...RELAY_LIMITS, headersTimeoutMs: 60_000, idleTimeoutMs: 60_000, totalTimeoutMs: 60_000 };
export const get = (pathAndQuery = "", headers: Record<string, string> = {}) => new Request(`${APP}${PREFIX}${pathAndQuery}`, { headers });
export const relay = (socketPath: string, request = get(), limits: RelayLimits = long, pathUnder = "page") => relayPreview({ socketPath, prefix: PREFIX, sandboxId: "sbx_relay_test" }, request, pathUnder, APP, limits);

export async function readBody(res: Response): Promise<{ bytes: number; error?: unknown; text: string }> {
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      bytes += value.byteLength;
    }
    return { bytes, text: Buffer.concat(parts).toString("utf8") };
  } catch (error) {
    return { bytes, error, text: "" };
  }
}
