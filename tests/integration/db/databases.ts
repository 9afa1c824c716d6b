import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { migrateDatabase, openDatabase, type Database } from "@/lib/db/open";

/**
 * The two databases every query suite runs on: an embedded PGlite in a temp dir, and a fresh
 * database on the real Postgres at TEST_DATABASE_URL (created empty, dropped afterwards). Both
 * start empty and go through every migration.
 */

export interface TestDatabase {
  name: "pglite" | "postgres";
  open(): Promise<Database>;
  /** Drop what open() made. */
  cleanup(): Promise<void>;
}

export const adminUrl = process.env.TEST_DATABASE_URL;

export function pgliteDatabase(): TestDatabase {
  let dir: string | undefined;
  let database: Database | undefined;
  return {
    name: "pglite",
    async open() {
      dir = mkdtempSync(path.join(os.tmpdir(), "tessera-pglite-"));
      database = await openDatabase({ dataDir: dir });
      await migrateDatabase(database);
      return database;
    },
    async cleanup() {
      await database?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresDatabase(): TestDatabase {
  const name = `tessera_it_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  let admin: postgres.Sql | undefined;
  let database: Database | undefined;
  return {
    name: "postgres",
    async open() {
      admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      const u = new URL(adminUrl!);
      u.pathname = `/${name}`;
      database = await openDatabase({ url: u.toString() });
      await migrateDatabase(database);
      return database;
    },
    async cleanup() {
      await database?.close();
      await admin?.unsafe(`drop database if exists ${name} with (force)`);
      await admin?.end();
    },
  };
}

/** The databases this run can reach: PGlite always, Postgres when TEST_DATABASE_URL is set. */
export function testDatabases(): (() => TestDatabase)[] {
  if (!adminUrl) console.warn("TEST_DATABASE_URL is not set: query suites run on PGlite only; Postgres is skipped.");
  return adminUrl ? [pgliteDatabase, postgresDatabase] : [pgliteDatabase];
}
