import { applyFragment, type Fragment, type FragmentFile, type ModelFragment } from "@/lib/fragment/schema";
import type { BuilderMessage, Project, Version } from "../types";

/**
 * Pure transitions of a Project. Every function returns a new object (or the same one when nothing
 * changed) and takes time and ids as arguments, so the reducer and its tests stay deterministic.
 */

export const UNTITLED_PROJECT = "Untitled project";

export function emptyProject(id: string, now: string): Project {
  return { id, title: UNTITLED_PROJECT, createdAt: now, updatedAt: now, messages: [], versions: [], currentVersion: 0 };
}

export function hasContent(project: Project): boolean {
  return project.messages.length > 0 || project.versions.length > 0;
}

export function versionOf(project: Project, n: number): Version | undefined {
  return project.versions.find((v) => v.n === n);
}

export function currentVersionOf(project: Project): Version | undefined {
  return versionOf(project, project.currentVersion);
}

export function appendMessage(project: Project, message: BuilderMessage, now: string): Project {
  return { ...project, messages: [...project.messages, message], updatedAt: now };
}

export function removeMessage(project: Project, id: string, now: string): Project {
  const messages = project.messages.filter((m) => m.id !== id);
  return messages.length === project.messages.length ? project : { ...project, messages, updatedAt: now };
}

export type VersionInput = Omit<Version, "n" | "createdAt">;

/** Adds a version after the last one and makes it current. */
export function addVersion(project: Project, input: VersionInput, now: string): Project {
  const n = project.versions.reduce((max, v) => Math.max(max, v.n), 0) + 1;
  const version: Version = { ...input, n, createdAt: now };
  return { ...project, versions: [...project.versions, version], currentVersion: n, updatedAt: now };
}

/** The newest version's number (what `addVersion` just created). */
export function latestVersionNumber(project: Project): number {
  return project.versions.reduce((max, v) => Math.max(max, v.n), 0);
}

/**
 * A model's change set applied to the version it was asked to change. A fragment for another
 * template starts over from its own files: the old template's files would not build under it.
 */
export function versionFromFragment(base: Version | undefined, fragment: Fragment): VersionInput {
  const sameTemplate = base !== undefined && base.template === fragment.template;
  const files = sameTemplate ? applyFragment(base.files, fragment) : applyFragment([], fragment);
  return {
    source: "model",
    title: fragment.title,
    template: fragment.template,
    files,
    dependencies: fragment.dependencies,
    entry: fragment.entry,
    port: fragment.port,
    ...(base ? { parent: base.n } : {}),
  };
}

export type ExampleFragment = Pick<ModelFragment, "title" | "template" | "files" | "dependencies" | "entry" | "port">;

/** An example's fragment holds the whole project, so nothing is merged. */
export function versionFromExample(fragment: ExampleFragment, parent?: number): VersionInput {
  return {
    source: "example",
    title: fragment.title,
    template: fragment.template,
    files: fragment.files.map((f) => ({ path: f.path, content: f.content })),
    dependencies: { npm: [...fragment.dependencies.npm], pip: [...fragment.dependencies.pip] },
    entry: fragment.entry,
    port: fragment.port,
    ...(parent ? { parent } : {}),
  };
}

export function versionFromEdits(base: Version, edits: Readonly<Record<string, string>>): VersionInput {
  return {
    source: "edit",
    title: base.title,
    template: base.template,
    files: base.files.map((f) => (f.path in edits ? { path: f.path, content: edits[f.path]! } : f)),
    dependencies: base.dependencies,
    entry: base.entry,
    port: base.port,
    parent: base.n,
  };
}

export function versionFromRestore(restored: Version, parent: number): VersionInput {
  return {
    source: "restore",
    title: restored.title,
    template: restored.template,
    files: restored.files.map((f) => ({ ...f })),
    dependencies: restored.dependencies,
    entry: restored.entry,
    port: restored.port,
    restoredFrom: restored.n,
    parent,
  };
}

/** Paths added, changed or removed between two file sets, in `after`'s order then removals. */
export function changedPaths(before: readonly FragmentFile[], after: readonly FragmentFile[]): string[] {
  const old = new Map(before.map((f) => [f.path, f.content]));
  const now = new Set(after.map((f) => f.path));
  const changed = after.filter((f) => old.get(f.path) !== f.content).map((f) => f.path);
  const removed = before.filter((f) => !now.has(f.path)).map((f) => f.path);
  return [...changed, ...removed];
}

/** What a version changed relative to the one it was made from (everything, for a first version). */
export function versionChanges(project: Project, version: Version): string[] {
  const parent = version.parent === undefined ? undefined : versionOf(project, version.parent);
  return changedPaths(parent?.files ?? [], version.files);
}
