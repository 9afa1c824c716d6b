"use client";

import * as React from "react";
import { Play } from "lucide-react";
import { runShared, toStreamError } from "@/components/builder/api";
import { applyRunEvent, startRun } from "@/components/builder/state/run";
import type { RunState } from "@/components/builder/types";
import { CodeView } from "@/components/workspace/code-view";
import { PreviewView } from "@/components/workspace/preview-view";
import { WorkspacePanel, type WorkspaceTab } from "@/components/workspace/workspace-panel";
import { Button } from "@/components/ui/button";
import type { FragmentFile } from "@/lib/fragment/schema";

export interface SharedVersion {
  token: string;
  projectTitle: string;
  versionTitle: string;
  n: number;
  template: string;
  files: FragmentFile[];
  expiresAt: string;
}

/** A shared version, read-only: its files, and a Run that starts it in a fresh sandbox. */
export function ShareView({ shared, nonce }: { shared: SharedVersion; nonce?: string }) {
  const [tab, setTab] = React.useState<WorkspaceTab>("code");
  const [active, setActive] = React.useState<string | null>(shared.files[0]?.path ?? null);
  const [run, setRun] = React.useState<RunState>({ status: "idle" });
  const abort = React.useRef<AbortController | null>(null);

  const start = async () => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    setTab("preview");
    let state: RunState = startRun(Date.now());
    setRun(state);
    try {
      for await (const event of runShared(shared.token, controller.signal)) {
        state = applyRunEvent(state, event, shared.n);
        setRun(state);
      }
    } catch (err) {
      if (controller.signal.aborted) return;
      setRun(applyRunEvent(state, { type: "error", error: toStreamError(err) }, shared.n));
    }
  };
  React.useEffect(() => () => abort.current?.abort(), []);

  return (
    <div className="flex min-h-dvh flex-col md:h-dvh md:min-h-0">
      <header className="flex h-14 shrink-0 items-center gap-3 border-b px-4">
        <div className="min-w-0">
          <h1 data-testid="share-title" className="truncate text-sm font-semibold">
            {shared.projectTitle}
          </h1>
          <p className="truncate text-xs text-muted-foreground" data-testid="share-meta">
            Version {shared.n} · shared read-only · link expires {new Date(shared.expiresAt).toLocaleDateString()}
          </p>
        </div>
        <Button size="sm" className="ml-auto" data-testid="share-run" disabled={run.status === "running"} onClick={() => void start()}>
          <Play aria-hidden />
          {run.status === "running" ? "Running…" : run.status === "idle" ? "Run it" : "Run again"}
        </Button>
      </header>
      <WorkspacePanel
        tab={tab}
        onTabChange={setTab}
        versionCount={0}
        hasDiff={false}
        className="min-h-[32rem] flex-1 md:min-h-0"
        code={<CodeView files={shared.files} activePath={active} onSelect={setActive} readOnly nonce={nonce} />}
        preview={<PreviewView run={run} onRetry={() => void start()} />}
        versions={<p className="p-4 text-sm text-muted-foreground">A shared link shows one version only.</p>}
      />
    </div>
  );
}
