import { AppError, type ErrorCode } from "../errors";
import type { RunStep } from "../fragment/protocol";

/**
 * A run that failed at a step. runProject has already reported it as an `error` event (with the
 * step's own output) when it rejects with one of these, so callers need not report it again.
 */
export class RunError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly step: RunStep,
    readonly output?: string,
  ) {
    super(code, message);
    this.name = "RunError";
  }
}

/** Whether trying the same run again can help: capacity, outages and time limits, not bad input. */
export function retryable(code: ErrorCode): boolean {
  return code.startsWith("unavailable:") || code.startsWith("rate_limit:") || code === "internal";
}

/** The first line of a tool's output that reads like its error, for a one-line message. */
export function firstProblem(output: string): string {
  const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
  const found = lines.find((l) => /error|failed|cannot|not found|:\d+:\d+:/i.test(l)) ?? lines[0] ?? "";
  return found.length > 300 ? `${found.slice(0, 299)}…` : found;
}
