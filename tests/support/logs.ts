import { Writable } from "node:stream";
import { setLogDestinationForTests } from "@/lib/log";

/** Route the app logger into memory and return the parsed lines as they arrive. */
export function captureLogs(): { lines: Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  setLogDestinationForTests(sink);
  return { lines, raw };
}
