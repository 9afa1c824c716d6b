"use client";

import * as React from "react";
import type { PreviewErrorMessage } from "@/lib/fragment/protocol";
import { CodeView } from "@/components/workspace/code-view";
import { DiffView } from "@/components/workspace/diff-view";
import { downloadBlob, zipFileName, zipFiles } from "@/components/workspace/download";
import { PreviewView } from "@/components/workspace/preview-view";
import { VersionsList } from "@/components/workspace/versions-list";
import { WorkspacePanel, type WorkspaceTab } from "@/components/workspace/workspace-panel";
import { fixLabel } from "./state/autofix";
import { currentVersionOf } from "./state/project";
import { selectCodeView, selectDiff } from "./state/selectors";
import type { Builder } from "./use-builder";

interface BuilderWorkspaceProps {
  builder: Builder;
  codeFontSize: number;
  nonce?: string;
  className?: string;
}

/** The workspace views wired to the builder's state and actions. */
export function BuilderWorkspace({ builder, codeFontSize, nonce, className }: BuilderWorkspaceProps) {
  const { state, controller, store } = builder;
  const { project, turn, generation, edits, compareFrom, run, failure } = state;
  const streaming = turn !== null;
  const current = currentVersionOf(project);

  // Memoized on the fields each selector reads, so typing in the editor does not redo a diff.
  const code = React.useMemo(() => selectCodeView({ project, turn, generation, edits }), [project, turn, generation, edits]);
  const diff = React.useMemo(() => selectDiff({ project, compareFrom }), [project, compareFrom]);

  const modelConfigured = builder.model !== null;
  // A Fix button makes sense for an error a model can fix: a build/Python failure, or a runtime error
  // (the preview frame passes it along). A sandbox that would not start is not one.
  const canFix = modelConfigured && !streaming && (run.status !== "error" || failure !== null);
  const onFix = (runtimeError?: PreviewErrorMessage) => void controller.fix(runtimeError);

  const activePath = streaming ? (code.streamingPath ?? state.activePath) : state.activePath;
  const files = code.files;
  const title = project.title;

  return (
    <WorkspacePanel
      tab={state.tab}
      onTabChange={(tab: WorkspaceTab) => store.dispatch({ type: "ui/tab", tab })}
      className={className}
      versionCount={project.versions.length}
      hasDiff={diff !== null}
      code={
        <CodeView
          files={files}
          activePath={activePath ?? null}
          onSelect={(path) => store.dispatch({ type: "ui/file", path })}
          onChange={(path, content) => store.dispatch({ type: "edit/change", path, content })}
          dirtyPaths={code.dirtyPaths}
          changedPaths={code.changedPaths}
          streamingPath={code.streamingPath ?? null}
          onRun={() => void controller.runEdits()}
          canRun={current !== undefined && !streaming}
          running={run.status === "running"}
          runDisabledReason={streaming ? "The model is still writing; run when it has finished" : undefined}
          onDownloadZip={() => downloadBlob(zipFileName(current ? `${title} v${current.n}` : title), zipFiles(files), "application/zip")}
          codeFontSize={codeFontSize}
          nonce={nonce}
          readOnly={streaming || current === undefined}
        />
      }
      preview={
        <PreviewView
          run={run}
          onRuntimeError={controller.reportRuntimeError}
          onFix={canFix ? onFix : undefined}
          fixLabel={failure ? fixLabel(failure) : "Fix the error"}
          onRetry={streaming ? undefined : () => void controller.refresh()}
        />
      }
      diff={diff ? <DiffView before={diff.before} after={diff.after} fromVersion={diff.fromVersion} toVersion={diff.toVersion} /> : undefined}
      versions={
        <VersionsList
          versions={project.versions}
          currentVersion={project.currentVersion}
          onRestore={controller.restore}
          onCompare={(n) => store.dispatch({ type: "ui/compare", from: n })}
        />
      }
    />
  );
}
