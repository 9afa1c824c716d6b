"use client";

import { useState } from "react";
import { AppWindow } from "lucide-react";
import type { RunState } from "@/components/builder/types";
import type { PreviewErrorMessage } from "@/lib/fragment/protocol";
import { PreviewFrame } from "./preview-frame";
import { PreviewToolbar } from "./preview-toolbar";
import { ResultsView } from "./results-view";
import { RunErrorView } from "./run-error";
import { RunProgress } from "./run-progress";
import { formatDuration } from "./run-steps";

export interface PreviewViewProps {
  run: RunState;
  /** Called after the reader reloads the preview frame. */
  onRefresh?: () => void;
  /** A runtime error reported by the preview's own window (already validated). */
  onRuntimeError?: (error: PreviewErrorMessage) => void;
  /** Ask for a fix: with the runtime error when pressed on one, without for a failed run. */
  onFix?: (runtimeError?: PreviewErrorMessage) => void;
  fixLabel?: string;
  /** Run the same version again, offered next to a failed run. */
  onRetry?: () => void;
}

/** A relative preview URL (/preview/<token>/) as a full address, for the bar, new tabs and copying. */
function absoluteUrl(url: string): string {
  if (typeof window === "undefined") return url;
  try {
    return new URL(url, window.location.href).href;
  } catch {
    return url;
  }
}

export function PreviewView({ run, onRefresh, onRuntimeError, onFix, fixLabel = "Fix it", onRetry }: PreviewViewProps) {
  const [reloads, setReloads] = useState(0);
  const preview = run.status === "done" && run.result.kind === "preview" ? run.result : null;
  const url = preview ? absoluteUrl(preview.url) : null;

  const refresh = () => {
    setReloads((n) => n + 1);
    onRefresh?.();
  };

  const bar = barText(run);
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <PreviewToolbar url={url} placeholder={bar.placeholder} disabledReason={bar.reason} onRefresh={refresh} />
      {run.status === "idle" && <PreviewEmpty />}
      {run.status === "running" && <RunProgress run={run} />}
      {run.status === "error" && <RunErrorView run={run} onFix={onFix} fixLabel={fixLabel} onRetry={onRetry} />}
      {run.status === "done" && run.result.kind === "execution" && <ResultsView execution={run.result} />}
      {preview && (
        // Keyed so a reload or a new run starts a fresh frame and clears the last runtime error.
        <PreviewFrame key={`${preview.url}#${reloads}`} url={preview.url} onRuntimeError={onRuntimeError} onFix={onFix} fixLabel={fixLabel} />
      )}
    </div>
  );
}

function barText(run: RunState): { placeholder: string; reason: string } {
  switch (run.status) {
    case "idle":
      return { placeholder: "No preview running", reason: "available once a preview is running" };
    case "running":
      return { placeholder: "Starting the preview…", reason: "available once the app has started" };
    case "error":
      return { placeholder: "The run failed", reason: "the last run failed, so there is no preview" };
    case "done":
      return run.result.kind === "execution"
        ? { placeholder: `Script finished in ${formatDuration(run.result.durationMs)}`, reason: "this app runs as a script, without a page to show" }
        : { placeholder: "", reason: "" };
  }
}

function PreviewEmpty() {
  return (
    <div className="flex flex-1 items-center justify-center bg-surface p-6">
      <div data-testid="preview-empty" className="flex max-w-sm flex-col items-center gap-3 text-center">
        <span className="flex size-10 items-center justify-center rounded-xl bg-muted text-muted-foreground">
          <AppWindow aria-hidden className="size-5" />
        </span>
        <p className="text-sm font-medium">Nothing to preview yet</p>
        <p className="text-xs leading-relaxed text-muted-foreground">
          Once your app has files, press Run: Tessera runs it in an isolated sandbox and shows it here, live. Scripts show their output
          instead. Describe your app in the chat to start.
        </p>
      </div>
    </div>
  );
}
