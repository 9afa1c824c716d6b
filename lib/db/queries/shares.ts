import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { AppError } from "../../errors";
import { PROJECT_LIMITS, type SavedVersion } from "../../projects/schema";
import type { Orm } from "../open";
import { projects, shareLinks, versions } from "../schema";
import { readVersions } from "./content";
import { lockProject } from "./projects";
import { hashToken, newToken } from "./tokens";

/**
 * Read-only links to one version. The token is shown once, when the link is made; the database
 * keeps its hash. Owners list and revoke their links by id; viewers reach one only by its token.
 */

export interface ShareRecord {
  id: string;
  version: number;
  createdAt: string;
  expiresAt: string;
}

const active = () => and(isNull(shareLinks.revokedAt), gt(shareLinks.expiresAt, new Date()));

export async function createShare(db: Orm, userId: string, projectId: string, input: { version: number; expiresAt: Date }): Promise<{ share: ShareRecord; token: string }> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Orm;
    await lockProject(t, userId, projectId);
    const [v] = await t
      .select({ n: versions.n })
      .from(versions)
      .where(and(eq(versions.ownerId, userId), eq(versions.projectId, projectId), eq(versions.n, input.version)));
    if (!v) throw new AppError("bad_request:validation", `Version ${input.version} does not exist in this project (save it first).`);
    const [{ count }] = (await t
      .select({ count: sql<number>`count(*)::int` })
      .from(shareLinks)
      .where(and(eq(shareLinks.ownerId, userId), eq(shareLinks.projectId, projectId), active()))) as [{ count: number }];
    if (Number(count) >= PROJECT_LIMITS.maxActiveSharesPerProject) {
      throw new AppError("rate_limit:quota", `This project has ${PROJECT_LIMITS.maxActiveSharesPerProject} active share links; revoke one first.`);
    }
    const token = newToken();
    const [row] = await t
      .insert(shareLinks)
      .values({ id: randomUUID(), ownerId: userId, projectId, version: input.version, tokenHash: hashToken(token), expiresAt: input.expiresAt })
      .returning();
    return { share: toRecord(row!), token };
  });
}

export async function listShares(db: Orm, userId: string, projectId: string): Promise<ShareRecord[]> {
  const rows = await db
    .select()
    .from(shareLinks)
    .where(and(eq(shareLinks.ownerId, userId), eq(shareLinks.projectId, projectId), active()))
    .orderBy(desc(shareLinks.createdAt));
  return rows.map(toRecord);
}

/** Every link ever made for the project, live or not (to stop what their viewers run). */
export async function shareIdsOfProject(db: Orm, userId: string, projectId: string): Promise<string[]> {
  const rows = await db
    .select({ id: shareLinks.id })
    .from(shareLinks)
    .where(and(eq(shareLinks.ownerId, userId), eq(shareLinks.projectId, projectId)));
  return rows.map((r) => r.id);
}

/** Revoke one of this user's links of this project; anything else is not found. */
export async function revokeShare(db: Orm, userId: string, projectId: string, shareId: string): Promise<void> {
  const rows = await db
    .update(shareLinks)
    .set({ revokedAt: new Date() })
    .where(and(eq(shareLinks.ownerId, userId), eq(shareLinks.projectId, projectId), eq(shareLinks.id, shareId), isNull(shareLinks.revokedAt)))
    .returning({ id: shareLinks.id });
  if (rows.length === 0) throw new AppError("not_found", "No share link with this id.");
}

export interface ResolvedShare {
  id: string;
  ownerId: string;
  projectId: string;
  projectTitle: string;
  expiresAt: string;
  version: SavedVersion;
}

/** The version a token opens, or null: unknown, revoked, expired, or its project deleted. */
export async function resolveShare(db: Orm, token: string): Promise<ResolvedShare | null> {
  const [row] = await db
    .select({ share: shareLinks, title: projects.title })
    .from(shareLinks)
    .innerJoin(projects, and(eq(projects.ownerId, shareLinks.ownerId), eq(projects.id, shareLinks.projectId), isNull(projects.deletedAt)))
    .where(and(eq(shareLinks.tokenHash, hashToken(token)), active()));
  if (!row) return null;
  const [version] = await readVersions(db, row.share.ownerId, row.share.projectId, row.share.version);
  if (!version) return null;
  return { id: row.share.id, ownerId: row.share.ownerId, projectId: row.share.projectId, projectTitle: row.title, expiresAt: row.share.expiresAt.toISOString(), version };
}

function toRecord(row: typeof shareLinks.$inferSelect): ShareRecord {
  return { id: row.id, version: row.version, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}
