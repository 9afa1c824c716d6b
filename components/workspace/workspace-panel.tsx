"use client";

import { Code, Eye } from "lucide-react";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { cn } from "@/lib/utils";
import { CodeView } from "./code-view";
import { PreviewView } from "./preview-view";

export type WorkspaceTab = "code" | "preview";

export function WorkspacePanel({ codeFontSize, className }: { codeFontSize: number; className?: string }) {
  return (
    <section aria-label="Workspace" data-testid="workspace-panel" className={cn("flex min-h-0 flex-col bg-background", className)}>
      <Tabs defaultValue="code" className="min-h-0 flex-1 gap-0">
        <div className="flex h-11 shrink-0 items-center gap-3 border-b px-3">
          <TabsList className="h-8" aria-label="Workspace views">
            <TabsTrigger value="code" data-testid="tab-code" className="px-3 text-xs">
              <Code aria-hidden className="size-3.5" />
              Code
            </TabsTrigger>
            <TabsTrigger value="preview" data-testid="tab-preview" className="px-3 text-xs">
              <Eye aria-hidden className="size-3.5" />
              Preview
            </TabsTrigger>
          </TabsList>
        </div>
        <TabsContent value="code" className="flex min-h-0 flex-col" data-testid="tab-panel-code">
          <CodeView codeFontSize={codeFontSize} />
        </TabsContent>
        {/* Mounted throughout so a running preview keeps its state while the Code tab is open. */}
        <TabsContent value="preview" forceMount className="flex min-h-0 flex-col" data-testid="tab-panel-preview">
          <PreviewView />
        </TabsContent>
      </Tabs>
    </section>
  );
}
