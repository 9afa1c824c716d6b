import type { FragmentFile } from "@/lib/fragment/schema";
import type { BuilderMessage, Version } from "../types";
import { partialTemplate, streamingView } from "./generation";
import { currentVersionOf, versionChanges, versionOf } from "./project";
import type { BuilderState } from "./reducer";

/** Derived views of BuilderState for the components; pure, so they are cheap to memoize. */

export interface CodeViewData {
  files: FragmentFile[];
  dirtyPaths: string[];
  changedPaths: string[];
  streamingPath?: string;
}

export function selectCodeView(state: Pick<BuilderState, "project" | "turn" | "generation" | "edits">): CodeViewData {
  const current = currentVersionOf(state.project);
  if (state.turn) {
    const partial = state.generation.partial;
    const template = partialTemplate(partial);
    const base = state.turn.baseVersion ? versionOf(state.project, state.turn.baseVersion) : undefined;
    // A fragment for another template replaces the project, so the old files are not its base.
    const baseFiles = base && (template === undefined || template === base.template) ? base.files : [];
    const view = streamingView(baseFiles, partial);
    return { files: view.files, dirtyPaths: [], changedPaths: view.touched, streamingPath: view.streamingPath };
  }
  if (!current) return { files: [], dirtyPaths: [], changedPaths: [] };
  const files = current.files.map((f) => (f.path in state.edits ? { path: f.path, content: state.edits[f.path]! } : f));
  return { files, dirtyPaths: Object.keys(state.edits), changedPaths: versionChanges(state.project, current) };
}

export interface DiffData {
  before: FragmentFile[];
  after: FragmentFile[];
  fromVersion: number;
  toVersion: number;
}

/** The current version against the chosen one, or against the version it was made from. */
export function selectDiff(state: Pick<BuilderState, "project" | "compareFrom">): DiffData | null {
  const current = currentVersionOf(state.project);
  if (!current) return null;
  const fromN = state.compareFrom ?? current.parent ?? (current.n > 1 ? current.n - 1 : undefined);
  const from = fromN === undefined || fromN === current.n ? undefined : versionOf(state.project, fromN);
  if (!from) return null;
  return { before: from.files, after: current.files, fromVersion: from.n, toVersion: current.n };
}

/** The version that produced an assistant message, with how many files it changed, for the chip. */
export function versionSummary(state: Pick<BuilderState, "project">, n: number | undefined): { version: Version; changed: number } | null {
  if (n === undefined) return null;
  const version = versionOf(state.project, n);
  return version ? { version, changed: versionChanges(state.project, version).length } : null;
}

/** The last message when it is a failed assistant turn, which is the only one that can be retried. */
export function retryableMessage(state: Pick<BuilderState, "project" | "turn">): BuilderMessage | undefined {
  const last = state.project.messages.at(-1);
  return last?.role === "assistant" && last.error && !state.turn ? last : undefined;
}
