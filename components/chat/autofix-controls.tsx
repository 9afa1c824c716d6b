"use client";

import { CircleAlert, LoaderCircle, Wrench } from "lucide-react";
import { MAX_AUTOFIX_ATTEMPTS, type AutoFixStatus } from "@/components/builder/state/autofix";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

/** A switch (not a checkbox) because it acts at once and is remembered in this browser. */
export function AutoFixToggle({ enabled, onChange, disabled }: { enabled: boolean; onChange: (enabled: boolean) => void; disabled?: boolean }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={enabled}
      data-testid="autofix-toggle"
      data-state={enabled ? "on" : "off"}
      disabled={disabled}
      title={enabled ? "Auto-fix is on: a failing build or error is sent back to the model (at most twice)" : "Auto-fix is off"}
      onClick={() => onChange(!enabled)}
      className="inline-flex items-center gap-2 rounded-md px-1.5 py-1 text-xs font-medium text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-50"
    >
      <span
        aria-hidden
        className={cn("relative inline-flex h-4 w-7 shrink-0 items-center rounded-full border transition-colors", enabled ? "border-primary bg-primary" : "bg-muted")}
      >
        <span className={cn("absolute size-3 rounded-full bg-background shadow-sm transition-[left]", enabled ? "left-3.5" : "left-0.5")} />
      </span>
      Auto-fix
    </button>
  );
}

interface RunIssueBarProps {
  status: AutoFixStatus;
  /** The current run's fixable error: its headline and the button's label. */
  failure: { message: string; label: string } | null;
  /** Absent when no model can be asked. */
  onFix?: () => void;
  busy: boolean;
}

/** Above the composer: what auto-fix is doing or why it stopped, and a Fix button for the error. */
export function RunIssueBar({ status, failure, onFix, busy }: RunIssueBarProps) {
  // "Fixing" is only true while the fix is on its way; a finished fix speaks through its version.
  const showStatus = (status.kind === "fixing" && busy) || status.kind === "stopped";
  const showFailure = failure !== null && !busy;
  if (!showStatus && !showFailure) return null;
  return (
    <div className="flex flex-col gap-2 border-t bg-surface px-3 py-2.5 text-xs sm:px-4" data-testid="run-issue">
      {showStatus ? (
        <p data-testid="autofix-status" data-status={status.kind} role="status" className="flex items-start gap-2 leading-relaxed text-muted-foreground">
          {status.kind === "fixing" ? (
            <>
              <LoaderCircle aria-hidden className="mt-0.5 size-3.5 shrink-0 animate-spin" />
              Auto-fix attempt {status.attempt} of {MAX_AUTOFIX_ATTEMPTS}: the error went back to the model.
            </>
          ) : (
            <>
              <CircleAlert aria-hidden className="mt-0.5 size-3.5 shrink-0 text-warning" />
              {status.reason}
            </>
          )}
        </p>
      ) : null}
      {showFailure && failure ? (
        <div className="flex items-center gap-2" data-testid="chat-fix-offer">
          <p className="min-w-0 flex-1 truncate text-foreground" title={failure.message}>
            <span className="font-medium text-destructive">Error: </span>
            {failure.message}
          </p>
          {onFix ? (
            <Button size="sm" variant="outline" data-testid="fix-button" onClick={onFix} className="h-7 gap-1.5 text-xs">
              <Wrench aria-hidden className="size-3.5" />
              {failure.label}
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
