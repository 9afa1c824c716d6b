import "server-only";
import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { unzipSync, zipSync } from "fflate";
import type { Orm } from "../open";
import { previews, projects } from "../schema";
import { hashToken } from "./tokens";

/**
 * Static previews kept across restarts: the project's newest one only (a new run replaces it).
 * Looked up by the hash of the capability token, which is the only credential a preview has, so
 * this lookup is deliberately not scoped to a user; saving and deleting are.
 */

export interface StoredPreview {
  ownerId: string;
  projectId: string;
  sandboxId: string;
  version: number;
  files: Map<string, Uint8Array>;
  bytes: number;
  expiresAt: Date;
}

export async function savePreview(
  db: Orm,
  userId: string,
  preview: { token: string; projectId: string; sandboxId: string; version: number; files: Map<string, Uint8Array>; expiresAt: Date },
): Promise<void> {
  const archive = zipSync(Object.fromEntries(preview.files), { level: 6 });
  const tokenHash = hashToken(preview.token);
  await db.transaction(async (tx) => {
    await tx.delete(previews).where(and(eq(previews.ownerId, userId), eq(previews.projectId, preview.projectId), ne(previews.tokenHash, tokenHash)));
    await tx
      .insert(previews)
      .values({
        tokenHash,
        ownerId: userId,
        projectId: preview.projectId,
        sandboxId: preview.sandboxId,
        version: preview.version,
        archive,
        bytes: [...preview.files.values()].reduce((n, f) => n + f.byteLength, 0),
        expiresAt: preview.expiresAt,
      })
      .onConflictDoNothing();
  });
}

/** The live preview behind a token, or null (unknown, expired, or its project deleted). */
export async function loadPreview(db: Orm, token: string): Promise<StoredPreview | null> {
  const [found] = await db
    .select({ row: previews })
    .from(previews)
    // A deleted project's preview closes at once, not when the purge comes.
    .innerJoin(projects, and(eq(projects.ownerId, previews.ownerId), eq(projects.id, previews.projectId), isNull(projects.deletedAt)))
    .where(and(eq(previews.tokenHash, hashToken(token)), gt(previews.expiresAt, new Date())));
  if (!found) return null;
  const row = found.row;
  const files = new Map(Object.entries(unzipSync(new Uint8Array(row.archive))));
  return { ownerId: row.ownerId, projectId: row.projectId, sandboxId: row.sandboxId, version: row.version, files, bytes: row.bytes, expiresAt: row.expiresAt };
}

export async function deleteProjectPreviews(db: Orm, userId: string, projectId: string): Promise<void> {
  await db.delete(previews).where(and(eq(previews.ownerId, userId), eq(previews.projectId, projectId)));
}
