import "server-only";
import { orm } from "../db/client";
import { loadPreview, markSandboxEnded, recordSandbox, savePreview, setLastRun, shareIdsOfProject } from "../db/queries";
import type { RunResult } from "../fragment/protocol";
import { log } from "../log";
import { previewStore, type PublishedPreview } from "../preview";
import type { SandboxProvider } from "../sandbox";
import type { LastRun } from "./schema";
import { shareSandboxOwner, shareSandboxProject } from "./shares";

/**
 * Where a project's runs meet the database: the sandbox each run used is recorded with its owner,
 * a static preview is kept so it opens again after a restart, and the result is remembered so
 * reopening the project shows it without running again.
 */

/** How long a kept static preview stays reachable after its run. */
export const KEPT_PREVIEW_MS = 7 * 24 * 60 * 60_000;
/** Results larger than this are not remembered (reopening runs the project instead). */
const MAX_REMEMBERED_BYTES = 4 * 1024 * 1024;

const TOKEN_IN_URL = /\/preview\/([A-Za-z0-9_-]{43})\/$/;

/** Record the sandbox a run used, with its owner (every route that names it checks this). */
export async function recordRunSandbox(userId: string, projectId: string, run: { result: RunResult; provider: SandboxProvider; template: string; expiresAt: Date }): Promise<void> {
  await recordSandbox(await orm(), userId, { id: run.result.sandboxId, provider: run.provider.name, projectId, template: run.template, expiresAt: run.expiresAt });
}

/** Keep what a run of a saved version showed: its static preview's files, or a script's output. */
export async function keepRunResult(userId: string, projectId: string, run: { version?: number; result: RunResult }): Promise<void> {
  const { result } = run;
  if (!run.version) return;
  const token = result.kind === "preview" ? result.url.match(TOKEN_IN_URL)?.[1] : undefined;
  const published = token ? previewStore().lookup(token) : undefined;
  // A server-style preview is a live process: it does not outlive its sandbox, so it is not kept.
  const keep = result.kind === "execution" || (published !== undefined && published.socketPath === undefined);
  if (!keep) return;
  const lastRun: LastRun = { version: run.version, at: new Date().toISOString(), result };
  if (JSON.stringify(lastRun).length > MAX_REMEMBERED_BYTES) return;
  const db = await orm();
  if (published && token) {
    await savePreview(db, userId, {
      token,
      projectId,
      sandboxId: result.sandboxId,
      version: run.version,
      files: new Map([...published.files].map(([name, file]) => [name, file.body])),
      expiresAt: new Date(Date.now() + KEPT_PREVIEW_MS),
    });
  }
  await setLastRun(db, userId, projectId, lastRun);
}

/** A preview by token: the one in memory, or a kept one brought back from the database. */
export async function findPreview(token: string): Promise<PublishedPreview | undefined> {
  const store = previewStore();
  const live = store.lookup(token);
  if (live) return live;
  try {
    const stored = await loadPreview(await orm(), token);
    return stored ? store.restore(token, stored) : undefined;
  } catch (err) {
    log().warn({ err }, "could not read a kept preview");
    return undefined;
  }
}

/** Stop what a share link's viewers run (it was revoked, or its project deleted). */
export async function stopShareSandboxes(provider: SandboxProvider, userId: string, shareIds: readonly string[]): Promise<void> {
  const owner = shareSandboxOwner(userId);
  const projects = new Set(shareIds.map(shareSandboxProject));
  for (const p of projects) previewStore().revokeProject(owner, p);
  const running = (await provider.list(owner)).filter((s) => projects.has(s.projectId));
  await Promise.all(running.map((s) => provider.kill(s.id, owner).catch((err) => log().warn({ err, sandboxId: s.id }, "could not stop a share's sandbox"))));
}

/** Stop every sandbox of a project (it was deleted): nothing of it keeps running or serving. */
export async function stopProjectSandboxes(provider: SandboxProvider, userId: string, projectId: string): Promise<void> {
  const db = await orm();
  previewStore().revokeProject(userId, projectId);
  await stopShareSandboxes(provider, userId, await shareIdsOfProject(db, userId, projectId));
  const running = (await provider.list(userId)).filter((s) => s.projectId === projectId);
  await Promise.all(
    running.map(async (s) => {
      previewStore().revokeSandbox(s.id);
      await provider.kill(s.id, userId).catch((err) => log().warn({ err, sandboxId: s.id }, "could not stop a deleted project's sandbox"));
      await markSandboxEnded(db, userId, s.id);
    }),
  );
}
