import "server-only";
import { openDatabase, type Database } from "./open";

export type { Database } from "./open";

let current: Promise<Database> | undefined;

/** The process's database: PGlite under DATA_DIR by default, Postgres when DATABASE_URL is set. */
export function db(): Promise<Database> {
  current ??= openDatabase().catch((err) => {
    current = undefined;
    throw err;
  });
  return current;
}
