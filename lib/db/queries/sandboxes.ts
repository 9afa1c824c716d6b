import "server-only";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Orm } from "../open";
import { sandboxes } from "../schema";

/**
 * The record of every sandbox started for a user: owner and project from creation on (DESIGN 4.5).
 * The provider is the truth about what runs now; this is what survives a restart and what every
 * route that names a sandbox checks ownership against.
 */

export interface SandboxRecord {
  id: string;
  provider: string;
  projectId: string;
  template: string;
  status: "running" | "ended";
  createdAt: string;
  expiresAt: string;
}

export async function recordSandbox(
  db: Orm,
  userId: string,
  sandbox: { id: string; provider: string; projectId: string; template: string; expiresAt: Date },
): Promise<void> {
  await db
    .insert(sandboxes)
    .values({ id: sandbox.id, provider: sandbox.provider, ownerId: userId, projectId: sandbox.projectId, template: sandbox.template, status: "running", expiresAt: sandbox.expiresAt })
    .onConflictDoUpdate({
      target: sandboxes.id,
      // Only the owner recorded at creation may refresh its record: a row is never moved to another user.
      set: { expiresAt: sandbox.expiresAt, status: "running", endedAt: null },
      setWhere: eq(sandboxes.ownerId, userId),
    });
}

export async function findSandbox(db: Orm, userId: string, sandboxId: string): Promise<SandboxRecord | null> {
  const [row] = await db.select().from(sandboxes).where(and(eq(sandboxes.ownerId, userId), eq(sandboxes.id, sandboxId)));
  return row ? toRecord(row) : null;
}

export async function listSandboxes(db: Orm, userId: string, options: { running?: boolean } = {}): Promise<SandboxRecord[]> {
  const where = options.running
    ? and(eq(sandboxes.ownerId, userId), eq(sandboxes.status, "running"), sql`${sandboxes.expiresAt} > now()`)
    : eq(sandboxes.ownerId, userId);
  const rows = await db.select().from(sandboxes).where(where).orderBy(desc(sandboxes.createdAt)).limit(100);
  return rows.map(toRecord);
}

export async function markSandboxEnded(db: Orm, userId: string, sandboxId: string): Promise<void> {
  await db
    .update(sandboxes)
    .set({ status: "ended", endedAt: new Date() })
    .where(and(eq(sandboxes.ownerId, userId), eq(sandboxes.id, sandboxId)));
}

function toRecord(row: typeof sandboxes.$inferSelect): SandboxRecord {
  const ended = row.status !== "running" || row.expiresAt.getTime() <= Date.now();
  return {
    id: row.id,
    provider: row.provider,
    projectId: row.projectId,
    template: row.template,
    status: ended ? "ended" : "running",
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  };
}
