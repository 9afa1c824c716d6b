import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, MIGRATIONS_DIR, type Database } from "@/lib/db/open";

// Every migration in the journal is applied exactly once, however many servers start together.
const MIGRATION_COUNT = (JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }).entries.length;

async function installationId(database: Database): Promise<string> {
  const { appMeta } = await import("@/lib/db/schema");
  const { eq } = await import("drizzle-orm");
  const rows = await database.orm.select().from(appMeta).where(eq(appMeta.key, "installation_id"));
  expect(rows).toHaveLength(1);
  return rows[0]!.value;
}

describe("migrations on PGlite (embedded default)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tessera-pglite-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates an empty database, is idempotent, and keeps data across reopen", async () => {
    let database = await openDatabase({ dataDir: dir });
    await migrateDatabase(database);
    const id = await installationId(database);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await migrateDatabase(database);
    expect(await installationId(database)).toBe(id);
    await database.close();

    database = await openDatabase({ dataDir: dir });
    await migrateDatabase(database);
    expect(await installationId(database)).toBe(id);
    await database.close();
  });
});

const adminUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!adminUrl)("migrations on Postgres (TEST_DATABASE_URL)", () => {
  const name = `tessera_it_${process.pid}_${Date.now()}`;
  let url: string;
  let admin: postgres.Sql;

  beforeAll(async () => {
    admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    url = u.toString();
  });
  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it("migrates an empty database once even when two servers start together", async () => {
    const [a, b] = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
    await Promise.all([migrateDatabase(a), migrateDatabase(b)]);
    const id = await installationId(a);
    expect(await installationId(b)).toBe(id);
    const applied = await a.orm.execute("select count(*)::int as n from drizzle.__drizzle_migrations" as never);
    expect((applied as unknown as { n: number }[])[0]!.n).toBe(MIGRATION_COUNT);
    await migrateDatabase(a);
    expect(await installationId(a)).toBe(id);
    await Promise.all([a.close(), b.close()]);
  });
});

if (!adminUrl) {
  // Said plainly in the run's output, not silently skipped.
  console.warn("TEST_DATABASE_URL is not set: the Postgres migration suite is skipped (PGlite ran).");
}
