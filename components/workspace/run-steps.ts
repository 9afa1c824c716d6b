import type { RunStep } from "@/lib/fragment/protocol";

/** The run's steps in the order a sandbox goes through them; a template skips the ones it lacks. */
export const RUN_STEPS: readonly RunStep[] = ["creating", "writing", "installing", "building", "publishing", "starting", "running"];

export const STEP_LABEL: Record<RunStep, string> = {
  creating: "Create the sandbox",
  writing: "Write the files",
  installing: "Install dependencies",
  building: "Build",
  publishing: "Publish the build",
  starting: "Start the server",
  running: "Run",
};

export type StepStatus = "done" | "current" | "skipped" | "pending" | "failed";

/** Steps every run goes through, even when they pass too quickly for the page to see them. */
const ALWAYS: readonly RunStep[] = ["creating", "writing"];

/**
 * Each step's status for the checklist: steps before the current one were done if the run passed
 * through them and skipped if not (a static page has no server to start), later ones are pending.
 * Progress events that arrive together render once, so an unseen step counts as done when every
 * run has it. `failed` marks the current step of a run that stopped with an error.
 */
export function stepStatuses(current: RunStep | undefined, seen: Iterable<RunStep>, failed = false): Record<RunStep, StepStatus> {
  const visited = new Set([...seen, ...ALWAYS]);
  const at = current ? RUN_STEPS.indexOf(current) : -1;
  const out = {} as Record<RunStep, StepStatus>;
  RUN_STEPS.forEach((step, i) => {
    if (i === at) out[step] = failed ? "failed" : "current";
    else if (i < at) out[step] = visited.has(step) ? "done" : "skipped";
    else out[step] = "pending";
  });
  return out;
}

/** "4 s", "1 min 05 s": short enough for a live counter next to a step. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** "850 ms", "1.2 s", "2 min 03 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatElapsed(ms / 1000);
}
