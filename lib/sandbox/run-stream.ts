import "server-only";
import type { RunEvent, RunResult } from "../fragment/protocol";
import { ndjsonResponse } from "../http/ndjson";
import { runProject, type RunOptions } from "./run";

/**
 * A run as the NDJSON answer both run endpoints give: progress and output as they happen, then
 * one `result` or one `error`. `after` runs once the result is sent (bookkeeping that must not
 * delay the preview).
 */
export function streamRun(
  request: Request,
  requestId: string,
  options: Omit<RunOptions, "signal" | "onEvent">,
  after?: (result: RunResult) => Promise<void>,
): Response {
  return ndjsonResponse(request, requestId, async (send, signal) => {
    // The runner reports a failing step itself (with the step's output) and then rejects; that
    // report is the answer, so the rejection must not add a second, vaguer error line.
    let reported = false;
    const onEvent = (event: RunEvent) => {
      if (event.type === "error") reported = true;
      send(event.type === "error" ? { ...event, error: { ...event.error, requestId } } : event);
    };
    let result: RunResult;
    try {
      result = await runProject({ ...options, signal, onEvent });
    } catch (err) {
      if (reported) return;
      throw err;
    }
    send({ type: "result", result } satisfies RunEvent);
    await after?.(result);
  });
}
