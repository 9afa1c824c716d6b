import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { env } from "../env";
import * as schema from "./schema";

/**
 * Opening and migrating the database, free of `server-only` so scripts (migrate, bootstrap) share
 * it with the server. One schema and one set of migrations serve PGlite and Postgres.
 */

export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  kind: "pglite" | "postgres";
  /** Postgres connection string (postgres only); migrations take their own single connection. */
  url?: string;
  orm: Orm;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.join(process.cwd(), "lib", "db", "migrations");

export async function openDatabase(options: { url?: string; dataDir?: string } = {}): Promise<Database> {
  const url = options.url ?? env().DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 10 });
    const orm = drizzle(client, { schema });
    return {
      kind: "postgres",
      url,
      orm: orm as unknown as Database["orm"],
      ping: async () => void (await client`select 1`),
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = path.resolve(options.dataDir ?? env().DATA_DIR, "pglite");
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const client = await PGlite.create(dir);
  const orm = drizzle(client, { schema });
  return {
    kind: "pglite",
    orm: orm as unknown as Database["orm"],
    ping: async () => void (await client.query("select 1")),
    close: () => client.close(),
  };
}

/**
 * Apply pending migrations. Idempotent; on Postgres an advisory lock serialises concurrent
 * starters so two servers booting together cannot apply the same migration twice.
 */
export async function migrateDatabase(database: Database, migrationsFolder = MIGRATIONS_DIR): Promise<void> {
  if (database.kind === "postgres" && database.url) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    // One connection: an advisory lock belongs to the session that took it.
    const client = postgres(database.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await client`select pg_advisory_lock(724171)`;
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(724171)`.catch(() => {});
      await client.end({ timeout: 5 });
    }
    return;
  }
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  await migrate(database.orm as any, { migrationsFolder });
}
