import "server-only";
import { openDatabase, type Database } from "./open";

export type { Database, Orm } from "./open";

// On globalThis, not in a module variable: Next can load this module once per server bundle (route
// handlers, pages, the proxy), and PGlite must have exactly one opener per data directory.
const KEY = Symbol.for("tessera.database");
const slot = globalThis as unknown as Record<typeof KEY, Promise<Database> | undefined>;

/** The process's database: PGlite under DATA_DIR by default, Postgres when DATABASE_URL is set. */
export function db(): Promise<Database> {
  slot[KEY] ??= openDatabase().catch((err) => {
    slot[KEY] = undefined;
    throw err;
  });
  return slot[KEY];
}

/** The query handle of the process's database. */
export async function orm(): Promise<Database["orm"]> {
  return (await db()).orm;
}
