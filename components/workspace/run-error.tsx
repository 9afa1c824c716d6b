"use client";

import { RotateCw, TriangleAlert, Wand2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { RunState } from "@/components/builder/types";
import { stripAnsi } from "./ansi";
import { STEP_LABEL } from "./run-steps";

type Failed = Extract<RunState, { status: "error" }>;

export interface RunErrorViewProps {
  run: Failed;
  onFix?: () => void;
  fixLabel: string;
  onRetry?: () => void;
}

/** A failed run: where it stopped, why, and the step's own output (a build error, a traceback). */
export function RunErrorView({ run, onFix, fixLabel, onRetry }: RunErrorViewProps) {
  const output = stripAnsi(run.output).trimEnd();
  const where = run.step ? `while trying to ${STEP_LABEL[run.step].toLowerCase()}` : null;
  return (
    <div data-testid="run-error" data-step={run.step} className="min-h-0 flex-1 overflow-auto p-6">
      <div className="mx-auto flex max-w-2xl flex-col gap-4">
        <div role="alert" className="flex gap-3 rounded-lg border border-destructive/30 bg-destructive/5 p-4">
          <TriangleAlert aria-hidden className="mt-0.5 size-5 shrink-0 text-destructive" />
          <div className="min-w-0 flex-1 space-y-1">
            <h2 className="text-sm font-semibold">
              The run of version {run.version} failed{where ? ` ${where}` : ""}
            </h2>
            <p className="text-sm break-words text-foreground/90">{run.message}</p>
            {run.code && <p className="font-mono text-[11px] text-muted-foreground">{run.code}</p>}
          </div>
        </div>
        {(onFix || onRetry) && (
          <div className="flex flex-wrap gap-2">
            {onFix && (
              <Button size="sm" data-testid="fix-button" onClick={() => onFix()}>
                <Wand2 aria-hidden />
                {fixLabel}
              </Button>
            )}
            {onRetry && (
              <Button size="sm" variant="outline" data-testid="run-retry" onClick={onRetry}>
                <RotateCw aria-hidden />
                Run again
              </Button>
            )}
          </div>
        )}
        <section className="space-y-1.5">
          <h3 className="text-xs font-medium text-muted-foreground">Output{run.step ? ` of “${STEP_LABEL[run.step]}”` : ""}</h3>
          <pre
            data-testid="run-output"
            tabIndex={0}
            aria-label="Output of the failed run"
            className="max-h-96 overflow-auto rounded-lg border bg-surface p-3 font-mono text-[11px] leading-relaxed whitespace-pre-wrap break-words outline-none focus-visible:ring-2 focus-visible:ring-ring"
          >
            {output || "The step printed nothing before it failed."}
          </pre>
        </section>
      </div>
    </div>
  );
}
