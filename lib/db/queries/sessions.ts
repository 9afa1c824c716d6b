import "server-only";
import { and, eq, gt, gte, isNull, ne, or, sql } from "drizzle-orm";
import type { Orm } from "../open";
import { sessionRevocations } from "../schema";
import { purgeSessionRevocations } from "./maintenance";

/**
 * The list of signed-out sessions (see the table's comment in schema.ts). Every query takes the
 * user id: a row refuses only that user's tokens, and looking one up is one indexed probe.
 */

export type RevocationReason = "sign_out" | "sign_out_everywhere" | "password_changed" | "session_ended";

export type Revocation =
  /** This one session. */
  | { sessionId: string; reason: RevocationReason }
  /**
   * Every session of the user whose token was issued up to `before` — a moment on the auth
   * server's clock, which is what issues `iat` — but `keepSessionId`.
   */
  | { before: Date; keepSessionId?: string; reason: RevocationReason };

export interface TokenFacts {
  /** The token's `session_id` claim, when it has one. */
  sessionId?: string;
  /** The token's `iat`, in seconds. */
  issuedAt: number;
}

/**
 * Record a revocation, kept `keepForMs` (at least as long as any token it refuses may live).
 * Expired rows of every user go at the same time: revocations are rare, purging is one range
 * delete on an index, so the table never grows past the sign-outs of one token lifetime.
 */
export async function revokeSessions(db: Orm, userId: string, revocation: Revocation, keepForMs: number): Promise<void> {
  const now = new Date();
  await db.insert(sessionRevocations).values({
    userId,
    sessionId: "sessionId" in revocation ? revocation.sessionId : null,
    keepSessionId: "before" in revocation ? (revocation.keepSessionId ?? null) : null,
    reason: revocation.reason,
    revokedAt: "before" in revocation ? revocation.before : now,
    expiresAt: new Date(now.getTime() + keepForMs),
  });
  await purgeSessionRevocations(db);
}

/**
 * Whether a row refuses this token: its session was ended, or every session of the user was
 * ended at or after the second it was issued (`iat` counts whole seconds, so a token issued in
 * the very second of a "sign out everywhere" is refused even if it came just after: fail closed).
 */
export async function isSessionRevoked(db: Orm, userId: string, token: TokenFacts): Promise<boolean> {
  const userWide = and(
    isNull(sessionRevocations.sessionId),
    gte(sessionRevocations.revokedAt, new Date(token.issuedAt * 1000)),
    token.sessionId ? or(isNull(sessionRevocations.keepSessionId), ne(sessionRevocations.keepSessionId, token.sessionId)) : undefined,
  );
  const rows = await db
    .select({ id: sessionRevocations.id })
    .from(sessionRevocations)
    .where(
      and(
        eq(sessionRevocations.userId, userId),
        gt(sessionRevocations.expiresAt, sql`now()`),
        token.sessionId ? or(eq(sessionRevocations.sessionId, token.sessionId), userWide) : userWide,
      ),
    )
    .limit(1);
  return rows.length > 0;
}
