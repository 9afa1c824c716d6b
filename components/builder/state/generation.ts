import type { FragmentFile } from "@/lib/fragment/schema";
import type { PartialFragment } from "@/lib/fragment/protocol";

/**
 * What the code view shows while a fragment streams: the files of the version being changed with
 * the arrived files laid over them, and the file being written now.
 */
export interface StreamingView {
  files: FragmentFile[];
  /** The file the model is writing at this moment. */
  streamingPath?: string;
  /** Files the model has (so far) added or rewritten in this turn. */
  touched: string[];
}

const isString = (v: unknown): v is string => typeof v === "string";

/**
 * A file is shown once its `content` key has started: models write `path` before `content`, so by
 * then the path is complete. Showing earlier would flash "src/Ap", "src/App", "src/App.tsx" as
 * three different files.
 */
export function streamingView(base: readonly FragmentFile[], partial: PartialFragment | undefined): StreamingView {
  const arrived: FragmentFile[] = [];
  for (const file of partial?.files ?? []) {
    if (!file || !isString(file.path) || file.path === "" || !isString(file.content)) continue;
    arrived.push({ path: file.path, content: file.content });
  }
  const incoming = new Map(arrived.map((f) => [f.path, f]));
  const files = base.map((f) => incoming.get(f.path) ?? f);
  const known = new Set(base.map((f) => f.path));
  for (const f of incoming.values()) if (!known.has(f.path)) files.push(f);
  return { files, streamingPath: arrived.at(-1)?.path, touched: [...incoming.keys()] };
}

/** The template a streaming fragment has named so far, if any. */
export function partialTemplate(partial: PartialFragment | undefined): string | undefined {
  return isString(partial?.template) && partial.template !== "" ? partial.template : undefined;
}

/** What the chat shows of a turn in flight: its commentary so far and the file being written. */
export function streamingSummary(partial: PartialFragment | undefined): { commentary?: string; path?: string; files: number } {
  const written = (partial?.files ?? []).filter((f) => f && isString(f.path) && f.path !== "" && isString(f.content));
  const commentary = isString(partial?.commentary) && partial.commentary.trim() ? partial.commentary : undefined;
  return { commentary, path: written.at(-1)?.path ?? undefined, files: written.length };
}
