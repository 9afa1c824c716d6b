"use client";

import { useEffect, useRef, useState } from "react";
import { Check, Circle, CircleX, Loader2, Minus } from "lucide-react";
import type { RunState } from "@/components/builder/types";
import type { RunStep } from "@/lib/fragment/protocol";
import { cn } from "@/lib/utils";
import { stripAnsi } from "./ansi";
import { formatElapsed, RUN_STEPS, STEP_LABEL, stepStatuses, type StepStatus } from "./run-steps";

type Running = Extract<RunState, { status: "running" }>;

/** The current time, ticking once a second while mounted: drives the elapsed counter. */
function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/*
 * A run in progress as a checklist, so a long install or build reads as progress rather than a
 * silent spinner: done steps are ticked, the current one shows its message, the time so far and
 * the latest line of output, and the whole output is one click away.
 */
export function RunProgress({ run }: { run: Running }) {
  const now = useNow();
  // The steps this run has passed through, so skipped ones are not ticked as done.
  const [seen, setSeen] = useState<{ startedAt: number; steps: RunStep[] }>({ startedAt: run.startedAt, steps: [run.step] });
  if (seen.startedAt !== run.startedAt) setSeen({ startedAt: run.startedAt, steps: [run.step] });
  else if (!seen.steps.includes(run.step)) setSeen({ startedAt: run.startedAt, steps: [...seen.steps, run.step] });

  const statuses = stepStatuses(run.step, seen.steps);
  const elapsed = formatElapsed((now - run.startedAt) / 1000);
  const output = stripAnsi(run.output);
  const lastLine = lastOutputLine(output);

  return (
    <div data-testid="run-progress" data-step={run.step} className="min-h-0 flex-1 overflow-auto p-6">
      <div className="mx-auto flex max-w-md flex-col gap-4">
        <div className="flex items-baseline justify-between gap-3">
          <h2 className="text-sm font-semibold">Running your app in a sandbox</h2>
          <span className="text-xs text-muted-foreground tabular-nums" aria-label={`Elapsed: ${elapsed}`}>
            {elapsed}
          </span>
        </div>
        <ol className="flex flex-col gap-1" aria-label="Run steps">
          {RUN_STEPS.map((step) => (
            <StepRow key={step} step={step} status={statuses[step]}>
              {step === run.step && (
                <div className="mt-0.5 flex min-w-0 flex-col gap-0.5">
                  <p role="status" aria-live="polite" className="text-xs text-muted-foreground">
                    {run.message || "Working…"}
                  </p>
                  {lastLine && <p className="truncate font-mono text-[11px] text-muted-foreground/80">{lastLine}</p>}
                </div>
              )}
            </StepRow>
          ))}
        </ol>
        <OutputLog output={output} />
      </div>
    </div>
  );
}

const STATUS_ICON: Record<StepStatus, { icon: typeof Check; className: string; label: string }> = {
  done: { icon: Check, className: "text-emerald-600 dark:text-emerald-400", label: "done" },
  current: { icon: Loader2, className: "animate-spin text-primary", label: "in progress" },
  skipped: { icon: Minus, className: "text-muted-foreground/60", label: "not needed" },
  pending: { icon: Circle, className: "text-muted-foreground/50", label: "to do" },
  failed: { icon: CircleX, className: "text-destructive", label: "failed" },
};

export function StepRow({ step, status, children }: { step: RunStep; status: StepStatus; children?: React.ReactNode }) {
  const { icon: Icon, className, label } = STATUS_ICON[status];
  return (
    <li
      data-step={step}
      data-status={status}
      aria-current={status === "current" ? "step" : undefined}
      className={cn("flex gap-2.5 rounded-md px-2 py-1.5", (status === "current" || status === "failed") && "bg-muted")}
    >
      <Icon aria-hidden className={cn("mt-0.5 size-4 shrink-0", className)} />
      <div className="min-w-0 flex-1">
        <span className={cn("text-sm", status === "pending" || status === "skipped" ? "text-muted-foreground" : "font-medium")}>{STEP_LABEL[step]}</span>
        <span className="sr-only">: {label}</span>
        {children}
      </div>
    </li>
  );
}

function lastOutputLine(output: string): string {
  const lines = output.trimEnd().split("\n");
  return (lines.at(-1) ?? "").trim();
}

/** The live output, collapsed by default; it follows new lines unless the reader scrolled up. */
function OutputLog({ output }: { output: string }) {
  const preRef = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    const pre = preRef.current;
    if (pre && pinned.current) pre.scrollTop = pre.scrollHeight;
  }, [output]);

  const lines = output ? output.trimEnd().split("\n").length : 0;
  return (
    <details className="rounded-lg border bg-surface">
      <summary className="cursor-pointer rounded-lg px-3 py-2 text-xs text-muted-foreground outline-none select-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring">
        Output {lines > 0 ? `(${lines} ${lines === 1 ? "line" : "lines"})` : "(nothing yet)"}
      </summary>
      <pre
        ref={preRef}
        data-testid="run-log"
        tabIndex={0}
        aria-label="Run output"
        onScroll={(event) => {
          const el = event.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        className="max-h-72 overflow-auto border-t p-3 font-mono text-[11px] leading-relaxed whitespace-pre-wrap break-words outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset"
      >
        {output || "No output yet."}
      </pre>
    </details>
  );
}
