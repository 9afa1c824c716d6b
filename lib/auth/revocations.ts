import type { Orm } from "../db/open";
import { isSessionRevoked, revokeSessions } from "../db/queries/sessions";
import { AppError } from "../errors";
import { log } from "../log";
import type { RevocationList } from "./types";
import { LONGEST_TOKEN_LIFETIME_SEC } from "./verify";

/**
 * The revocation list in the database. Looked up on every authenticated request (one indexed
 * probe) and never cached: a cached "not revoked" would let a signed-out token through.
 */

/**
 * How far this server's clock is trusted to agree with the auth server's, which issues `iat`:
 * when a revocation's moment has to come from our clock, it is moved this far later (a token
 * issued that close to a "sign out everywhere" is refused: fail closed).
 */
export const CLOCK_SKEW_SEC = 5;

/**
 * The moment of a change the auth server just made (signing out everywhere, a new password), on
 * its own clock: the Date header of its answer, which it wrote after the change. Tokens are
 * compared with it by their `iat`, from the same clock. Without an answer or a believable
 * header, our clock plus the skew.
 */
export function authServerMoment(response?: Response): Date {
  const date = Date.parse(response?.headers.get("date") ?? "");
  const ours = Date.now();
  if (Number.isFinite(date) && Math.abs(date - ours) < 5 * 60_000) return new Date(date);
  return new Date(ours + CLOCK_SKEW_SEC * 1000);
}

/** A row can refuse a token issued up to its moment, which lives at most this long after. */
const KEEP_MS = (LONGEST_TOKEN_LIFETIME_SEC + 5 * 60 + CLOCK_SKEW_SEC) * 1000;

export function revocationList(database: () => Promise<Orm>): RevocationList {
  return {
    async isRevoked(userId, token) {
      try {
        return await isSessionRevoked(await database(), userId, token);
      } catch (err) {
        // Unknown is not "not revoked": without the list nobody is let in.
        log().error({ err }, "could not read the session revocation list");
        throw new AppError("unavailable:database", "Your session could not be checked just now. Try again in a moment.");
      }
    },
    async revoke(userId, revocation) {
      try {
        await revokeSessions(await database(), userId, revocation, KEEP_MS);
      } catch (err) {
        log().error({ err }, "could not record a signed-out session");
        throw new AppError("unavailable:database", "Signing out could not be recorded just now, so you are still signed in. Try again in a moment.");
      }
    },
  };
}
