// bench:projects — how long keeping projects costs, on the embedded PGlite and on Postgres:
// saving a typical version (20 files, one changed since the last), saving a 2 MiB version (100
// files, the cap), and opening a project of 50 versions as the browser does (one document, each
// file content once). In-process through lib/db/queries, so the figures are the database's part
// of a request, not HTTP's.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { log, machine, percentile, type BenchResult, type Metric } from "./lib";

const USER = "00000000-0000-4000-8000-0000000000be";
const WARMUP = 5;
const N = 40;

function files(n: number, count: number, bytes: number, changed: number) {
  return Array.from({ length: count }, (_, i) => ({
    path: `src/file${i}.tsx`,
    // One file changes per version; the rest are the same as in every other version.
    content: `// file ${i}${i < changed ? ` of version ${n}` : ""}\n` + "x".repeat(bytes),
  }));
}

function version(n: number, fileList: { path: string; content: string }[]) {
  return { n, createdAt: new Date().toISOString(), source: "edit" as const, title: `v${n}`, template: "react", files: fileList, dependencies: { npm: [], pip: [] }, entry: "src/file0.tsx", port: null };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function measure(label: "pglite" | "postgres", open: () => Promise<{ orm: never; close(): Promise<void> }>): Promise<Metric[]> {
  const q = await import("../lib/db/queries");
  const database = await open();
  const db = database.orm;
  try {
    await q.createProject(db, USER, { id: "bench-small", title: "Bench" });
    const small: number[] = [];
    for (let n = 1; n <= WARMUP + N; n++) {
      const ms = await timed(() => q.addVersion(db, USER, "bench-small", version(n, files(n, 20, 5_000, 1))));
      if (n > WARMUP) small.push(ms);
    }
    await q.createProject(db, USER, { id: "bench-big", title: "Bench big" });
    const big: number[] = [];
    for (let n = 1; n <= 3 + 10; n++) {
      const ms = await timed(() => q.addVersion(db, USER, "bench-big", version(n, files(n, 100, 20_000, 100))));
      if (n > 3) big.push(ms);
    }
    // Open a project of 50 versions (the small one has WARMUP + N = 45; top it up).
    for (let n = WARMUP + N + 1; n <= 50; n++) await q.addVersion(db, USER, "bench-small", version(n, files(n, 20, 5_000, 1)));
    const openTimes: number[] = [];
    for (let i = 0; i < WARMUP + N; i++) {
      const ms = await timed(() => q.readProjectDocument(db, USER, "bench-small"));
      if (i >= WARMUP) openTimes.push(ms);
    }
    const metric = (id: string, samples: number[], note: string): Metric => ({
      id: `${id}_${label}`,
      unit: "ms",
      n: samples.length,
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
      target: null,
      better: "lower",
      note,
    });
    return [
      metric("save_version_20_files", small, "addVersion: 20 files of 5 KB, one changed since the previous version (the rest stored once)"),
      metric("save_version_2mib", big, "addVersion: 100 files of 20 KB, all new (the 2 MiB cap), in one transaction"),
      metric("open_project_50_versions", openTimes, "readProjectDocument: 50 versions of 20 files, each content once, as GET /api/projects/:id sends it"),
    ];
  } finally {
    await database.close();
  }
}

export async function run(): Promise<BenchResult> {
  const { openDatabase, migrateDatabase } = await import("../lib/db/open");
  const metrics: Metric[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-bench-"));
  try {
    log("projects: PGlite");
    metrics.push(
      ...(await measure("pglite", async () => {
        const database = await openDatabase({ dataDir: dir });
        await migrateDatabase(database);
        return database as never;
      })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  const name = `tessera_bench_${process.pid}_${Date.now()}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    log(`projects: no Postgres at ${new URL(adminUrl).host} (${(err as Error).message}); measured PGlite only`);
    await admin.end();
    return { name: "projects", machine: machine(), date: new Date().toISOString(), metrics };
  }
  try {
    log("projects: Postgres");
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    metrics.push(
      ...(await measure("postgres", async () => {
        const database = await openDatabase({ url: u.toString() });
        await migrateDatabase(database);
        return database as never;
      })),
    );
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  return { name: "projects", machine: machine(), date: new Date().toISOString(), metrics };
}
