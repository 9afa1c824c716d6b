import { structuredPatch } from "diff";
import type { FragmentFile } from "@/lib/fragment/schema";

/** What changed between two file sets, file by file, in the shape the Changes view draws. */

export type FileChange = "added" | "changed" | "deleted";

export interface FileDiff {
  path: string;
  change: FileChange;
  before: string;
  after: string;
}

export interface DiffSummary {
  added: number;
  changed: number;
  deleted: number;
}

export type DiffRow =
  | { kind: "add"; newLine: number; text: string }
  | { kind: "del"; oldLine: number; text: string }
  | { kind: "same"; oldLine: number; newLine: number; text: string }
  /** Unchanged lines left out between (or around) hunks. */
  | { kind: "gap"; lines: number };

export interface RowsResult {
  rows: DiffRow[];
  additions: number;
  deletions: number;
  /** The diff gave up (too large or too slow); the caller says so instead of drawing rows. */
  tooLarge: boolean;
}

/** Files whose content differs, sorted by path; unchanged files are left out. */
export function diffFileSets(before: readonly FragmentFile[], after: readonly FragmentFile[]): FileDiff[] {
  const old = new Map(before.map((f) => [f.path, f.content]));
  const next = new Map(after.map((f) => [f.path, f.content]));
  const out: FileDiff[] = [];
  for (const [path, content] of next) {
    const previous = old.get(path);
    if (previous === undefined) out.push({ path, change: "added", before: "", after: content });
    else if (previous !== content) out.push({ path, change: "changed", before: previous, after: content });
  }
  for (const [path, content] of old) if (!next.has(path)) out.push({ path, change: "deleted", before: content, after: "" });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function summarizeDiff(files: readonly FileDiff[]): DiffSummary {
  const summary: DiffSummary = { added: 0, changed: 0, deleted: 0 };
  for (const f of files) summary[f.change]++;
  return summary;
}

/** "2 added, 1 changed" — only the non-zero parts; "No changes" when all are zero. */
export function describeSummary(summary: DiffSummary): string {
  const parts = (["added", "changed", "deleted"] as const).filter((k) => summary[k] > 0).map((k) => `${summary[k]} ${k}`);
  return parts.length > 0 ? parts.join(", ") : "No changes";
}

const countLines = (text: string) => (text === "" ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0));

/** Bounded so one huge generated file cannot freeze the page. */
const DIFF_TIMEOUT_MS = 1500;
const MAX_DIFF_CHARS = 600_000;

/**
 * A unified line diff as rows, with `context` unchanged lines around each change and a "gap" row
 * for every run of unchanged lines left out. Pass Infinity for the whole file.
 */
export function diffRows(before: string, after: string, context = 3): RowsResult {
  if (before.length + after.length > MAX_DIFF_CHARS) return { rows: [], additions: 0, deletions: 0, tooLarge: true };
  const patch = structuredPatch("a", "b", before, after, undefined, undefined, { context, timeout: DIFF_TIMEOUT_MS });
  if (!patch) return { rows: [], additions: 0, deletions: 0, tooLarge: true };

  const rows: DiffRow[] = [];
  let additions = 0;
  let deletions = 0;
  let oldCursor = 1; // the next old-file line not yet shown
  for (const hunk of patch.hunks) {
    // jsdiff numbers a side with no lines by the line that follows (1 for an empty file), not
    // GNU diff's "-0,0", so the starts are usable as they are.
    if (hunk.oldStart > oldCursor) rows.push({ kind: "gap", lines: hunk.oldStart - oldCursor });
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const line of hunk.lines) {
      const text = line.slice(1);
      if (line[0] === "+") {
        rows.push({ kind: "add", newLine: newLine++, text });
        additions++;
      } else if (line[0] === "-") {
        rows.push({ kind: "del", oldLine: oldLine++, text });
        deletions++;
      } else if (line[0] === " ") {
        rows.push({ kind: "same", oldLine: oldLine++, newLine: newLine++, text });
      }
      // "\ No newline at end of file" markers are left out: they are noise to a reader here.
    }
    oldCursor = oldLine;
  }
  const oldTotal = countLines(before);
  if (patch.hunks.length > 0 && oldTotal >= oldCursor) rows.push({ kind: "gap", lines: oldTotal - oldCursor + 1 });
  return { rows, additions, deletions, tooLarge: false };
}
