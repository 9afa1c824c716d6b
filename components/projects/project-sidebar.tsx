"use client";

import * as React from "react";
import { Check, FolderOpen, Pencil, Plus, Search, Trash2, X } from "lucide-react";
import { relativeTime } from "@/components/workspace/relative-time";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { ProjectSummary } from "@/lib/projects/schema";
import { PROJECT_LIMITS } from "@/lib/projects/schema";
import { cn } from "@/lib/utils";

export interface ProjectSidebarProps {
  /** null while the first list is loading. */
  projects: ProjectSummary[] | null;
  error: string | null;
  activeId: string;
  search: string;
  onSearch: (search: string) => void;
  onOpen: (id: string) => void;
  onNew: () => void;
  onRename: (id: string, title: string) => void;
  onDelete: (project: ProjectSummary) => void;
  className?: string;
}

/** Saved projects, newest first: search, open, rename in place, delete (undone from the toast). */
export function ProjectSidebar(props: ProjectSidebarProps) {
  const { projects, error, activeId, search } = props;
  const [now, setNow] = React.useState(() => Date.now());
  React.useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  return (
    <nav aria-label="Projects" data-testid="project-sidebar" className={cn("flex min-h-0 flex-col gap-3 bg-surface p-3", props.className)}>
      <Button variant="outline" size="sm" data-testid="sidebar-new-project" onClick={props.onNew} className="justify-start">
        <Plus aria-hidden />
        New project
      </Button>
      <label className="relative block">
        <span className="sr-only">Search projects</span>
        <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" />
        <Input
          type="search"
          data-testid="project-search"
          placeholder="Search projects"
          value={search}
          maxLength={120}
          onChange={(e) => props.onSearch(e.target.value)}
          className="h-8 pl-8 text-xs"
        />
      </label>
      {error ? (
        <p role="alert" data-testid="project-list-error" className="rounded-md border border-destructive/30 bg-destructive/10 p-2 text-xs text-destructive">
          {error}
        </p>
      ) : null}
      <ul data-testid="project-list" aria-busy={projects === null} className="-mx-1 flex min-h-0 flex-1 flex-col gap-0.5 overflow-y-auto">
        {projects === null ? <li className="px-2 py-1 text-xs text-muted-foreground">Loading projects…</li> : null}
        {projects?.length === 0 ? (
          <li data-testid="project-list-empty" className="px-2 py-1 text-xs text-muted-foreground">
            {search ? `No project title contains "${search}".` : "No saved projects yet. Describe an app in the chat to start one."}
          </li>
        ) : null}
        {projects?.map((p) => (
          <ProjectItem key={p.id} project={p} active={p.id === activeId} now={now} onOpen={props.onOpen} onRename={props.onRename} onDelete={props.onDelete} />
        ))}
      </ul>
    </nav>
  );
}

function ProjectItem({
  project,
  active,
  now,
  onOpen,
  onRename,
  onDelete,
}: {
  project: ProjectSummary;
  active: boolean;
  now: number;
  onOpen: (id: string) => void;
  onRename: (id: string, title: string) => void;
  onDelete: (project: ProjectSummary) => void;
}) {
  const [editing, setEditing] = React.useState(false);
  const [draft, setDraft] = React.useState(project.title);
  const input = React.useRef<HTMLInputElement>(null);
  React.useEffect(() => {
    if (editing) input.current?.select();
  }, [editing]);

  const commit = () => {
    const title = draft.trim();
    setEditing(false);
    if (title && title !== project.title) onRename(project.id, title);
    else setDraft(project.title);
  };

  if (editing) {
    return (
      <li data-testid="project-item" data-project-id={project.id} className="px-1">
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            commit();
          }}
        >
          <Input
            ref={input}
            data-testid="project-rename-input"
            aria-label="Project name"
            value={draft}
            maxLength={PROJECT_LIMITS.maxTitle}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Escape") {
                setDraft(project.title);
                setEditing(false);
              }
            }}
            onBlur={commit}
            className="h-7 text-xs"
          />
          <Button type="submit" variant="ghost" size="icon-sm" aria-label="Save name" className="size-7">
            <Check aria-hidden />
          </Button>
        </form>
      </li>
    );
  }

  return (
    <li data-testid="project-item" data-project-id={project.id} data-active={active ? "true" : "false"} className="group relative">
      <button
        type="button"
        data-testid="project-open"
        aria-current={active ? "page" : undefined}
        onClick={() => onOpen(project.id)}
        className={cn(
          "flex w-full min-w-0 flex-col items-start rounded-md px-2 py-1.5 pr-16 text-left outline-none",
          "hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring",
          active && "bg-accent",
        )}
      >
        <span className="flex w-full min-w-0 items-center gap-1.5 text-xs font-medium">
          <FolderOpen aria-hidden className="size-3.5 shrink-0 text-muted-foreground" />
          <span data-testid="project-title-item" className="truncate">
            {project.title}
          </span>
        </span>
        <span className="pl-5 text-[11px] text-muted-foreground">
          {relativeTime(project.updatedAt, now)} · {project.versionCount === 1 ? "1 version" : `${project.versionCount} versions`}
        </span>
      </button>
      <span className="absolute top-1 right-1 hidden items-center gap-0.5 group-focus-within:flex group-hover:flex">
        <Button variant="ghost" size="icon-sm" className="size-7" aria-label={`Rename ${project.title}`} data-testid="project-rename" onClick={() => setEditing(true)}>
          <Pencil aria-hidden className="size-3.5" />
        </Button>
        <Button variant="ghost" size="icon-sm" className="size-7 hover:text-destructive" aria-label={`Delete ${project.title}`} data-testid="project-delete" onClick={() => onDelete(project)}>
          <Trash2 aria-hidden className="size-3.5" />
        </Button>
      </span>
    </li>
  );
}

/** "Deleted …" with Undo, for as long as the server keeps the project restorable. */
export function UndoDeleteToast({ title, until, onUndo, onDismiss }: { title: string; until: number; onUndo: () => void; onDismiss: () => void }) {
  const [left, setLeft] = React.useState(() => Math.max(0, Math.ceil((until - Date.now()) / 1000)));
  React.useEffect(() => {
    const timer = setInterval(() => setLeft(Math.max(0, Math.ceil((until - Date.now()) / 1000))), 250);
    return () => clearInterval(timer);
  }, [until]);
  return (
    <div role="status" data-testid="undo-delete" className="fixed bottom-4 left-1/2 z-50 flex -translate-x-1/2 items-center gap-3 rounded-lg border bg-background px-4 py-2.5 text-sm shadow-lg">
      <span className="max-w-[18rem] truncate">
        Deleted <strong>{title}</strong>
      </span>
      <Button size="sm" variant="secondary" data-testid="undo-delete-button" onClick={onUndo}>
        Undo ({left} s)
      </Button>
      <Button variant="ghost" size="icon-sm" aria-label="Dismiss" onClick={onDismiss}>
        <X aria-hidden />
      </Button>
    </div>
  );
}
