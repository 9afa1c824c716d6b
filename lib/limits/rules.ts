import { env } from "../env";
import type { RateRule } from "./types";

/** Per-route limits. RATE_LIMIT_SCALE lets an operator raise or lower all of them at once. */
const BASE = {
  health: { limit: 120, windowMs: 60_000 },
  preferences: { limit: 30, windowMs: 60_000 },
  notFound: { limit: 120, windowMs: 60_000 },
  preview: { limit: 1_200, windowMs: 60_000 },
  // Model calls cost money and runs cost CPU: per user, generous for a person, tight for a script.
  chat: { limit: 20, windowMs: 60_000 },
  chatDaily: { limit: 500, windowMs: 24 * 60 * 60_000 },
  run: { limit: 30, windowMs: 60_000 },
  // Saving is one request per message and version, and a busy session makes many.
  projects: { limit: 600, windowMs: 60_000 },
  export: { limit: 30, windowMs: 60_000 },
  shares: { limit: 60, windowMs: 60_000 },
  keys: { limit: 30, windowMs: 60_000 },
  sandboxes: { limit: 60, windowMs: 60_000 },
  // Anonymous viewers of a share link, per client address…
  shareView: { limit: 60, windowMs: 60_000 },
  shareRun: { limit: 20, windowMs: 60_000 },
  // …and wrong tokens: after this many in a window, every share lookup from that address waits.
  shareMiss: { limit: 10, windowMs: 10 * 60_000 },
  // All of one link's viewers together, whatever their addresses. Viewers never spend the sharer's
  // own `run` budget, so however often a link is run, its owner can still run their projects.
  shareRunLink: { limit: 60, windowMs: 60_000 },
  authCallback: { limit: 30, windowMs: 60_000 },
  // Bodies that fell behind the spine's pace (lib/http/body.ts), per caller: past this, every request
  // of theirs with a body is refused before a byte of it is read, so holding connections open slowly
  // stops working after a few tries. An honest client on a bad link meets this rarely.
  slowBody: { limit: 5, windowMs: 10 * 60_000 },
  // Signing in, per client address: room for typos, not for guessing passwords.
  authSignIn: { limit: 20, windowMs: 60_000 },
  // Each of these can send an email (sign-up, email link, reset), per client address.
  authEmail: { limit: 10, windowMs: 60_000 },
  authOAuth: { limit: 20, windowMs: 60_000 },
  // A new password, per user.
  authPassword: { limit: 5, windowMs: 60_000 },
  authSignOut: { limit: 30, windowMs: 60_000 },
} satisfies Record<string, Omit<RateRule, "name">>;

export type RuleName = keyof typeof BASE;

export function rateRule(name: RuleName): RateRule {
  const base = BASE[name];
  return { name, windowMs: base.windowMs, limit: Math.max(1, Math.round(base.limit * env().RATE_LIMIT_SCALE)) };
}
