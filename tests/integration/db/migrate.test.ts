import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

describe.skipIf(!adminUrl)("migrations on a Postgres database in use", () => {
  const name = `tessera_inuse_${process.pid}_${Date.now()}`;
  let url: string;
  let admin: postgres.Sql;
  let firstOnly: string;

  beforeAll(async () => {
    admin = postgres(adminUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const u = new URL(adminUrl!);
    u.pathname = `/${name}`;
    url = u.toString();
    // The migrations as an older release shipped them: the first one only.
    firstOnly = mkdtempSync(path.join(os.tmpdir(), "tessera-migrations-"));
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
    mkdirSync(path.join(firstOnly, "meta"));
    const first = journal.entries[0]!;
    copyFileSync(path.join(MIGRATIONS_DIR, `${first.tag}.sql`), path.join(firstOnly, `${first.tag}.sql`));
    writeFileSync(path.join(firstOnly, "meta", "_journal.json"), JSON.stringify({ ...journal, entries: [first] }));
  });
  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(firstOnly, { recursive: true, force: true });
  });

  it("applies the pending migrations while a running server keeps reading and writing", async () => {
    const running = await openDatabase({ url });
    await migrateDatabase(running, firstOnly);
    // The old server at work: a steady stream of reads and writes on its tables.
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    let stop = false;
    let done = 0;
    const errors: unknown[] = [];
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await sql`insert into app_meta (key, value) values (${`k${i}`}, ${"v"}) on conflict (key) do update set value = excluded.value`;
          await sql`select count(*) from app_meta`;
          done++;
        } catch (err) {
          errors.push(err);
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const before = done;
    const upgrading = await openDatabase({ url });
    await migrateDatabase(upgrading);
    const during = done - before;
    stop = true;
    await traffic;
    expect(errors).toEqual([]);
    expect(during, "the old server's queries went on during the migration").toBeGreaterThan(0);
    const tables = await sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["app_meta", "projects", "versions", "version_files", "blobs", "messages", "share_links", "sandboxes", "previews", "user_keys"]));
    await Promise.all([sql.end(), running.close(), upgrading.close()]);
  });
});

if (!adminUrl) {
  // Said plainly in the run's output, not silently skipped.
  console.warn("TEST_DATABASE_URL is not set: the Postgres migration suite is skipped (PGlite ran).");
}
