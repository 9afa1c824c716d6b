"use client";

import { useEffect, useRef } from "react";
import { X } from "lucide-react";
import { cn } from "@/lib/utils";
import { baseName } from "./download";

export interface FileTabsProps {
  paths: readonly string[];
  activePath: string | null;
  onSelect: (path: string) => void;
  onClose: (path: string) => void;
  dirty: ReadonlySet<string>;
  streamingPath: string | null;
}

/** The open files, one tab each; the active one scrolls into view when it changes. */
export function FileTabs({ paths, activePath, onSelect, onClose, dirty, streamingPath }: FileTabsProps) {
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const active = listRef.current?.querySelector<HTMLElement>('[data-active="true"]');
    active?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [activePath]);

  if (paths.length === 0) return <div className="flex min-w-0 flex-1 items-center px-3 text-xs text-muted-foreground">No file open</div>;

  return (
    <div ref={listRef} aria-label="Open files" role="group" className="flex h-full min-w-0 flex-1 items-stretch overflow-x-auto">
      {paths.map((path) => {
        const active = path === activePath;
        const name = baseName(path);
        return (
          <div
            key={path}
            data-testid="file-tab"
            data-path={path}
            data-active={active ? "true" : undefined}
            // Middle click closes, as in editors and browsers.
            onAuxClick={(event) => {
              if (event.button === 1) onClose(path);
            }}
            className={cn(
              "group relative flex max-w-52 shrink-0 items-center border-r text-xs",
              active ? "bg-background text-foreground" : "bg-surface text-muted-foreground hover:text-foreground",
              active && "after:absolute after:inset-x-0 after:top-0 after:h-0.5 after:bg-primary",
            )}
          >
            <button
              type="button"
              aria-current={active ? "true" : undefined}
              title={path}
              onClick={() => onSelect(path)}
              className="flex h-full min-w-0 items-center gap-1.5 pr-1 pl-3 outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset"
            >
              <span className="truncate font-mono">{name}</span>
              {streamingPath === path && <span aria-label="being written" className="size-1.5 animate-pulse rounded-full bg-primary" />}
              {dirty.has(path) && <span aria-label="unsaved edits" className="size-1.5 rounded-full bg-warning" />}
            </button>
            <button
              type="button"
              data-testid="file-tab-close"
              aria-label={`Close ${path}`}
              title={`Close ${name}`}
              onClick={() => onClose(path)}
              className={cn(
                "mr-1 flex size-5 items-center justify-center rounded outline-none hover:bg-accent focus-visible:ring-2 focus-visible:ring-ring",
                !active && "opacity-60 group-hover:opacity-100",
              )}
            >
              <X aria-hidden className="size-3" />
            </button>
          </div>
        );
      })}
    </div>
  );
}
