import "server-only";
import { orm } from "../db/client";
import { AppError } from "../errors";
import { resolveShare, type ResolvedShare } from "../db/queries";
import { rateLimiter, rateRule } from "../limits";
import { securityEvent } from "../log";

/**
 * Opening a share link by its token, for anonymous viewers. Wrong tokens are counted per client
 * address; past the limit every lookup from that address waits, right token or not, so guessing
 * gains nothing by being fast.
 */

export type ShareLookup = { status: "ok"; share: ResolvedShare } | { status: "not_found" } | { status: "rate_limited"; retryAfterSeconds: number };

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Who holds the sandboxes a share link's viewers run: named for the sharer, but apart from the
 * sharer's own (its own per-owner cap), so viewers never stop the sharer's work nor wait for it.
 */
export const shareSandboxOwner = (ownerId: string) => `shares:${ownerId}`;
export const shareSandboxProject = (shareId: string) => `share-${shareId}`;

export async function lookupShare(token: string, clientIp: string): Promise<ShareLookup> {
  const subject = `ip:${clientIp}`;
  const rule = rateRule("shareMiss");
  const limiter = rateLimiter();
  const standing = await limiter.peek(subject, rule);
  if (!standing.allowed) {
    securityEvent("ratelimit.blocked", { rule: rule.name, subject: "ip", clientIp });
    return { status: "rate_limited", retryAfterSeconds: Math.max(1, Math.ceil(standing.retryAfterMs / 1000)) };
  }
  const share = TOKEN.test(token) ? await resolveShare(await orm(), token) : null;
  if (share) return { status: "ok", share };
  await limiter.consume(subject, rule);
  securityEvent("share.not_found", { clientIp });
  return { status: "not_found" };
}

/**
 * Count one viewer's run against its link's budget: all its viewers together, whatever their
 * addresses (each address also has its own, the spine's `shareRun`). The sharer's own `run` budget
 * is never touched. Throws a 429 when the link's budget is spent.
 */
export async function chargeShareRun(shareId: string, clientIp: string): Promise<void> {
  const rule = rateRule("shareRunLink");
  const decision = await rateLimiter().consume(`share:${shareId}`, rule);
  if (decision.allowed) return;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  securityEvent("ratelimit.blocked", { rule: rule.name, subject: "share", clientIp });
  throw new AppError("rate_limit:quota", `This link has been run too often by its viewers in the last minute. Try again in ${seconds} s.`, {
    headers: { "Retry-After": String(seconds) },
  });
}
