import type { RunEvent, RunStep } from "@/lib/fragment/protocol";
import type { RunState } from "../types";

/** Output kept per run: enough for any build log a person reads, bounded for a chatty program. */
export const MAX_RUN_OUTPUT = 200_000;

function appendOutput(output: string, text: string): string {
  const next = output + text;
  return next.length > MAX_RUN_OUTPUT ? next.slice(next.length - MAX_RUN_OUTPUT) : next;
}

export function startRun(now: number): RunState {
  return { status: "running", step: "creating", message: "Starting the sandbox…", startedAt: now, output: "" };
}

/** One RunEvent applied to the run state of `version`. Events after the end change nothing. */
export function applyRunEvent(run: RunState, event: RunEvent, version: number): RunState {
  if (run.status !== "running") return run;
  switch (event.type) {
    case "progress":
      return { ...run, step: event.step, message: event.message };
    case "output":
      return { ...run, output: appendOutput(run.output, event.text) };
    case "result":
      return { status: "done", result: event.result, output: run.output, version };
    case "error": {
      // The failing step's own messages (a compiler's errors) are what a person and a fix need.
      const output = event.output ? appendOutput(run.output && !run.output.endsWith("\n") ? `${run.output}\n` : run.output, event.output) : run.output;
      // Only the server names the failing step: a dropped connection during "building" is not a
      // build error, and must not look like one a model could fix.
      return { status: "error", ...(event.step ? { step: event.step } : {}), message: event.error.message, code: event.error.code, output, version };
    }
  }
}

/** Steps where a failure is the code's fault (so a model can fix it), not the sandbox's. */
export const FIXABLE_STEPS: readonly RunStep[] = ["installing", "building", "starting"];

export function isRunActive(run: RunState): boolean {
  return run.status === "running";
}
