"use client";

import type { ReactNode } from "react";
import { Code, Eye, GitCompareArrows, History } from "lucide-react";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { cn } from "@/lib/utils";

export type WorkspaceTab = "code" | "preview" | "diff" | "versions";

export interface WorkspacePanelProps {
  tab: WorkspaceTab;
  onTabChange: (tab: WorkspaceTab) => void;
  code: ReactNode;
  /** Kept mounted while other tabs are open, so a running preview keeps its state. */
  preview: ReactNode;
  diff?: ReactNode;
  versions: ReactNode;
  versionCount: number;
  /** Whether there is a change set to show; the Changes tab is hidden otherwise. */
  hasDiff: boolean;
  className?: string;
}

const TABS: WorkspaceTab[] = ["code", "preview", "diff", "versions"];
const isTab = (value: string): value is WorkspaceTab => (TABS as string[]).includes(value);

export function WorkspacePanel({ tab, onTabChange, code, preview, diff, versions, versionCount, hasDiff, className }: WorkspacePanelProps) {
  const showDiff = hasDiff && diff !== undefined;
  // A Changes tab that has just disappeared must not leave the panel blank.
  const value = tab === "diff" && !showDiff ? "code" : tab;

  return (
    <section aria-label="Workspace" data-testid="workspace-panel" className={cn("flex min-h-0 min-w-0 flex-col bg-background", className)}>
      <Tabs value={value} onValueChange={(next) => isTab(next) && onTabChange(next)} className="min-h-0 flex-1 gap-0">
        <div className="flex h-11 shrink-0 items-center gap-3 overflow-x-auto border-b px-3">
          <TabsList className="h-8" aria-label="Workspace views">
            <TabsTrigger value="code" data-testid="tab-code" className="px-2 text-xs sm:px-3">
              <Code aria-hidden className="size-3.5" />
              Code
            </TabsTrigger>
            <TabsTrigger value="preview" data-testid="tab-preview" className="px-2 text-xs sm:px-3">
              <Eye aria-hidden className="size-3.5" />
              Preview
            </TabsTrigger>
            {showDiff && (
              <TabsTrigger value="diff" data-testid="tab-diff" className="px-2 text-xs sm:px-3">
                <GitCompareArrows aria-hidden className="size-3.5" />
                Changes
              </TabsTrigger>
            )}
            <TabsTrigger value="versions" data-testid="tab-versions" className="px-2 text-xs sm:px-3">
              <History aria-hidden className="size-3.5" />
              Versions
              <span
                aria-hidden
                data-testid="versions-count"
                className="min-w-4 rounded-full bg-muted-foreground/15 px-1.5 text-[10px] leading-4 font-semibold tabular-nums"
              >
                {versionCount}
              </span>
              <span className="sr-only">
                {" "}
                ({versionCount} {versionCount === 1 ? "version" : "versions"})
              </span>
            </TabsTrigger>
          </TabsList>
        </div>
        <TabsContent value="code" className="flex min-h-0 flex-col" data-testid="tab-panel-code">
          {code}
        </TabsContent>
        {/* Mounted throughout so a running preview keeps its state while another tab is open. */}
        <TabsContent value="preview" forceMount className="flex min-h-0 flex-col" data-testid="tab-panel-preview">
          {preview}
        </TabsContent>
        {showDiff && (
          <TabsContent value="diff" className="flex min-h-0 flex-col" data-testid="tab-panel-diff">
            {diff}
          </TabsContent>
        )}
        <TabsContent value="versions" className="flex min-h-0 flex-col" data-testid="tab-panel-versions">
          {versions}
        </TabsContent>
      </Tabs>
    </section>
  );
}
