import { readFileSync } from "node:fs";
import path from "node:path";

const LOG = path.join(process.cwd(), ".data", "e2e", "server.log");

/** Lines of the e2e server's JSON log that carry this request id (waiting briefly for the flush). */
export async function logLinesFor(requestId: string, timeoutMs = 2_000): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + timeoutMs;
  let found: Record<string, unknown>[] = [];
  do {
    found = readFileSync(LOG, "utf8")
      .split("\n")
      .filter((l) => l.startsWith("{") && l.includes(requestId))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  return found;
}

export function serverLog(): string {
  return readFileSync(LOG, "utf8");
}
