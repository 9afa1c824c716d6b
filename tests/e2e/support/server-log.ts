import { readFileSync } from "node:fs";
import path from "node:path";

/** The JSON logs of the e2e servers scripts/e2e-server.mjs starts (one data dir each). */
export type ServerName = "e2e" | "e2e-auth" | "e2e-no-model";

const logOf = (server: ServerName) => path.join(process.cwd(), ".data", server, "server.log");

/** Lines of an e2e server's JSON log that carry this request id (waiting briefly for the flush). */
export async function logLinesFor(requestId: string, timeoutMs = 2_000, server: ServerName = "e2e"): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  let found: Record<string, unknown>[] = [];
  do {
    found = readFileSync(logOf(server), "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{") && l.includes(requestId))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  return found;
}

export function serverLog(server: ServerName = "e2e"): string {
  return readFileSync(logOf(server), "utf8");
}
