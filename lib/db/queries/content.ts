import "server-only";
import { createHash } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { AppError } from "../../errors";
import { PROJECT_LIMITS, type ProjectDocument, type SavedMessage, type SavedVersion } from "../../projects/schema";
import type { Orm } from "../open";
import { blobs, messages, versionFiles, versions } from "../schema";
import { lockProject, requireProject, touchProject } from "./projects";

/**
 * A project's messages and versions. Writes take the project's row lock first (which also proves
 * the project is this user's and live), so a save is all-or-nothing and two saves into the same
 * project queue instead of interleaving.
 */

/** Rows per INSERT: large versions are written in several statements inside one transaction. */
const CHUNK = 25;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const ofProject = (table: { ownerId: AnyPgColumn; projectId: AnyPgColumn }, userId: string, projectId: string) =>
  and(eq(table.ownerId, userId), eq(table.projectId, projectId));

// ---- messages ---------------------------------------------------------------------------------

/** Save a message; saving the same id again is a no-op (a retried save must not fail or duplicate). */
export async function addMessage(db: Orm, userId: string, projectId: string, message: SavedMessage): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Orm;
    await lockProject(t, userId, projectId);
    const [{ count }] = (await t.select({ count: sql<number>`count(*)::int` }).from(messages).where(ofProject(messages, userId, projectId))) as [{ count: number }];
    const { id, role, content, createdAt, ...meta } = message;
    const inserted = await t
      .insert(messages)
      .values({ ownerId: userId, projectId, id, role, content, meta, createdAt: new Date(createdAt) })
      .onConflictDoNothing()
      .returning({ id: messages.id });
    if (inserted.length > 0 && Number(count) >= PROJECT_LIMITS.maxMessagesPerProject) {
      throw new AppError("rate_limit:quota", `This project has ${PROJECT_LIMITS.maxMessagesPerProject} messages, the most one project may keep. Start a new project to go on.`);
    }
    if (inserted.length > 0) await touchProject(t, userId, projectId);
    return { created: inserted.length > 0 };
  });
}

/** Remove a message (a failed answer being retried). Unknown ids are not found. */
export async function removeMessage(db: Orm, userId: string, projectId: string, messageId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const t = tx as unknown as Orm;
    await lockProject(t, userId, projectId);
    const rows = await t
      .delete(messages)
      .where(and(ofProject(messages, userId, projectId), eq(messages.id, messageId)))
      .returning({ id: messages.id });
    if (rows.length === 0) throw new AppError("not_found", "No message with this id.");
    await touchProject(t, userId, projectId);
  });
}

export async function listMessages(db: Orm, userId: string, projectId: string): Promise<SavedMessage[]> {
  const rows = await db.select().from(messages).where(ofProject(messages, userId, projectId)).orderBy(asc(messages.seq));
  return rows.map((r) => ({ ...(r.meta as object), id: r.id, role: r.role as SavedMessage["role"], content: r.content, createdAt: r.createdAt.toISOString() }));
}

// ---- versions ---------------------------------------------------------------------------------

const versionSignature = (files: readonly { path: string; content: string }[]) => sha256(files.map((f) => `${f.path}\u0000${sha256(f.content)}`).join("\n"));

/**
 * Save a version with all its files in one transaction: after a crash the database holds the whole
 * version or none of it. The same version saved again (a retry) is accepted; a different one under
 * the same number is a conflict.
 */
export async function addVersion(db: Orm, userId: string, projectId: string, version: SavedVersion): Promise<{ created: boolean }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Orm;
    await lockProject(t, userId, projectId);
    const existing = await readVersions(t, userId, projectId, version.n);
    if (existing.length > 0) {
      if (versionSignature(existing[0]!.files) === versionSignature(version.files)) return { created: false };
      throw new AppError("conflict", `Version ${version.n} already exists with other files. Reload the project to get its latest state.`);
    }
    const [{ count }] = (await t.select({ count: sql<number>`count(*)::int` }).from(versions).where(ofProject(versions, userId, projectId))) as [{ count: number }];
    if (Number(count) >= PROJECT_LIMITS.maxVersionsPerProject) {
      throw new AppError("rate_limit:quota", `This project has ${PROJECT_LIMITS.maxVersionsPerProject} versions, the most one project may keep. Start a new project to go on.`);
    }
    const bytes = version.files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
    await t.insert(versions).values({
      ownerId: userId,
      projectId,
      n: version.n,
      createdAt: new Date(version.createdAt),
      source: version.source,
      title: version.title,
      template: version.template,
      entry: version.entry,
      port: version.port,
      dependencies: version.dependencies,
      restoredFrom: version.restoredFrom ?? null,
      parent: version.parent ?? null,
      fileCount: version.files.length,
      bytes,
    });
    const hashed = version.files.map((f, position) => ({ ...f, position, sha256: sha256(f.content) }));
    const unique = [...new Map(hashed.map((f) => [f.sha256, f])).values()];
    for (const part of chunks(unique)) {
      await t
        .insert(blobs)
        .values(part.map((f) => ({ ownerId: userId, projectId, sha256: f.sha256, content: f.content, bytes: Buffer.byteLength(f.content) })))
        .onConflictDoNothing();
    }
    for (const part of chunks(hashed)) {
      await t.insert(versionFiles).values(part.map((f) => ({ ownerId: userId, projectId, n: version.n, path: f.path, position: f.position, sha256: f.sha256 })));
    }
    await touchProject(t, userId, projectId);
    return { created: true };
  });
}

/** Versions with their files, oldest first (all of them, or the one numbered `n`). */
export async function readVersions(db: Orm, userId: string, projectId: string, n?: number): Promise<SavedVersion[]> {
  const scope = n === undefined ? ofProject(versions, userId, projectId) : and(ofProject(versions, userId, projectId), eq(versions.n, n));
  const rows = await db.select().from(versions).where(scope).orderBy(asc(versions.n));
  if (rows.length === 0) return [];
  const fileScope = n === undefined ? ofProject(versionFiles, userId, projectId) : and(ofProject(versionFiles, userId, projectId), eq(versionFiles.n, n));
  const files = await db
    .select({ n: versionFiles.n, path: versionFiles.path, content: blobs.content })
    .from(versionFiles)
    .innerJoin(blobs, and(eq(blobs.ownerId, versionFiles.ownerId), eq(blobs.projectId, versionFiles.projectId), eq(blobs.sha256, versionFiles.sha256)))
    .where(fileScope)
    .orderBy(asc(versionFiles.n), asc(versionFiles.position));
  const byVersion = new Map<number, { path: string; content: string }[]>();
  for (const f of files) {
    const list = byVersion.get(f.n) ?? [];
    list.push({ path: f.path, content: f.content });
    byVersion.set(f.n, list);
  }
  return rows.map((r) => ({ ...versionFields(r), files: byVersion.get(r.n) ?? [] }));
}

/** The whole project as the browser opens it: messages, versions, and each file content once. */
export async function readProjectDocument(db: Orm, userId: string, projectId: string): Promise<ProjectDocument> {
  const project = await requireProject(db, userId, projectId);
  // Sequential on purpose: each statement sees at least what the one before it saw, so every
  // version read has all its files, and every file its content (each version commits as a whole).
  const messageList = await listMessages(db, userId, projectId);
  const versionRows = await db.select().from(versions).where(ofProject(versions, userId, projectId)).orderBy(asc(versions.n));
  const fileRows = await db
    .select({ n: versionFiles.n, path: versionFiles.path, sha256: versionFiles.sha256 })
    .from(versionFiles)
    .where(ofProject(versionFiles, userId, projectId))
    .orderBy(asc(versionFiles.n), asc(versionFiles.position));
  const blobRows = await db.select({ sha256: blobs.sha256, content: blobs.content }).from(blobs).where(ofProject(blobs, userId, projectId));
  const filesOf = new Map<number, { path: string; blob: string }[]>();
  for (const f of fileRows) {
    const list = filesOf.get(f.n) ?? [];
    list.push({ path: f.path, blob: f.sha256 });
    filesOf.set(f.n, list);
  }
  return {
    id: project.id,
    title: project.title,
    createdAt: project.createdAt.toISOString(),
    updatedAt: project.updatedAt.toISOString(),
    currentVersion: project.currentVersion,
    ...(project.lastRun ? { lastRun: project.lastRun } : {}),
    messages: messageList,
    versions: versionRows.map((r) => ({ ...versionFields(r), files: filesOf.get(r.n) ?? [] })),
    blobs: Object.fromEntries(blobRows.map((b) => [b.sha256, b.content])),
  };
}

function versionFields(r: typeof versions.$inferSelect): Omit<SavedVersion, "files"> {
  return {
    n: r.n,
    createdAt: r.createdAt.toISOString(),
    source: r.source as SavedVersion["source"],
    title: r.title,
    template: r.template,
    dependencies: r.dependencies as SavedVersion["dependencies"],
    entry: r.entry,
    port: r.port,
    ...(r.restoredFrom !== null ? { restoredFrom: r.restoredFrom } : {}),
    ...(r.parent !== null ? { parent: r.parent } : {}),
  };
}
