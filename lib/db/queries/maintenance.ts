import { and, eq, isNotNull, lt } from "drizzle-orm";
import { PROJECT_LIMITS } from "../../projects/schema";
import type { Orm } from "../open";
import { projects, sandboxes, sessionRevocations } from "../schema";

/**
 * Housekeeping, free of `server-only` so the server entry (scripts/serve.ts) runs it at start-up
 * as well as the app: purging deleted projects and expired session revocations, and closing the
 * records of sandboxes that ended.
 */

/** Remove deleted projects whose undo window has passed (cascading to everything under them). */
export async function purgeDeletedProjects(db: Orm, userId?: string): Promise<number> {
  const cutoff = new Date(Date.now() - PROJECT_LIMITS.undoDeleteMs);
  const old = and(isNotNull(projects.deletedAt), lt(projects.deletedAt, cutoff));
  const rows = await db
    .delete(projects)
    .where(userId ? and(eq(projects.ownerId, userId), old) : old)
    .returning({ id: projects.id });
  return rows.length;
}

/**
 * At start-up: sandboxes of a provider that does not outlive the server (the local one) are gone,
 * and expired ones of any provider have been reaped.
 */
export async function endStaleSandboxes(db: Orm, options: { provider?: string } = {}): Promise<number> {
  const now = new Date();
  const stale = options.provider ? eq(sandboxes.provider, options.provider) : lt(sandboxes.expiresAt, now);
  const rows = await db
    .update(sandboxes)
    .set({ status: "ended", endedAt: now })
    .where(and(eq(sandboxes.status, "running"), stale))
    .returning({ id: sandboxes.id });
  return rows.length;
}


/** Forget revocations whose every refusable token has expired (see sessionRevocations). */
export async function purgeSessionRevocations(db: Orm): Promise<number> {
  const rows = await db.delete(sessionRevocations).where(lt(sessionRevocations.expiresAt, new Date())).returning({ id: sessionRevocations.id });
  return rows.length;
}
