import "server-only";
import { and, desc, eq, gt, ilike, isNotNull, isNull, sql } from "drizzle-orm";
import { AppError } from "../../errors";
import { PROJECT_LIMITS, type LastRun, type ProjectSummary } from "../../projects/schema";
import type { Orm } from "../open";
import { projects, versions } from "../schema";
import { purgeDeletedProjects } from "./maintenance";

/**
 * Projects of one user. Every function takes the user id and every statement filters on it, so a
 * project id from another user names nothing: it is "not found", exactly like an id that never
 * existed (no existence leak). A deleted project is hidden at once and purged after the undo window.
 */

const NOT_FOUND = "No project with this id.";

export const projectNotFound = () => new AppError("not_found", NOT_FOUND);

const live = (userId: string, projectId: string) => and(eq(projects.ownerId, userId), eq(projects.id, projectId), isNull(projects.deletedAt));

/** Escape LIKE wildcards so a search for "50%" means the characters, not a pattern. */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listProjects(db: Orm, userId: string, options: { search?: string; limit?: number } = {}): Promise<ProjectSummary[]> {
  await purgeDeletedProjects(db, userId);
  const search = options.search?.trim();
  const where = search
    ? and(eq(projects.ownerId, userId), isNull(projects.deletedAt), ilike(projects.title, `%${likeLiteral(search)}%`))
    : and(eq(projects.ownerId, userId), isNull(projects.deletedAt));
  const rows = await db
    .select({
      id: projects.id,
      title: projects.title,
      createdAt: projects.createdAt,
      updatedAt: projects.updatedAt,
      versionCount: sql<number>`(select count(*)::int from ${versions} v where v.owner_id = ${projects.ownerId} and v.project_id = ${projects.id})`,
    })
    .from(projects)
    .where(where)
    .orderBy(desc(projects.updatedAt), desc(projects.createdAt))
    .limit(Math.min(options.limit ?? 200, 500));
  return rows.map((r) => ({ id: r.id, title: r.title, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(), versionCount: Number(r.versionCount) }));
}

export interface ProjectRow {
  id: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
  currentVersion: number;
  lastRun: LastRun | null;
}

/** The project, or null when this user has no live project with this id. */
export async function findProject(db: Orm, userId: string, projectId: string): Promise<ProjectRow | null> {
  const [row] = await db
    .select({
      id: projects.id,
      title: projects.title,
      createdAt: projects.createdAt,
      updatedAt: projects.updatedAt,
      currentVersion: projects.currentVersion,
      lastRun: projects.lastRun,
    })
    .from(projects)
    .where(live(userId, projectId));
  return row ? { ...row, lastRun: (row.lastRun as LastRun | null) ?? null } : null;
}

/** The project, or a 404 AppError. */
export async function requireProject(db: Orm, userId: string, projectId: string): Promise<ProjectRow> {
  const row = await findProject(db, userId, projectId);
  if (!row) throw projectNotFound();
  return row;
}

/**
 * Create a project under a client-chosen id. Creating one that already exists for this user is
 * answered with the existing one (a retried request must not fail), unless it was deleted.
 */
export async function createProject(
  db: Orm,
  userId: string,
  input: { id: string; title: string; createdAt?: Date },
): Promise<{ project: ProjectRow; created: boolean }> {
  return db.transaction(async (tx) => {
    const [{ count }] = (await tx
      .select({ count: sql<number>`count(*)::int` })
      .from(projects)
      .where(and(eq(projects.ownerId, userId), isNull(projects.deletedAt)))) as [{ count: number }];
    const now = new Date();
    const inserted = await tx
      .insert(projects)
      .values({ ownerId: userId, id: input.id, title: input.title, createdAt: input.createdAt ?? now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ id: projects.id });
    if (inserted.length === 0) {
      const existing = await findProject(tx as unknown as Orm, userId, input.id);
      if (!existing) throw new AppError("conflict", "A project with this id was just deleted; undo the delete or create a new project.");
      return { project: existing, created: false };
    }
    if (Number(count) >= PROJECT_LIMITS.maxProjectsPerUser) {
      throw new AppError("rate_limit:quota", `You have ${PROJECT_LIMITS.maxProjectsPerUser} projects, the most one account may keep. Delete some to make room.`);
    }
    return { project: (await findProject(tx as unknown as Orm, userId, input.id))!, created: true };
  });
}

/** Rename or move the current version. A current version that does not exist is refused. */
export async function updateProject(db: Orm, userId: string, projectId: string, patch: { title?: string; currentVersion?: number }): Promise<ProjectRow> {
  return db.transaction(async (tx) => {
    await lockProject(tx as unknown as Orm, userId, projectId);
    if (patch.currentVersion !== undefined && patch.currentVersion !== 0) {
      const [v] = await tx
        .select({ n: versions.n })
        .from(versions)
        .where(and(eq(versions.ownerId, userId), eq(versions.projectId, projectId), eq(versions.n, patch.currentVersion)));
      if (!v) throw new AppError("bad_request:validation", `Version ${patch.currentVersion} does not exist in this project.`);
    }
    await tx
      .update(projects)
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.currentVersion !== undefined ? { currentVersion: patch.currentVersion } : {}),
        updatedAt: new Date(),
      })
      .where(live(userId, projectId));
    return (await findProject(tx as unknown as Orm, userId, projectId))!;
  });
}

/**
 * Take the project's row lock for the rest of the transaction (so two saves into one project
 * cannot interleave), or answer 404.
 */
export async function lockProject(tx: Orm, userId: string, projectId: string): Promise<void> {
  const rows = await tx.select({ id: projects.id }).from(projects).where(live(userId, projectId)).for("update");
  if (rows.length === 0) throw projectNotFound();
}

/** Bump the project's updated time (it moves to the top of the list). */
export async function touchProject(tx: Orm, userId: string, projectId: string): Promise<void> {
  await tx.update(projects).set({ updatedAt: new Date() }).where(live(userId, projectId));
}

/** Hide the project now; it can be restored until the undo window has passed, then is purged. */
export async function deleteProject(db: Orm, userId: string, projectId: string): Promise<{ undoUntil: Date }> {
  const now = new Date();
  const rows = await db.update(projects).set({ deletedAt: now }).where(live(userId, projectId)).returning({ id: projects.id });
  if (rows.length === 0) throw projectNotFound();
  return { undoUntil: new Date(now.getTime() + PROJECT_LIMITS.undoDeleteMs) };
}

/** Undo a delete within the window; afterwards (or for someone else's project) it is not found. */
export async function restoreProject(db: Orm, userId: string, projectId: string): Promise<ProjectRow> {
  const cutoff = new Date(Date.now() - PROJECT_LIMITS.undoDeleteMs);
  const rows = await db
    .update(projects)
    .set({ deletedAt: null })
    .where(and(eq(projects.ownerId, userId), eq(projects.id, projectId), isNotNull(projects.deletedAt), gt(projects.deletedAt, cutoff)))
    .returning({ id: projects.id });
  if (rows.length === 0) throw projectNotFound();
  return (await findProject(db, userId, projectId))!;
}

/** Remember what the last run of a version showed, so reopening the project shows it again. */
export async function setLastRun(db: Orm, userId: string, projectId: string, lastRun: LastRun): Promise<void> {
  await db.update(projects).set({ lastRun }).where(live(userId, projectId));
}
