// bench:sessions — what refusing signed-out sessions costs per authenticated request: the Supabase
// authenticator verifying a token (signature against a cached JWKS, claims) with the revocation
// lookup in the database, against the same verification with nothing to look up. On PGlite and on
// Postgres, with a table holding other users' revocations and a few of this user's own.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { log, machine, median, percentile, stubServerOnly, type BenchResult, type Metric } from "./lib";

const WARMUP = 300;
const ROUNDS = 5;
const CALLS_PER_ROUND = 600;
const OTHER_ROWS = 10_000;

type Authenticate = (headers: Headers) => Promise<{ principal: unknown }>;

async function timeCalls(label: string, authenticate: Authenticate, headers: Headers, calls: number): Promise<number[]> {
  const samples = new Array<number>(calls);
  for (let i = 0; i < calls; i++) {
    const t0 = process.hrtime.bigint();
    const result = await authenticate(headers);
    const t1 = process.hrtime.bigint();
    if (!result.principal) throw new Error(`${label}: call ${i} was refused`);
    samples[i] = Number(t1 - t0) / 1_000;
  }
  return samples;
}

export async function run(): Promise<BenchResult> {
  process.env.LOG_LEVEL = "warn";
  stubServerOnly();
  const { startSupabaseFake } = await import("../tests/support/supabase-fake/server");
  const { SupabaseAuthenticator } = await import("../lib/auth/supabase");
  const { revocationList } = await import("../lib/auth/revocations");
  const { openDatabase, migrateDatabase } = await import("../lib/db/open");
  const { sessionRevocations } = await import("../lib/db/schema");
  type Orm = Awaited<ReturnType<typeof openDatabase>>["orm"];

  const fake = await startSupabaseFake();
  const user = randomUUID();
  const session = randomUUID();
  const token = await fake.mint({ sub: user, session_id: session, email: "bench@example.test" });
  const headers = new Headers({ authorization: `Bearer ${token}` });
  const nothingRevoked = { isRevoked: async () => false, revoke: async () => {} };
  const baseline = new SupabaseAuthenticator({ url: fake.url, anonKey: fake.anonKey, revocations: nothingRevoked });

  async function seed(db: Orm) {
    const now = Date.now();
    const week = 7 * 24 * 3600 * 1000;
    for (let i = 0; i < OTHER_ROWS; i += 1_000) {
      await db.insert(sessionRevocations).values(
        Array.from({ length: 1_000 }, (_, j) => ({
          userId: randomUUID(),
          sessionId: (i + j) % 10 ? randomUUID() : null,
          reason: "sign_out",
          revokedAt: new Date(now - ((i + j) % 3600) * 1000),
          expiresAt: new Date(now + week),
        })),
      );
    }
    // This user's own: other sessions signed out, and a "sign out everywhere" before this token.
    await db.insert(sessionRevocations).values([
      ...Array.from({ length: 4 }, () => ({ userId: user, sessionId: randomUUID(), reason: "sign_out", revokedAt: new Date(now - 60_000), expiresAt: new Date(now + week) })),
      { userId: user, sessionId: null, reason: "sign_out_everywhere", revokedAt: new Date(now - 24 * 3600 * 1000), expiresAt: new Date(now + week) },
    ]);
    await db.execute("analyze session_revocations");
  }

  async function measure(label: "pglite" | "postgres", db: Orm): Promise<Metric[]> {
    await seed(db);
    const checked = new SupabaseAuthenticator({ url: fake.url, anonKey: fake.anonKey, revocations: revocationList(async () => db) });
    const withList: Authenticate = (h) => checked.authenticate(h);
    const without: Authenticate = (h) => baseline.authenticate(h);
    log(`sessions (${label}): warm-up ${WARMUP} calls each`);
    await timeCalls("with list", withList, headers, WARMUP);
    await timeCalls("baseline", without, headers, WARMUP);
    const rounds: { list: number[]; base: number[] }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which goes first so drift does not favour one side.
      const round = { list: [] as number[], base: [] as number[] };
      for (const side of r % 2 ? (["base", "list"] as const) : (["list", "base"] as const)) {
        round[side] = await timeCalls(side, side === "list" ? withList : without, headers, CALLS_PER_ROUND);
      }
      rounds.push(round);
    }
    const p = (pick: (x: { list: number[]; base: number[] }) => number[], q: number) => median(rounds.map((x) => percentile(pick(x), q)));
    const listP50 = p((x) => x.list, 50);
    const listP95 = p((x) => x.list, 95);
    const baseP50 = p((x) => x.base, 50);
    const baseP95 = p((x) => x.base, 95);
    const n = ROUNDS * CALLS_PER_ROUND;
    const how = `${WARMUP} warm-up calls, then ${ROUNDS} rounds × ${CALLS_PER_ROUND} calls (alternating which goes first), each timed with process.hrtime.bigint() around authenticate(headers) with an ES256 bearer token (JWKS cached); p50/p95 = median over rounds`;
    return [
      { id: `authenticate_with_revocations_${label}`, unit: "µs", n, p50: listP50, p95: listP95, target: null, better: "lower", note: `SupabaseAuthenticator.authenticate with the revocation lookup on ${label} (${OTHER_ROWS.toLocaleString("en-US")} other users' rows and 5 of this user's); ${how}` },
      { id: `authenticate_without_lookup_${label}`, unit: "µs", n, p50: baseP50, p95: baseP95, target: null, better: "lower", note: `Baseline in the same run: the same verification with a list that never revokes (no database call); ${how}` },
      {
        id: `revocation_lookup_overhead_${label}`,
        unit: "µs",
        n,
        p50: listP50 - baseP50,
        p95: listP95 - baseP95,
        target: null,
        better: "lower",
        note: `What the lookup adds per request: the two rows above subtracted (p50 ${(listP50 / baseP50).toFixed(2)}× and p95 ${(listP95 / baseP95).toFixed(2)}× the baseline)`,
      },
    ];
  }

  const metrics: Metric[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "tessera-bench-sessions-"));
  try {
    const database = await openDatabase({ dataDir: dir });
    await migrateDatabase(database);
    try {
      metrics.push(...(await measure("pglite", database.orm)));
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  const name = `tessera_bench_sessions_${process.pid}_${Date.now()}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (err) {
    log(`sessions: no Postgres at ${new URL(adminUrl).host} (${(err as Error).message}); measured PGlite only`);
    await admin.end();
    await fake.close();
    return { name: "sessions", machine: machine(), date: new Date().toISOString(), metrics };
  }
  try {
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    const database = await openDatabase({ url: u.toString() });
    await migrateDatabase(database);
    try {
      metrics.push(...(await measure("postgres", database.orm)));
    } finally {
      await database.close();
    }
  } finally {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    await fake.close();
  }
  return { name: "sessions", machine: machine(), date: new Date().toISOString(), metrics };
}
