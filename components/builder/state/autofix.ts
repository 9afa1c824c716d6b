import type { PreviewErrorMessage, RunStep } from "@/lib/fragment/protocol";
import type { RunState, Version } from "../types";
import { FIXABLE_STEPS } from "./run";

/**
 * Errors a model can fix, the message that asks it to, and the auto-fix policy: at most
 * MAX_AUTOFIX_ATTEMPTS per message the person sent, and never the same error twice in a row (a fix
 * that brings the same error back will not do better a second time; the person has to step in).
 */

export type FailureKind = "build" | "python" | "runtime";

export interface Failure {
  kind: FailureKind;
  /** The version whose run failed. */
  version: number;
  step?: RunStep;
  /** The headline: the step's error, the exception, the first runtime error. */
  message: string;
  /** The output's last lines, the traceback, or the stack(s). */
  detail: string;
  /** Normalized error, compared to tell "the same error came back". */
  signature: string;
}

export const MAX_AUTOFIX_ATTEMPTS = 2;
export const FIX_OUTPUT_LINES = 60;
const MAX_DETAIL_CHARS = 12_000;

// ANSI colour and cursor codes (IPython tracebacks and compilers colour their output).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, "");

export function lastLines(text: string, n: number): string {
  const lines = stripAnsi(text).replace(/\s+$/, "").split("\n");
  const tail = lines.slice(-n).join("\n");
  return tail.length > MAX_DETAIL_CHARS ? tail.slice(tail.length - MAX_DETAIL_CHARS) : tail;
}

/**
 * Two reports of one error differ in line numbers, timings, addresses, temp paths and quoting;
 * those are dropped so a comparison sees the error itself.
 */
export function normalizeErrorMessage(message: string): string {
  return stripAnsi(message)
    .toLowerCase()
    .replace(/0x[0-9a-f]+/g, "#")
    .replace(/\/tmp\/[^\s:'"]+/g, "/tmp/…")
    .replace(/\d+(\.\d+)?/g, "#")
    .replace(/["'`]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}

/** The first line of a build log that looks like the error itself (compilers print it first). */
function firstErrorLine(output: string): string {
  return stripAnsi(output)
    .split("\n")
    .find((line) => /\b(error|exception|cannot|failed|not found)\b/i.test(line))
    ?.trim() ?? "";
}

export function failureFromRun(run: RunState): Failure | null {
  if (run.status === "error" && run.step && FIXABLE_STEPS.includes(run.step)) {
    return {
      kind: "build",
      version: run.version,
      step: run.step,
      message: run.message,
      detail: lastLines(run.output, FIX_OUTPUT_LINES),
      signature: `build:${normalizeErrorMessage(`${run.message} ${firstErrorLine(run.output)}`)}`,
    };
  }
  if (run.status === "done" && run.result.kind === "execution" && run.result.error) {
    const { name, value, traceback } = run.result.error;
    const message = value ? `${name}: ${value}` : name;
    return {
      kind: "python",
      version: run.version,
      step: "running",
      message: stripAnsi(message),
      detail: lastLines(traceback || run.result.stderr, FIX_OUTPUT_LINES),
      signature: `python:${normalizeErrorMessage(message)}`,
    };
  }
  return null;
}

function runtimeLocation(e: PreviewErrorMessage): string {
  if (!e.filename) return "";
  return [e.filename, e.line, e.column].filter((x) => x !== undefined).join(":");
}

/** Runtime errors reported by one preview, deduplicated by their normalized message. */
export function dedupeRuntimeErrors(errors: readonly PreviewErrorMessage[]): PreviewErrorMessage[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = normalizeErrorMessage(e.message);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function failureFromRuntime(version: number, errors: readonly PreviewErrorMessage[]): Failure | null {
  const unique = dedupeRuntimeErrors(errors);
  const first = unique[0];
  if (!first) return null;
  const detail = unique
    .map((e) => [e.message, runtimeLocation(e) && `at ${runtimeLocation(e)}`, e.stack && lastLines(e.stack, 20)].filter(Boolean).join("\n"))
    .join("\n\n");
  return {
    kind: "runtime",
    version,
    message: first.message,
    detail: detail.length > MAX_DETAIL_CHARS ? detail.slice(0, MAX_DETAIL_CHARS) : detail,
    signature: `runtime:${normalizeErrorMessage(first.message)}`,
  };
}

/** A fence longer than any backtick run inside, so output cannot close the code block early. */
function fenced(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

const KIND_INTRO: Record<FailureKind, (f: Failure) => string> = {
  build: (f) => `The app failed while ${f.step ?? "building"}${f.step ? ` (step: ${f.step})` : ""}.`,
  python: () => "The Python program raised an error when it ran.",
  runtime: () => "The preview threw an error in the browser while the app was running.",
};

const DETAIL_HEADING: Record<FailureKind, string> = {
  build: `Last ${FIX_OUTPUT_LINES} lines of the output:`,
  python: "Traceback:",
  runtime: "Details:",
};

/** The user message that asks the model for a fix. */
export function fixMessageText(f: Failure): string {
  const parts = [KIND_INTRO[f.kind](f), `Error: ${f.message}`];
  if (f.detail.trim()) parts.push(`${DETAIL_HEADING[f.kind]}\n${fenced(f.detail)}`);
  parts.push("Please fix the code so the app works, and change only what the fix needs.");
  return parts.join("\n\n");
}

export function fixLabel(f: Failure): string {
  return f.kind === "build" ? "Fix the build error" : f.kind === "python" ? "Fix the Python error" : "Fix the error";
}

export type AutoFixStatus = { kind: "idle" } | { kind: "fixing"; attempt: number } | { kind: "stopped"; reason: string };

export interface AutoFixState {
  /** Fixes sent automatically since the person's last own message. */
  attempts: number;
  /** The error the last automatic fix was about. */
  lastSignature?: string;
  status: AutoFixStatus;
}

export const initialAutoFix: AutoFixState = { attempts: 0, status: { kind: "idle" } };

export const AUTOFIX_SAME_ERROR =
  "Auto-fix stopped: the same error came back after a fix. Fix it by hand or describe the problem.";
export const AUTOFIX_LIMIT = `Auto-fix stopped after ${MAX_AUTOFIX_ATTEMPTS} attempts. Fix it by hand or describe the problem.`;
export const AUTOFIX_REQUEST_FAILED = "Auto-fix stopped: the fix request failed (see the error above). Retry it or describe the problem.";

export type AutoFixDecision = { action: "fix"; attempt: number } | { action: "stop"; reason: string } | { action: "skip" };

export function decideAutoFix(
  state: AutoFixState,
  failure: Pick<Failure, "signature">,
  context: { enabled: boolean; versionSource: Version["source"] | undefined },
): AutoFixDecision {
  // Only the model's own output is fixed unasked: a person's edit or a restore is their call.
  if (!context.enabled || context.versionSource !== "model") return { action: "skip" };
  if (state.status.kind === "stopped") return { action: "skip" };
  if (state.lastSignature !== undefined && state.lastSignature === failure.signature) return { action: "stop", reason: AUTOFIX_SAME_ERROR };
  if (state.attempts >= MAX_AUTOFIX_ATTEMPTS) return { action: "stop", reason: AUTOFIX_LIMIT };
  return { action: "fix", attempt: state.attempts + 1 };
}

export function recordAutoFix(state: AutoFixState, decision: AutoFixDecision, signature: string): AutoFixState {
  switch (decision.action) {
    case "skip":
      return state;
    case "stop":
      return { ...state, status: { kind: "stopped", reason: decision.reason } };
    case "fix":
      return { attempts: decision.attempt, lastSignature: signature, status: { kind: "fixing", attempt: decision.attempt } };
  }
}
