import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Orm } from "@/lib/db/open";
import { isSessionRevoked, purgeSessionRevocations, revokeSessions } from "@/lib/db/queries";
import { sessionRevocations } from "@/lib/db/schema";
import { testDatabases, type TestDatabase } from "./databases";

const HOUR = 3_600_000;
const nowSec = () => Math.floor(Date.now() / 1000);

for (const make of testDatabases()) {
  const target: TestDatabase = make();
  describe(`signed-out sessions on ${target.name}`, () => {
    let db: Orm;
    beforeAll(async () => {
      db = (await target.open()).orm;
    });
    afterAll(() => target.cleanup());

    it("refuses every token of a signed-out session, and only that session's, only for its user", async () => {
      const user = randomUUID();
      const other = randomUUID();
      const [ended, live] = [randomUUID(), randomUUID()];
      const before = { sessionId: ended, issuedAt: nowSec() - 60 };
      expect(await isSessionRevoked(db, user, before)).toBe(false);
      await revokeSessions(db, user, { sessionId: ended, reason: "sign_out" }, HOUR);
      expect(await isSessionRevoked(db, user, before)).toBe(true);
      // A token of that session issued later (a refresh racing the sign-out) is refused too.
      expect(await isSessionRevoked(db, user, { sessionId: ended, issuedAt: nowSec() + 60 })).toBe(true);
      expect(await isSessionRevoked(db, user, { sessionId: live, issuedAt: nowSec() - 60 })).toBe(false);
      // Another user's session with the same id (ids are the auth server's, but a row names its user).
      expect(await isSessionRevoked(db, other, before)).toBe(false);
    });

    it("signing out everywhere refuses every session issued up to that moment, and none after", async () => {
      const user = randomUUID();
      const [a, b, later] = [randomUUID(), randomUUID(), randomUUID()];
      const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 400);
      await revokeSessions(db, user, { before: at, reason: "sign_out_everywhere" }, HOUR);
      const atSec = Math.floor(at.getTime() / 1000);
      expect(await isSessionRevoked(db, user, { sessionId: a, issuedAt: atSec - 3600 })).toBe(true);
      // `iat` counts whole seconds: the very second of the moment is refused (fail closed).
      expect(await isSessionRevoked(db, user, { sessionId: b, issuedAt: atSec })).toBe(true);
      // Tokens without a session id are refused by their issue time alone.
      expect(await isSessionRevoked(db, user, { issuedAt: atSec - 10 })).toBe(true);
      // The next second on, it is someone signing in again.
      expect(await isSessionRevoked(db, user, { sessionId: later, issuedAt: atSec + 1 })).toBe(false);
      expect(await isSessionRevoked(db, user, { issuedAt: atSec + 1 })).toBe(false);
    });

    it("a password change ends every other session and keeps the one that made it", async () => {
      const user = randomUUID();
      const [kept, other] = [randomUUID(), randomUUID()];
      const issued = nowSec() - 120;
      await revokeSessions(db, user, { before: new Date(), keepSessionId: kept, reason: "password_changed" }, HOUR);
      expect(await isSessionRevoked(db, user, { sessionId: kept, issuedAt: issued })).toBe(false);
      expect(await isSessionRevoked(db, user, { sessionId: other, issuedAt: issued })).toBe(true);
      expect(await isSessionRevoked(db, user, { issuedAt: issued })).toBe(true);
      // The kept session signing out later is still refused by its own row.
      await revokeSessions(db, user, { sessionId: kept, reason: "sign_out" }, HOUR);
      expect(await isSessionRevoked(db, user, { sessionId: kept, issuedAt: issued })).toBe(true);
    });

    it("forgets a revocation once every token it refuses has expired, and purges it", async () => {
      const user = randomUUID();
      const session = randomUUID();
      await revokeSessions(db, user, { sessionId: session, reason: "sign_out" }, HOUR);
      expect(await isSessionRevoked(db, user, { sessionId: session, issuedAt: nowSec() })).toBe(true);
      const rowsOf = async () => (await db.select().from(sessionRevocations)).filter((r) => r.userId === user);
      expect((await rowsOf())[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + HOUR - 60_000);
      // The row's time passes.
      await db.update(sessionRevocations).set({ expiresAt: new Date(Date.now() - 1_000) }).where(eq(sessionRevocations.userId, user));
      // Past its expiry the row refuses nothing, even before the purge has run.
      expect(await isSessionRevoked(db, user, { sessionId: session, issuedAt: nowSec() })).toBe(false);
      expect(await rowsOf()).toHaveLength(1);
      expect(await purgeSessionRevocations(db)).toBeGreaterThanOrEqual(1);
      expect(await rowsOf()).toHaveLength(0);
      // Writing a new revocation purges expired rows as it goes, and keeps live ones.
      await db.insert(sessionRevocations).values({ userId: user, sessionId: session, reason: "sign_out", revokedAt: new Date(Date.now() - HOUR), expiresAt: new Date(Date.now() - 1_000) });
      await db.insert(sessionRevocations).values({ userId: user, reason: "sign_out_everywhere", revokedAt: new Date(), expiresAt: new Date(Date.now() + HOUR) });
      await revokeSessions(db, user, { sessionId: randomUUID(), reason: "sign_out" }, HOUR);
      expect((await rowsOf()).map((r) => r.reason).sort()).toEqual(["sign_out", "sign_out_everywhere"]);
    });

    it("looks a token up with one probe of the (user, expiry) index", async () => {
      const user = randomUUID();
      // Enough rows of other users that a sequential scan would be the planner's last choice.
      const rows = Array.from({ length: 2_000 }, () => ({ userId: randomUUID(), sessionId: randomUUID(), reason: "sign_out", revokedAt: new Date(), expiresAt: new Date(Date.now() + HOUR) }));
      await db.insert(sessionRevocations).values(rows);
      await db.execute("analyze session_revocations");
      const plan = await db.execute(
        `explain select id from session_revocations where user_id = '${user}' and expires_at > now() and (session_id = '${randomUUID()}' or session_id is null) limit 1`,
      );
      const text = JSON.stringify(plan);
      expect(text).toContain("session_revocations_user");
      expect(text).not.toContain("Seq Scan");
    });
  });
}
