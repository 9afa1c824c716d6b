"use client";

import { useMemo, useState } from "react";
import { ChevronRight, FileCode, FileJson, FileText, Folder, FolderOpen, FolderTree } from "lucide-react";
import { cn } from "@/lib/utils";
import { ancestorFolders, buildFileTree, type TreeNode } from "./file-tree-model";

export type PathSet = ReadonlySet<string> | readonly string[];

export interface FileTreeProps {
  paths: readonly string[];
  activePath?: string | null;
  onSelect: (path: string) => void;
  /** Files with an edit not yet saved as a version. */
  dirtyPaths?: PathSet;
  /** Files the latest version added or changed. */
  changedPaths?: PathSet;
  /** The file the model is writing right now. */
  streamingPath?: string | null;
  className?: string;
}

interface Marks {
  activePath: string | null;
  dirty: ReadonlySet<string>;
  changed: ReadonlySet<string>;
  streamingPath: string | null;
  collapsed: ReadonlySet<string>;
  toggle: (folder: string) => void;
  onSelect: (path: string) => void;
}

const asSet = (paths: PathSet | undefined): ReadonlySet<string> => (paths instanceof Set ? paths : new Set(paths ?? []));

function FileIcon({ name, className }: { name: string; className: string }) {
  if (/\.json$/i.test(name)) return <FileJson aria-hidden className={className} />;
  if (/\.(md|markdown|txt)$/i.test(name)) return <FileText aria-hidden className={className} />;
  return <FileCode aria-hidden className={className} />;
}

export function FileTree({ paths, activePath = null, onSelect, dirtyPaths, changedPaths, streamingPath = null, className }: FileTreeProps) {
  const tree = useMemo(() => buildFileTree(paths), [paths]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  // Reveal the open file and the one being written even inside a folder the reader collapsed
  // (adjusting state while rendering, React's pattern for state that follows a prop).
  const reveal = `${activePath ?? ""}\n${streamingPath ?? ""}`;
  const [revealed, setRevealed] = useState(reveal);
  if (reveal !== revealed) {
    setRevealed(reveal);
    const hidden = [activePath, streamingPath].flatMap((p) => (p ? ancestorFolders(p) : [])).filter((f) => collapsed.has(f));
    if (hidden.length > 0) setCollapsed((prev) => new Set([...prev].filter((f) => !hidden.includes(f))));
  }

  const marks: Marks = {
    activePath,
    dirty: asSet(dirtyPaths),
    changed: asSet(changedPaths),
    streamingPath,
    collapsed,
    onSelect,
    toggle: (folder) =>
      setCollapsed((prev) => {
        const next = new Set(prev);
        if (!next.delete(folder)) next.add(folder);
        return next;
      }),
  };

  return (
    <nav
      aria-label="Project files"
      data-testid="file-tree"
      className={cn("flex max-h-52 min-h-0 flex-col border-b bg-surface sm:max-h-none sm:border-r sm:border-b-0", className)}
    >
      <div className="flex h-9 shrink-0 items-center gap-2 px-3 text-xs font-medium tracking-wide text-muted-foreground uppercase">
        <FolderTree aria-hidden className="size-3.5" />
        Files
        <span className="ml-auto font-normal tabular-nums normal-case">
          {paths.length} {paths.length === 1 ? "file" : "files"}
        </span>
      </div>
      {tree.length === 0 ? (
        <p className="px-3 pb-3 text-xs text-muted-foreground">No files yet.</p>
      ) : (
        <ul className="min-h-0 flex-1 overflow-auto px-1.5 pb-3">
          <TreeLevel nodes={tree} marks={marks} />
        </ul>
      )}
    </nav>
  );
}

function TreeLevel({ nodes, marks }: { nodes: readonly TreeNode[]; marks: Marks }) {
  return nodes.map((node) =>
    node.kind === "folder" ? (
      <FolderItem key={`d:${node.path}`} node={node} marks={marks} />
    ) : (
      <FileItem key={`f:${node.path}`} path={node.path} name={node.name} marks={marks} />
    ),
  );
}

const rowClass = cn(
  "flex h-7 w-full min-w-0 items-center gap-1.5 rounded-md px-1.5 text-left text-[13px] outline-none",
  "hover:bg-accent hover:text-accent-foreground focus-visible:ring-2 focus-visible:ring-ring",
);

function FolderItem({ node, marks }: { node: Extract<TreeNode, { kind: "folder" }>; marks: Marks }) {
  const open = !marks.collapsed.has(node.path);
  const Icon = open ? FolderOpen : Folder;
  return (
    <li>
      <button type="button" aria-expanded={open} onClick={() => marks.toggle(node.path)} className={cn(rowClass, "text-foreground/90")}>
        <ChevronRight aria-hidden className={cn("size-3.5 shrink-0 text-muted-foreground transition-transform", open && "rotate-90")} />
        <Icon aria-hidden className="size-3.5 shrink-0 text-muted-foreground" />
        <span className="truncate">{node.name}</span>
      </button>
      {open && (
        <ul className="ml-3 border-l pl-1">
          <TreeLevel nodes={node.children} marks={marks} />
        </ul>
      )}
    </li>
  );
}

function FileItem({ path, name, marks }: { path: string; name: string; marks: Marks }) {
  const active = marks.activePath === path;
  const dirty = marks.dirty.has(path);
  const changed = marks.changed.has(path);
  const streaming = marks.streamingPath === path;
  const states = [streaming && "being written", dirty && "unsaved edits", changed && "changed in the latest version"].filter(Boolean);
  return (
    <li>
      <button
        type="button"
        data-testid="file-tree-item"
        data-path={path}
        data-dirty={dirty || undefined}
        data-changed={changed || undefined}
        data-streaming={streaming || undefined}
        aria-current={active ? "true" : undefined}
        title={states.length > 0 ? `${path} (${states.join(", ")})` : path}
        onClick={() => marks.onSelect(path)}
        className={cn(rowClass, active ? "bg-accent font-medium text-foreground" : "text-foreground/80")}
      >
        <FileIcon name={name} className={cn("size-3.5 shrink-0", changed ? "text-primary" : "text-muted-foreground")} />
        <span className={cn("truncate", changed && !active && "text-primary")}>{name}</span>
        <span className="ml-auto flex shrink-0 items-center gap-1 pl-1">
          {streaming && <span aria-hidden className="size-2 animate-pulse rounded-full bg-primary" />}
          {dirty && <span aria-hidden className="size-2 rounded-full bg-warning" />}
          {changed && !dirty && !streaming && <span aria-hidden className="text-[10px] font-semibold text-primary">M</span>}
        </span>
        {states.length > 0 && <span className="sr-only">, {states.join(", ")}</span>}
      </button>
    </li>
  );
}
