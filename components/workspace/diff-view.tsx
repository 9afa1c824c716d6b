"use client";

import { useMemo, useState } from "react";
import { FileMinus, FilePen, FilePlus, GitCompareArrows } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { FragmentFile } from "@/lib/fragment/schema";
import { cn } from "@/lib/utils";
import { describeSummary, diffFileSets, diffRows, summarizeDiff, type DiffRow, type FileChange, type FileDiff } from "./diff-model";

export interface DiffViewProps {
  before: readonly FragmentFile[];
  after: readonly FragmentFile[];
  fromVersion?: number;
  toVersion?: number;
}

const CHANGE_STYLE: Record<FileChange, { label: string; icon: typeof FilePlus; badge: string }> = {
  added: { label: "Added", icon: FilePlus, badge: "border-emerald-600/30 bg-emerald-500/10 text-emerald-700 dark:text-emerald-300" },
  changed: { label: "Changed", icon: FilePen, badge: "border-amber-600/30 bg-amber-500/10 text-amber-700 dark:text-amber-300" },
  deleted: { label: "Deleted", icon: FileMinus, badge: "border-destructive/30 bg-destructive/10 text-destructive" },
};

export function DiffView({ before, after, fromVersion, toVersion }: DiffViewProps) {
  const files = useMemo(() => diffFileSets(before, after), [before, after]);
  const summary = summarizeDiff(files);
  const range = fromVersion !== undefined && toVersion !== undefined ? `v${fromVersion} → v${toVersion}` : null;

  if (files.length === 0) {
    return (
      <div className="flex flex-1 items-center justify-center p-6">
        <div data-testid="diff-empty" className="flex max-w-sm flex-col items-center gap-3 text-center">
          <span className="flex size-10 items-center justify-center rounded-xl bg-muted text-muted-foreground">
            <GitCompareArrows aria-hidden className="size-5" />
          </span>
          <p className="text-sm font-medium">No changes</p>
          <p className="text-xs leading-relaxed text-muted-foreground">
            {range ? `The files of ${range.replace(" → ", " and ")} are identical.` : "Both sides have the same files with the same content."}
          </p>
        </div>
      </div>
    );
  }

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div data-testid="diff-summary" className="flex h-10 shrink-0 items-center gap-2 border-b bg-surface px-3 text-xs">
        <GitCompareArrows aria-hidden className="size-3.5 text-muted-foreground" />
        {range && <span className="font-medium">{range}</span>}
        <span className="text-muted-foreground">
          {files.length} {files.length === 1 ? "file" : "files"}: {describeSummary(summary)}
        </span>
      </div>
      <div className="min-h-0 flex-1 space-y-3 overflow-auto p-3">
        {files.map((file) => (
          <FileSection key={file.path} file={file} />
        ))}
      </div>
    </div>
  );
}

function FileSection({ file }: { file: FileDiff }) {
  const [full, setFull] = useState(false);
  const result = useMemo(() => diffRows(file.before, file.after, full ? Infinity : 3), [file.before, file.after, full]);
  const style = CHANGE_STYLE[file.change];
  const Icon = style.icon;
  const hasGaps = result.rows.some((r) => r.kind === "gap");

  return (
    <details open data-testid="diff-file" data-path={file.path} data-change={file.change} className="group overflow-hidden rounded-lg border bg-card">
      <summary className="flex cursor-pointer list-none items-center gap-2 bg-surface px-3 py-2 text-xs outline-none select-none group-open:border-b focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset [&::-webkit-details-marker]:hidden">
        <Icon aria-hidden className="size-3.5 shrink-0 text-muted-foreground" />
        <span className="min-w-0 truncate font-mono font-medium">{file.path}</span>
        <Badge className={cn("px-1.5 py-0 text-[10px]", style.badge)}>{style.label}</Badge>
        <span className="ml-auto shrink-0 font-mono tabular-nums">
          <span className="text-emerald-700 dark:text-emerald-400">+{result.additions}</span>{" "}
          <span className="text-red-700 dark:text-red-400">−{result.deletions}</span>
        </span>
      </summary>
      {result.tooLarge ? (
        <p className="px-3 py-4 text-xs text-muted-foreground">This file is too large to compare line by line.</p>
      ) : (
        <>
          <DiffLines rows={result.rows} />
          {(hasGaps || full) && file.change === "changed" && (
            <button
              type="button"
              onClick={() => setFull(!full)}
              className="w-full border-t px-3 py-1.5 text-left text-xs text-muted-foreground outline-none hover:bg-accent hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset"
            >
              {full ? "Show changes only" : "Show the whole file"}
            </button>
          )}
        </>
      )}
    </details>
  );
}

const ROW_CLASS: Record<Exclude<DiffRow["kind"], "gap">, string> = {
  add: "bg-emerald-500/10 text-emerald-900 dark:bg-emerald-400/10 dark:text-emerald-100",
  del: "bg-red-500/10 text-red-900 dark:bg-red-400/10 dark:text-red-100",
  same: "text-foreground/80",
};
const SIGN = { add: "+", del: "−", same: " " } as const;

function DiffLines({ rows }: { rows: readonly DiffRow[] }) {
  return (
    <div className="overflow-x-auto font-mono text-xs leading-5">
      <table className="w-full border-collapse">
        <tbody>
          {rows.map((row, i) =>
            row.kind === "gap" ? (
              <tr key={i} className="bg-muted/60 text-muted-foreground">
                <td colSpan={4} className="px-3 py-0.5 text-[11px] select-none">
                  ⋯ {row.lines} unchanged {row.lines === 1 ? "line" : "lines"}
                </td>
              </tr>
            ) : (
              <tr key={i} data-kind={row.kind} className={ROW_CLASS[row.kind]}>
                <td className="w-10 border-r px-2 text-right text-muted-foreground tabular-nums select-none">{row.kind !== "add" ? row.oldLine : ""}</td>
                <td className="w-10 border-r px-2 text-right text-muted-foreground tabular-nums select-none">{row.kind !== "del" ? row.newLine : ""}</td>
                <td aria-hidden className="w-5 pl-2 select-none">
                  {SIGN[row.kind]}
                </td>
                <td className="pr-3 whitespace-pre">
                  {row.kind !== "same" && <span className="sr-only">{row.kind === "add" ? "Added: " : "Removed: "}</span>}
                  {row.text || " "}
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
