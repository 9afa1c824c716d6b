import "server-only";
import { and, asc, eq } from "drizzle-orm";
import type { Orm } from "../open";
import { userKeys } from "../schema";

/** Sealed provider keys of one user (lib/keys seals and opens them; this only stores them). */

export interface StoredKeyInfo {
  provider: string;
  last4: string;
  createdAt: string;
  updatedAt: string;
}

export async function saveUserKey(db: Orm, userId: string, key: { provider: string; sealed: string; keyId: string; last4: string }): Promise<void> {
  const now = new Date();
  await db
    .insert(userKeys)
    .values({ ownerId: userId, ...key, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [userKeys.ownerId, userKeys.provider], set: { sealed: key.sealed, keyId: key.keyId, last4: key.last4, updatedAt: now } });
}

export async function listUserKeys(db: Orm, userId: string): Promise<StoredKeyInfo[]> {
  const rows = await db
    .select({ provider: userKeys.provider, last4: userKeys.last4, createdAt: userKeys.createdAt, updatedAt: userKeys.updatedAt })
    .from(userKeys)
    .where(eq(userKeys.ownerId, userId))
    .orderBy(asc(userKeys.provider));
  return rows.map((r) => ({ provider: r.provider, last4: r.last4, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() }));
}

export async function findUserKey(db: Orm, userId: string, provider: string): Promise<{ sealed: string; keyId: string } | null> {
  const [row] = await db
    .select({ sealed: userKeys.sealed, keyId: userKeys.keyId })
    .from(userKeys)
    .where(and(eq(userKeys.ownerId, userId), eq(userKeys.provider, provider)));
  return row ?? null;
}

/** Returns whether there was a key to delete. */
export async function deleteUserKey(db: Orm, userId: string, provider: string): Promise<boolean> {
  const rows = await db
    .delete(userKeys)
    .where(and(eq(userKeys.ownerId, userId), eq(userKeys.provider, provider)))
    .returning({ provider: userKeys.provider });
  return rows.length > 0;
}
