"use client";

import { useMemo, useState } from "react";
import { Download, FileArchive, FileCode, Loader2, Play } from "lucide-react";
import { Button } from "@/components/ui/button";
import type { FragmentFile } from "@/lib/fragment/schema";
import { cn } from "@/lib/utils";
import { CodeEditor } from "./code-editor";
import { baseName, downloadBlob, zipFiles } from "./download";
import { FileTabs } from "./file-tabs";
import { FileTree, type PathSet } from "./file-tree";
import { codeFontSizeClass, DEFAULT_CODE_FONT_SIZE } from "./font-size";

export interface CodeViewProps {
  files: readonly FragmentFile[];
  activePath?: string | null;
  onSelect: (path: string) => void;
  onChange?: (path: string, content: string) => void;
  dirtyPaths?: PathSet;
  changedPaths?: PathSet;
  streamingPath?: string | null;
  onRun?: () => void;
  canRun?: boolean;
  running?: boolean;
  /** Why Run is disabled, shown as its tooltip; a generic reason is used when absent. */
  runDisabledReason?: string;
  /** Defaults to saving the file from the browser. */
  onDownloadFile?: (path: string) => void;
  /** Defaults to zipping every file in the browser as project.zip. */
  onDownloadZip?: () => void;
  codeFontSize?: number;
  nonce?: string;
  readOnly?: boolean;
}

const asSet = (paths: PathSet | undefined): ReadonlySet<string> => (paths instanceof Set ? paths : new Set(paths ?? []));

export function CodeView({
  files,
  activePath = null,
  onSelect,
  onChange,
  dirtyPaths,
  changedPaths,
  streamingPath = null,
  onRun,
  canRun = false,
  running = false,
  runDisabledReason,
  onDownloadFile,
  onDownloadZip,
  codeFontSize = DEFAULT_CODE_FONT_SIZE,
  nonce,
  readOnly = false,
}: CodeViewProps) {
  const byPath = useMemo(() => new Map(files.map((f) => [f.path, f])), [files]);
  const paths = useMemo(() => files.map((f) => f.path), [files]);
  const dirty = useMemo(() => asSet(dirtyPaths), [dirtyPaths]);

  // Which files have a tab is this view's own business; which one is active belongs to the caller.
  const [openTabs, setOpenTabs] = useState<string[]>(() => (activePath ? [activePath] : []));
  const [seenActive, setSeenActive] = useState(activePath);
  if (activePath !== seenActive) {
    setSeenActive(activePath);
    if (activePath && !openTabs.includes(activePath)) setOpenTabs([...openTabs, activePath]);
  }

  const tabs = openTabs.filter((p) => byPath.has(p));
  const current = activePath && tabs.includes(activePath) ? activePath : null;
  const currentFile = current ? byPath.get(current) : undefined;

  const open = (path: string) => {
    setOpenTabs((prev) => (prev.includes(path) ? prev : [...prev, path]));
    onSelect(path);
  };

  const close = (path: string) => {
    const index = tabs.indexOf(path);
    const rest = tabs.filter((p) => p !== path);
    setOpenTabs((prev) => prev.filter((p) => p !== path));
    if (path === current && rest.length > 0) onSelect(rest[Math.min(index, rest.length - 1)]!);
  };

  const downloadFile = (path: string) => {
    if (onDownloadFile) return onDownloadFile(path);
    const file = byPath.get(path);
    if (file) downloadBlob(baseName(path), file.content, "text/plain;charset=utf-8");
  };
  const downloadZip = () => (onDownloadZip ? onDownloadZip() : downloadBlob("project.zip", zipFiles(files), "application/zip"));

  const runBlocked = !onRun || !canRun || running;
  const runTitle = running
    ? "The app is running; wait for it to finish"
    : runBlocked
      ? (runDisabledReason ?? (files.length === 0 ? "Nothing to run yet: the app has no files" : "Running is not available right now"))
      : "Run the app in a sandbox";

  return (
    <div className="grid min-h-0 flex-1 grid-cols-1 grid-rows-[auto_1fr] sm:grid-cols-[clamp(9rem,28%,15rem)_1fr] sm:grid-rows-1">
      <FileTree
        paths={paths}
        activePath={current}
        onSelect={open}
        dirtyPaths={dirty}
        changedPaths={changedPaths}
        streamingPath={streamingPath}
      />
      <div data-testid="editor" className="flex min-h-0 min-w-0 flex-col">
        <div className="flex h-9 shrink-0 items-stretch border-b bg-surface">
          <FileTabs paths={tabs} activePath={current} onSelect={open} onClose={close} dirty={dirty} streamingPath={streamingPath} />
          <div role="toolbar" aria-label="Code actions" className="flex shrink-0 items-center gap-0.5 border-l px-1.5">
            <Button
              variant="ghost"
              size="icon-sm"
              data-testid="download-file"
              aria-label={current ? `Download ${baseName(current)}` : "Download file"}
              title={current ? `Download ${baseName(current)}` : "Download file: open a file first"}
              disabled={!current}
              onClick={() => current && downloadFile(current)}
              className="size-7"
            >
              <Download aria-hidden className="size-3.5" />
            </Button>
            <Button
              variant="ghost"
              size="icon-sm"
              data-testid="download-zip"
              aria-label="Download all files as ZIP"
              title={files.length ? "Download all files as ZIP" : "Download ZIP: the app has no files yet"}
              disabled={files.length === 0}
              onClick={downloadZip}
              className="size-7"
            >
              <FileArchive aria-hidden className="size-3.5" />
            </Button>
            {onRun ? (
              <Button size="sm" data-testid="run-button" disabled={runBlocked} title={runTitle} onClick={onRun} className="ml-1 h-7 gap-1.5 px-2.5">
                {running ? <Loader2 aria-hidden className="size-3.5 animate-spin" /> : <Play aria-hidden className="size-3.5" />}
                {running ? "Running…" : "Run"}
              </Button>
            ) : null}
          </div>
        </div>
        {files.length === 0 ? (
          <CodeEmpty fontSize={codeFontSize} />
        ) : currentFile ? (
          <CodeEditor
            path={currentFile.path}
            value={currentFile.content}
            onChange={onChange ? (content) => onChange(currentFile.path, content) : undefined}
            readOnly={readOnly || !onChange || streamingPath === currentFile.path}
            fontSize={codeFontSize}
            nonce={nonce}
          />
        ) : (
          <div className="flex flex-1 items-center justify-center p-6 text-center text-sm text-muted-foreground">
            Pick a file in the tree to open it.
          </div>
        )}
      </div>
    </div>
  );
}

function CodeEmpty({ fontSize }: { fontSize: number }) {
  return (
    <div className={cn("flex flex-1 items-center justify-center p-6 font-mono", codeFontSizeClass(fontSize))}>
      <div data-testid="code-empty" className="flex max-w-sm flex-col items-center gap-3 text-center font-sans">
        <span className="flex size-10 items-center justify-center rounded-xl bg-muted text-muted-foreground">
          <FileCode aria-hidden className="size-5" />
        </span>
        <p className="text-sm font-medium text-foreground">No files yet — the files of your app appear here as they are written</p>
        <p className="text-xs leading-relaxed text-muted-foreground">
          Describe your app in the chat to start. Each file shows up in the tree on the left the moment it is created, and opens here.
        </p>
      </div>
    </div>
  );
}
