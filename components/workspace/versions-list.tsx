"use client";

import { useEffect, useMemo, useState } from "react";
import { BookOpen, GitCompareArrows, History, PencilLine, RotateCcw, Sparkles } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { Version } from "@/components/builder/types";
import { cn } from "@/lib/utils";
import { relativeTime } from "./relative-time";

export interface VersionsListProps {
  versions: readonly Version[];
  /** The version in the code view and preview; 0 when there is none. */
  currentVersion: number;
  onRestore: (n: number) => void;
  /** Shows "Compare with current" on the other versions when given. */
  onCompare?: (n: number) => void;
}

const SOURCE: Record<Version["source"], { label: string; icon: typeof Sparkles }> = {
  model: { label: "Generated", icon: Sparkles },
  edit: { label: "Your edit", icon: PencilLine },
  restore: { label: "Restored", icon: RotateCcw },
  example: { label: "Example", icon: BookOpen },
};

/** Re-render every 30 s so "2 minutes ago" does not go stale while the list stays open. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(id);
  }, []);
  return now;
}

export function VersionsList({ versions, currentVersion, onRestore, onCompare }: VersionsListProps) {
  const now = useNow();
  const newestFirst = useMemo(() => [...versions].sort((a, b) => b.n - a.n), [versions]);

  if (newestFirst.length === 0) {
    return (
      <div className="flex flex-1 items-center justify-center p-6">
        <div data-testid="versions-empty" className="flex max-w-sm flex-col items-center gap-3 text-center">
          <span className="flex size-10 items-center justify-center rounded-xl bg-muted text-muted-foreground">
            <History aria-hidden className="size-5" />
          </span>
          <p className="text-sm font-medium">No versions yet</p>
          <p className="text-xs leading-relaxed text-muted-foreground">
            Every change the model makes, and every edit you save, becomes a version here. You can go back to any of them.
          </p>
        </div>
      </div>
    );
  }

  return (
    <ol data-testid="versions-list" aria-label="Versions, newest first" className="min-h-0 flex-1 space-y-2 overflow-auto p-3">
      {newestFirst.map((version) => {
        const current = version.n === currentVersion;
        const source = SOURCE[version.source];
        const Icon = source.icon;
        const files = version.files.length;
        return (
          <li
            key={version.n}
            data-testid="version-item"
            data-version={version.n}
            data-current={current ? "true" : undefined}
            aria-current={current ? "true" : undefined}
            className={cn("flex items-start gap-3 rounded-lg border bg-card p-3", current && "border-primary/40 bg-primary/5")}
          >
            <span className="mt-0.5 flex h-6 min-w-9 items-center justify-center rounded-md bg-muted px-1.5 font-mono text-xs font-semibold tabular-nums">
              v{version.n}
            </span>
            <div className="min-w-0 flex-1 space-y-1">
              <div className="flex min-w-0 items-center gap-2">
                <p className="truncate text-sm font-medium" title={version.title}>
                  {version.title || "Untitled"}
                </p>
                {current && (
                  <Badge variant="default" className="px-1.5 py-0 text-[10px]">
                    Current
                  </Badge>
                )}
              </div>
              <p className="flex flex-wrap items-center gap-x-2 gap-y-0.5 text-xs text-muted-foreground">
                <span className="inline-flex items-center gap-1">
                  <Icon aria-hidden className="size-3" />
                  {version.source === "restore" && version.restoredFrom ? `Restored from v${version.restoredFrom}` : source.label}
                </span>
                <span aria-hidden>·</span>
                <time dateTime={version.createdAt} title={new Date(version.createdAt).toLocaleString()}>
                  {relativeTime(version.createdAt, now)}
                </time>
                <span aria-hidden>·</span>
                <span>
                  {files} {files === 1 ? "file" : "files"}
                </span>
              </p>
            </div>
            {!current && (
              <div className="flex shrink-0 flex-col gap-1 sm:flex-row">
                {onCompare && currentVersion > 0 && (
                  <Button
                    variant="ghost"
                    size="sm"
                    data-testid="version-compare"
                    className="h-7 px-2"
                    title={`Compare v${version.n} with the current version`}
                    onClick={() => onCompare(version.n)}
                  >
                    <GitCompareArrows aria-hidden className="size-3.5" />
                    <span className="sr-only sm:not-sr-only">Compare</span>
                    <span className="sr-only"> v{version.n} with current</span>
                  </Button>
                )}
                <Button
                  variant="outline"
                  size="sm"
                  data-testid="version-restore"
                  className="h-7 px-2"
                  title={`Make v${version.n} the current version again (as a new version)`}
                  onClick={() => onRestore(version.n)}
                >
                  <RotateCcw aria-hidden className="size-3.5" />
                  Restore<span className="sr-only"> v{version.n}</span>
                </Button>
              </div>
            )}
          </li>
        );
      })}
    </ol>
  );
}
